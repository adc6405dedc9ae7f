"""The editor's routes: forms for the records of a workspace, and the
requests that check, preview, save and delete one (a thin layer over
`briefgen.build.studio.Studio`).

Pages are rendered from the form made from the schema
(`briefgen.source.forms`); every value shown is autoescaped text.  Requests
that change something are POSTs, which the application lets through only
with the session's token and from the server's own origin.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from briefgen.build.studio import Change, Outcome, Studio
from briefgen.errors import BriefgenError, Problem
from briefgen.source.forms import form
from briefgen.source.project import Project
from briefgen.source.writer import KINDS

MAX_BODY = 1_000_000  # bytes: a record is a few kB
MAX_DEPTH = 8  # levels of lists and mappings in a record (a brief's section's facts: 4)
MAX_VALUES = 5_000  # values in one record
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
TITLES = {"fact": "Facts", "reference": "References", "brief": "Briefs"}


def routes(studio: Studio, render, headers: dict, document_policy: str, not_found) -> list[Route]:
    """The editor's routes; `render(name, **context)` makes a page response."""

    async def records(request: Request) -> Response:
        entries = await run_in_threadpool(studio.entries)
        groups = [{"kind": k, "title": TITLES[k], "entries": [e for e in entries if e.kind == k]}
                  for k in ("fact", "reference", "brief")]
        unreadable = [str(p) for p in await run_in_threadpool(studio.unreadable)]
        deleted = request.query_params.get("deleted", "")[:200] or None
        return render("records.html", title="Edit", groups=groups, unreadable=unreadable, deleted=deleted)

    async def record(request: Request) -> Response:
        kind, record_id = request.path_params["kind"], request.path_params["id"]
        if kind not in KINDS:
            return not_found()
        try:
            opened = await run_in_threadpool(studio.open, kind, record_id)
        except BriefgenError as exc:
            if any(p.code == "no-such-id" for p in exc.problems):
                return not_found()
            return render("message.html", title=f"This {kind} cannot be opened", message=_text(exc.problems))
        return render("record.html", **await run_in_threadpool(_context, studio, kind, opened))

    async def new(request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in KINDS:
            return not_found()
        try:
            file = request.query_params.get("file") or await run_in_threadpool(studio.file_for, kind)
            opened = await run_in_threadpool(studio.new, kind, file)
            cited = {k: request.query_params.get(k, "")[:2000] for k in ("ref", "quote", "locator")}
            if kind == "fact" and cited["ref"]:  # from a passage chosen in a reference's stored text
                opened = dataclasses.replace(opened, data={"cite": [{k: v for k, v in cited.items() if v}]})
        except BriefgenError as exc:
            return render("message.html", title="Cannot make a new record", message=_text(exc.problems))
        return render("record.html", **await run_in_threadpool(_context, studio, kind, opened))

    async def snapshot(request: Request) -> Response:
        try:
            text, points = await run_in_threadpool(studio.snapshot, request.path_params["ref"])
        except BriefgenError as exc:
            return JSONResponse({"error": _text(exc.problems)}, 404, headers=headers)
        return JSONResponse({"text": text, "points": points}, headers=headers)

    def changing(act):
        async def endpoint(request: Request) -> Response:
            change, preview = await _change(request)
            if isinstance(change, Response):
                return change
            outcome, draft = await run_in_threadpool(act, change, preview)
            return JSONResponse(_answer(outcome, draft), 409 if outcome.conflict else 200, headers=headers)
        return endpoint

    def check(change: Change, preview: str | None):
        outcome = studio.propose(change)
        draft = None
        if outcome.ok and preview:
            draft = studio.preview(change, preview, outcome.checked)
        return outcome, draft

    def save(change: Change, preview: str | None):
        return studio.save(change), None

    def delete(change: Change, preview: str | None):
        return studio.delete(change.kind, change.id or "", change.file, change.digest, change.base), None

    async def draft(request: Request) -> Response:
        stem = request.path_params["stem"]
        path = studio.folder / f"{stem}.html" if studio.folder is not None and SLUG.fullmatch(stem) else None
        if path is None or not path.is_file() or path.is_symlink():
            return not_found()
        return FileResponse(path, media_type="text/html; charset=utf-8",
                            headers={**headers, "Content-Security-Policy": document_policy})

    return [
        Route("/edit", records),
        Route("/edit/new/{kind}", new),
        Route("/edit/{kind}/{id}", record),
        Route("/_/snapshot/{ref}", snapshot),
        Route("/_/draft/{stem}.html", draft),
        Route("/_/edit/check", changing(check), methods=["POST"]),
        Route("/_/edit/save", changing(save), methods=["POST"]),
        Route("/_/edit/delete", changing(delete), methods=["POST"]),
    ]


async def _change(request: Request) -> tuple[Change | Response, str | None]:
    refused = lambda why: (JSONResponse({"error": why}, 400), None)  # noqa: E731
    body = b""
    async for chunk in request.stream():  # never more than MAX_BODY in memory
        body += chunk
        if len(body) > MAX_BODY:
            return refused("the change is too large")
    try:
        asked = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return refused("the change is not JSON")
    if not isinstance(asked, dict):
        return refused("the change is not a JSON object")
    kind, record_id, file, seen, data, base = (asked.get(k) for k in ("kind", "id", "file", "digest", "data", "base"))
    preview = asked.get("preview")
    if kind not in KINDS or not isinstance(file, str) or not isinstance(seen, str) \
            or not isinstance(record_id, (str, type(None))) or not isinstance(data, (dict, type(None))) \
            or not isinstance(base, (dict, type(None))) or not isinstance(preview, (str, type(None))):
        return refused("the change does not say which record it is, in which file, as seen when")
    if not _modest(data) or not _modest(base):
        return refused("the change is nested too deeply or holds too many values for one record")
    if preview is not None and not SLUG.fullmatch(preview):
        preview = None
    return Change(kind, record_id or None, file, seen, data or {}, base), preview


def _modest(value: object, depth: int = 0, budget: list | None = None) -> bool:
    """Whether a record's values stay within what a form can make: a few
    levels of lists and mappings, and at most MAX_VALUES values in all."""
    budget = [MAX_VALUES] if budget is None else budget
    budget[0] -= 1
    if depth > MAX_DEPTH or budget[0] < 0:
        return False
    if isinstance(value, dict):
        return all(_modest(v, depth + 1, budget) for v in value.values())
    if isinstance(value, list):
        return all(_modest(v, depth + 1, budget) for v in value)
    return True


def _answer(outcome: Outcome, draft: Path | None) -> dict:
    existing = set(outcome.existing)

    def shown(p: Problem) -> dict:
        return {"text": str(p), "message": _plain_words(p.message), "where": f"{p.path}:{p.line}" if p.line else p.path,
                "severity": p.severity, "field": p.field, "existing": p in existing}

    answer = {"ok": outcome.ok, "saved": outcome.saved, "digest": outcome.digest, "id": outcome.id,
              "note": outcome.note, "problems": [shown(p) for p in outcome.problems],
              "existing": [shown(p) for p in outcome.existing],
              "fields": {path: [shown(p) for p in found] for path, found in outcome.fields.items()}}
    if outcome.conflict:
        answer["conflict"] = dict(zip(("disk", "mine", "digest", "both"), outcome.conflict))
    if draft is not None:
        answer["draft"] = f"/_/draft/{draft.stem}.html?v={draft.stat().st_mtime_ns}"
    return answer


def _context(studio: Studio, kind: str, opened) -> dict:
    entries = studio.entries()
    project = Project.open(studio.root)
    references = [{"id": e.id, "label": e.label} for e in entries if e.kind == "reference"]
    facts = [e for e in entries if e.kind == "fact"]
    tags = sorted({t for e in entries for t in e.tags})
    users = studio.users(kind, opened.id) if opened.id else []
    briefs = [{"id": e.id, "label": e.label, "uses": e.id in users} for e in entries if e.kind == "brief"]
    briefs.sort(key=lambda b: not b["uses"])
    stem = opened.id if kind == "brief" and opened.id else (briefs[0]["id"] if briefs else None)
    ref_file = studio.file_for("reference")
    ref_digest = studio.new("reference", ref_file).digest
    entry = next((e for e in entries if e.kind == kind and e.id == opened.id), None)
    ctx = {"references": references, "reference_ids": {r["id"] for r in references},
           "templates": sorted(project.templates), "fact_labels": {e.id: e.label for e in facts}, "tags": tags,
           "snapshot_files": _snapshot_files(studio.root)}
    data = {"facts": [{"id": e.id, "label": e.label, "tags": list(e.tags), "status": e.status or "draft",
                       "priority": e.priority or "3"} for e in facts],
            "tagFiles": {t: studio.file_for(kind, [t]) for t in tags} if kind == "fact" and not opened.id else {},
            "digests": {f: studio.new(kind, f).digest for f in {*studio.files(kind), opened.file}},
            "snapshots": sorted(e.id for e in entries if e.kind == "reference" and e.snapshot)}
    heading = entry.label if entry is not None and entry.label else (opened.id or "")
    snapshot = None
    if kind == "reference" and opened.id and opened.data.get("snapshot"):
        try:
            text, points = studio.snapshot(opened.id)
            snapshot = {"text": text, "points": points}
        except BriefgenError as exc:
            snapshot = {"error": _text(exc.problems)}
    return {"title": f"{'Edit' if opened.id else 'New'} {kind}", "kind": kind, "opened": opened,
            "spec": form(kind), "ctx": ctx, "data": data, "briefs": briefs, "preview_stem": stem,
            "files": studio.files(kind), "line": entry.line if entry else 0, "heading": heading,
            "ref_spec": form("reference"), "ref_file": ref_file, "ref_digest": ref_digest, "snapshot": snapshot}


def _snapshot_files(root: Path) -> list[str]:
    """The stored texts a reference's snapshot may name, offered as it is typed."""
    from briefgen.source.review import SNAPSHOT_TYPES

    folder = root / "snapshots"
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in folder.rglob("*")
                  if p.suffix.lower() in SNAPSHOT_TYPES and p.is_file() and not p.is_symlink())[:500]


def _plain_words(message: str) -> str:
    """A problem's message as a form shows it: without the record's name in
    front ("fact 'few-convicted': "), which the form says, and a missing
    field by its label in the form."""
    message = re.sub(r"^(fact|brief|reference) '[^']*': ", "", message)
    fields = {f.key: f for kind in KINDS for f in form(kind).children}

    def missing(m: re.Match) -> str:
        f = fields.get(m[1])
        if f is None:
            return m[0]
        return f"{f.label}: add at least one" if f.widget == "list" else f"{f.label} must be filled in"

    return re.sub(r"^missing required field '([^']+)'", missing, message)


def _text(problems: list[Problem]) -> str:
    return "; ".join(str(p) for p in problems)
