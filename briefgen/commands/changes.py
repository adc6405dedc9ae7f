"""`briefgen diff` and `briefgen release`: what changed between two versions
of the sources, as text for people, JSON for tools, or markdown for a pull
request comment; and named versions to compare with.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from briefgen.commands.options import root_option
from briefgen.errors import BriefgenError, terminal_text

CONTEXT_WORDS = 6  # words kept on each side of a change in a reworded text


@click.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="text for people (path:line of each change); json for tools; markdown for a pull request comment.")
@root_option
@click.pass_context
def diff(ctx: click.Context, old: str | None, new: str | None, fmt: str) -> None:
    """Say what changed in the sources from OLD to NEW, fact by fact.

    OLD and NEW are each a git revision (HEAD~3, a branch, a tag such as
    release-2026-10), a release's name, or another workspace folder.  OLD
    defaults to HEAD and NEW to the working tree.  Records are compared by
    id, so a fact moved to another file is no change.  For each changed
    fact: what happened (added, removed, retired, disputed, re-verified,
    claim reworded with the numbers that changed, citations added, removed
    or re-pointed) and the briefs and tag sheets it reaches.  Exits 1 if
    either version has problems (they are reported as that version's).

    \b
    Example:
      briefgen diff HEAD~1                    # the last commit against the working tree
      briefgen diff release-2026-10 main --format json
    """
    import gc

    from briefgen.compose.changes import compare_versions
    from briefgen.source.versions import open_version

    root, memo = ctx.obj, {}
    enabled = gc.isenabled()
    gc.disable()  # the records made here live to the end: the collector would only cost time
    try:
        newer = open_version(root, new, memo)  # first: a folder that is no workspace is told so as such
        older = open_version(root, old or "HEAD", memo)
        comparison = compare_versions(older, newer, _ad_hoc_sheets(Path(root)))
    finally:
        gc.freeze()  # and what was made is old now, so that turning it back on collects nothing at once
        gc.unfreeze()
        if enabled:
            gc.enable()
    if fmt == "json":
        click.echo(json.dumps(as_json(comparison), indent=2, ensure_ascii=False))
    else:
        for line in (as_markdown if fmt == "markdown" else as_text)(comparison):
            click.echo(line if fmt == "markdown" else terminal_text(line))
    if comparison.problems:
        if fmt == "json":
            ctx.exit(1)
        raise BriefgenError(comparison.problems)


@click.command()
@click.argument("name")
@root_option
@click.pass_obj
def release(root: Path, name: str) -> None:
    """Record the sources as a named version, to compare with later.

    In a git repository it tags the current commit release-NAME (the
    sources must be committed); elsewhere it stores a copy of sources/ in
    releases/NAME/.  Then `briefgen diff NAME` and `build --changes-since
    NAME` compare with it, and a page says "Changes since NAME".

    \b
    Example:
      briefgen release 2026-10
      briefgen build --changes-since 2026-10
    """
    from briefgen.source.versions import release as make_release

    click.echo(make_release(root, name))


def _ad_hoc_sheets(root: Path) -> dict[str, str]:
    """The ad-hoc sheets in the workspace's output folder (slug -> tag expression), as their manifests say."""
    from briefgen.build.manifest import read_all
    from briefgen.paths import OUTPUT_DIR

    sheets = {}
    for found in read_all(root / OUTPUT_DIR):
        asked = found.data.get("sheet")
        if found.data.get("kind") == "fact sheet" and isinstance(asked, dict) and isinstance(asked.get("expression"), str):
            sheets[str(found.data["id"])] = asked["expression"]
    return sheets


# -- text -----------------------------------------------------------------

def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(comparison) -> str:
    parts = []
    for kind in ("fact", "reference", "brief"):
        counts: dict[str, int] = {}
        for c in comparison.of(kind):
            counts[c.record.change] = counts.get(c.record.change, 0) + 1
        parts += [f"{_plural(n, kind)} {what}" for what, n in sorted(counts.items())]
    versions = f"from {comparison.old.name} to {comparison.new.name}"
    return f"Changes {versions}: " + "; ".join(parts) + "." if parts else f"No changes {versions}."


def as_text(comparison) -> list[str]:
    lines = [summary(comparison)]
    for change in comparison.changes:
        r = change.record
        where = (comparison.old.prefix if r.new is None else comparison.new.prefix) + r.path
        lines.append(f"{where}:{r.line}: {r.kind} '{r.id}': {_headline(r)}")
        lines += ["    " + line for line in _details(change)]
    return lines


def _headline(r) -> str:
    events = list(r.events)
    if r.claim and r.claim.numbers:
        numbers = ", ".join(f"{_value(a)} → {_value(b)}" for a, b in r.claim.numbers)
        events = [f"{e} ({numbers})" if e.endswith(("number changed", "numbers changed")) else e for e in events]
    return ", ".join(events)


def _value(value) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _diff_text(segments, deleted=("[-", "-]"), inserted=("{+", "+}")) -> str:
    out, last, keep = [], len(segments) - 1, CONTEXT_WORDS
    for i, s in enumerate(segments):
        if s.op != "equal":
            start, end = deleted if s.op == "delete" else inserted
            out.append(f"{start}{s.text}{end}")
            continue
        words = s.text.split()
        if i == 0 and len(words) > keep:
            words = ["…", *words[-keep:]]
        elif i == last and len(words) > keep:
            words = [*words[:keep], "…"]
        elif 0 < i < last and len(words) > 2 * keep:
            words = [*words[:keep], "…", *words[-keep:]]
        out.append(" ".join(words))
    return " ".join(out).replace("-] {+", "-]{+")


def _citation(c) -> str:
    return c.ref + (f", {c.locator}" if c.locator else "")


def _details(change) -> list[str]:
    r = change.record
    out = []
    for name, text in (("claim", r.claim), ("detail", r.detail)):
        if text is not None:
            out.append(f"{name}: {_diff_text(text.segments)}")
    for f in r.fields:
        out.append(f"{f.field}: {_value(f.old)} → {_value(f.new)}")
    for c in r.citations:
        if c.change == "re-pointed":
            what = [f"{name} {_value(getattr(c.old, name))} → {_value(getattr(c.new, name))}"
                    for name in ("locator", "quote") if getattr(c.old, name) != getattr(c.new, name)]
            out.append(f"citation re-pointed: {c.ref}: " + "; ".join(what))
        else:
            cited = c.new if c.change == "added" else c.old
            out.append(f"citation {c.change}: {_citation(cited)}" + (f': "{cited.quote}"' if cited.quote else ""))
    if change.shows_added:
        out.append("now shows: " + ", ".join(change.shows_added))
    if change.shows_removed:
        out.append("no longer shows: " + ", ".join(change.shows_removed))
    if change.reaches and r.kind != "brief":
        out.append("reaches: " + reaches_text(change.reaches))
    return out


def reaches_text(reaches) -> str:
    groups: dict[str, list[str]] = {}
    for kind, name in reaches:
        groups.setdefault(kind, []).append(name)
    return "; ".join(f"{kind}{'s' if len(ids) > 1 else ''} {', '.join(ids)}" for kind, ids in groups.items())


# -- markdown ---------------------------------------------------------------

def _md(text: str) -> str:
    """Text with markdown's special characters escaped."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|~" else ch for ch in text)


def as_markdown(comparison) -> list[str]:
    lines = [f"**{_md(summary(comparison))}**"]
    for kind, heading in (("fact", "Facts"), ("reference", "References"), ("brief", "Briefs")):
        changes = comparison.of(kind)
        if not changes:
            continue
        lines += ["", f"### {heading}", ""]
        for change in changes:
            r = change.record
            where = (comparison.old.prefix if r.new is None else comparison.new.prefix) + r.path
            lines.append(f"- `{r.id}` ({_md(where)}:{r.line}): {_md(_headline(r))}")
            for name, text in (("claim", r.claim), ("detail", r.detail)):
                if text is not None:
                    words = [_md(s.text) if s.op == "equal" else (f"~~{_md(s.text)}~~" if s.op == "delete"
                                                                  else f"**{_md(s.text)}**") for s in text.segments]
                    lines.append(f"  - {name}: " + " ".join(words))
            lines += [f"  - {_md(line)}" for line in _details(change) if not line.startswith(("claim:", "detail:"))]
    return lines


# -- JSON -------------------------------------------------------------------

def _text_json(text):
    if text is None:
        return None
    return {"old": text.old, "new": text.new, "diff": [{"op": s.op, "text": s.text} for s in text.segments],
            "numbers": [{"old": a, "new": b} for a, b in text.numbers]}


def _cite_json(c):
    return None if c is None else {"ref": c.ref, "locator": c.locator, "quote": c.quote}


def _problem_json(p):
    return {"severity": p.severity, "code": p.code, "path": p.path or None, "line": p.line or None,
            "message": p.message}


def as_json(comparison) -> dict:
    def one(change):
        r = change.record
        version = comparison.old if r.new is None else comparison.new
        item = {"id": r.id, "change": r.change, "events": list(r.events), "version": version.name,
                "path": r.path, "line": r.line, "fields": [{"field": f.field, "old": f.old, "new": f.new}
                                                            for f in r.fields]}
        if r.kind == "fact":
            item.update(claim=_text_json(r.claim), detail=_text_json(r.detail), citations=[
                {"change": c.change, "ref": c.ref, "old": _cite_json(c.old), "new": _cite_json(c.new), "line": c.line}
                for c in r.citations])
        if r.kind == "brief":
            item["shows"] = {"added": list(change.shows_added), "removed": list(change.shows_removed)}
        else:
            item["reaches"] = [{"kind": kind, "id": name} for kind, name in change.reaches]
        return item

    return {
        "old": {"version": comparison.old.name, "problems": [_problem_json(p) for p in comparison.old.problems]},
        "new": {"version": comparison.new.name, "problems": [_problem_json(p) for p in comparison.new.problems]},
        "facts": [one(c) for c in comparison.of("fact")],
        "references": [one(c) for c in comparison.of("reference")],
        "briefs": [one(c) for c in comparison.of("brief")],
    }
