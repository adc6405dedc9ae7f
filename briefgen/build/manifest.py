"""Manifests: beside every document, what went into it and what came out.

``<stem>.manifest.json`` names the brief (or sheet), its facts and
references, what fitting did and the files written with their SHA-256.  It
is written last, so it vouches for the files before it.  The output folder
is read through its manifests: the index lists, and pruning removes, only
documents that have one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from briefgen import __version__
from briefgen.build.cache import CACHE_NAME
from briefgen.compose.cite import CitedBrief
from briefgen.compose.plan import Job

SUFFIX = ".manifest.json"


def manifest(job: Job, cited: CitedBrief, files: dict[str, bytes], fitted, fitted_formats=()) -> bytes:
    """The manifest of one rendered document (`files` by name, `fitted` what fitting did, or None;
    `fitted_formats`, the formats whose content fitting decided: a paged one and those that follow it)."""
    brief = job.brief
    from briefgen.source.diff import fact_digest  # comparing versions is imported by what builds, not by `check`

    data = {
        "briefgen": __version__,
        "id": brief.id,
        "kind": job.kind,
        "lang": cited.words.lang,
        "title": brief.title,
        "date": brief.date.isoformat(),
        "tags": list(brief.tags),
        "template": brief.template,
        "facts": cited.fact_ids,
        "dropped": list(fitted.dropped) if fitted else [],
        "charts_dropped": list(fitted.charts_dropped) if fitted else [],  # facts shown without their charts
        "draft": any(cf.fact.status == "draft" for s in cited.sections for cf in s.facts),
        "references": [{"number": e.number, "id": e.ref.id} for e in cited.references],
        # What a reader sees of each fact, digested: a later build (or a tool) can tell which changed.
        "fact_digests": {cf.fact.id: fact_digest(cf.fact) for s in cited.sections for cf in s.facts},
        **({"changes": {"since": cited.changes.since,
                        "new": [cf.fact.id for cf in cited.changed_facts if cf.change == "new"],
                        "updated": [cf.fact.id for cf in cited.changed_facts if cf.change == "updated"],
                        "withdrawn": [{"id": i, "why": why} for i, _, why in cited.changes.withdrawn]}}
           if cited.changes else {}),
        "fit": None if fitted is None else {
            "scale": round(fitted.scale, 4), "pages": fitted.layout.pages, "max_pages": brief.max_pages,
            "extra_layouts": fitted.layouts,
            # The files that leave out the facts (or charts) fitting dropped (the .docx too: Word lays out pages itself).
            **({"formats": list(fitted_formats)} if fitted.dropped or fitted.charts_dropped else {}),
        },
        # An ad-hoc sheet says what it was asked for, so that later builds keep it current.
        **({"sheet": {"expression": job.request.expression, "title": job.request.title,
                      "template": job.request.template}} if job.request else {}),
        "files": {name.rsplit(".", 1)[-1]: {"name": name.rsplit("/", 1)[-1], "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in files.items()},
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Found:
    """A manifest found in an output folder."""

    stem: str  # the document's path in the folder, without suffix: "tags/law"
    data: dict


def read_all(out_dir: Path) -> list[Found]:
    """Every readable manifest in `out_dir`, by stem; damaged ones and others' files are skipped."""
    found = []
    if not out_dir.is_dir():
        return found
    for path in sorted(out_dir.rglob("*" + SUFFIX)):
        if any((folder / CACHE_NAME).is_file() for folder in path.relative_to(out_dir).parents
               if folder != Path(".") for folder in [out_dir / folder]):
            continue  # another output folder inside this one (output/release/, say): not this one's
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
                continue
            str(data["kind"]), str(data["id"]), str(data["title"]), str(data["date"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not one of ours, or damaged
        found.append(Found(path.relative_to(out_dir).as_posix()[: -len(SUFFIX)], data))
    return found
