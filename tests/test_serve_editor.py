"""The editor of `briefgen serve` over HTTP: its pages, and the requests that
check and save a record, which need the session token and the server's
own origin and write only source files."""

from __future__ import annotations

import re

import pytest

from briefgen.source.forms import form
from conftest import copy_sample
from serve_support import Server

EXPLOITATION = "sources/facts/online-exploitation.yaml"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("ws"))
    s = Server(root)
    yield s
    s.close()


def opened(server, kind: str, record_id: str) -> tuple[str, str]:
    """The file and digest a record's form page carries."""
    status, _, body = server.get(f"/edit/{kind}/{record_id}")
    assert status == 200
    page = body.decode()
    return (re.search(r'data-file="([^"]+)"', page)[1], re.search(r'data-digest="([^"]+)"', page)[1])


def every_field(data: dict, kind: str = "fact") -> dict:
    return {f.key: data.get(f.key) for f in form(kind).children}


FEW = {"id": "few-convicted", "claim": "According to the segment, only a few people are convicted of sex "
       "trafficking in the United States, while many abusers and clients are never investigated.",
       "tags": ["sex-trafficking", "accountability"], "kind": "finding", "status": "verified",
       "reviewed": {"by": "briefgen sample maintainers", "on": "2026-11-29"}, "priority": 1,
       "cite": [{"ref": "msnbc-2025-08-24", "locator": "point 12",
                 "quote": "only a few individuals are convicted, while many abusers and clients go uninvestigated"}]}


def few(server) -> dict:
    """The fact few-convicted as the workspace holds it now, as the form shows it."""
    from briefgen.build.studio import Studio

    return Studio(server.root).open("fact", "few-convicted").data


def test_the_editor_lists_every_record_and_opens_each_in_a_form(server):
    status, headers, body = server.get("/edit")
    page = body.decode()
    assert status == 200 and "script-src 'self'" in headers["content-security-policy"]
    ids = re.findall(r'href="/edit/(fact|reference|brief)/([a-z0-9-]+)"', page)
    assert ("fact", "few-convicted") in ids and ("reference", "msnbc-2025-08-24") in ids
    assert ("brief", "section-230-one-pager") in ids
    for kind, record_id in ids:
        status, _, body = server.get(f"/edit/{kind}/{record_id}")
        assert status == 200, (kind, record_id)
        assert b'<label for="f-id">Id' in body
    assert server.get("/edit/fact/no-such-fact")[0] == 404
    assert server.get("/edit/widget/few-convicted")[0] == 404


def test_a_form_labels_every_field_with_its_help_from_the_schema(server):
    page = server.get("/edit/fact/few-convicted")[2].decode()
    assert 'id="f-claim"' in page and "The fact as it will be printed" in page
    assert re.search(r'<select id="f-kind"[^>]*>.*<option value="finding" selected>', page, re.S)
    assert re.search(r'<input type="date" id="f-as_of"', page)
    assert re.search(r'<select id="f-cite-0-ref"[^>]*data-ref-select', page)


def test_saving_needs_the_token_and_the_servers_own_origin(server):
    file, digest = opened(server, "fact", "few-convicted")
    before = (server.root / file).read_bytes()
    change = {"kind": "fact", "id": "few-convicted", "file": file, "digest": digest,
              "data": every_field({**few(server), "priority": 2})}
    assert server.post("/_/edit/save", change)[0] == 403
    assert server.post("/_/edit/save", change, token="not-the-token")[0] == 403
    token = server.token()
    status, answer = server.post("/_/edit/save", change, token=token, origin="http://evil.example")
    assert status == 403 and (server.root / file).read_bytes() == before
    status, answer = server.post("/_/edit/save", change, token=token)
    assert status == 200 and answer["saved"], answer
    after = (server.root / file).read_bytes()
    assert after == before.replace(b"priority: 1\n    cite:\n      - ref: msnbc-2025-08-24\n        locator: point 12",
                                   b"priority: 2\n    cite:\n      - ref: msnbc-2025-08-24\n        locator: point 12")
    # the preview follows the saved file
    server.wait_for(lambda s: s["ok"] and not s["busy"] and s["stages"].get("full") == s["number"])


def test_a_check_answers_at_the_field_and_writes_nothing(server):
    file, digest = opened(server, "fact", "few-convicted")
    before = (server.root / file).read_bytes()
    change = {"kind": "fact", "id": "few-convicted", "file": file, "digest": digest,
              "data": every_field({**few(server), "priority": 9}), "preview": "section-230-one-pager"}
    for path in ("/_/edit/check", "/_/edit/save"):
        status, answer = server.post(path, change, token=server.token())
        assert status == 200 and not answer["ok"] and not answer["saved"]
        assert "at most 5" in answer["fields"]["priority"][0]["message"]
        assert answer["fields"]["priority"][0]["where"].startswith(f"{EXPLOITATION}:")
    assert (server.root / file).read_bytes() == before


def test_a_check_builds_the_unsaved_preview(server):
    file, digest = opened(server, "fact", "few-convicted")
    change = {"kind": "fact", "id": "few-convicted", "file": file, "digest": digest,
              "data": every_field({**few(server), "claim": "According to the segment, hardly anyone is convicted."}),
              "preview": "section-230-one-pager"}
    status, answer = server.post("/_/edit/check", change, token=server.token())
    assert status == 200 and answer["ok"] and answer["draft"].startswith("/_/draft/section-230-one-pager.html")
    status, headers, body = server.get(answer["draft"])
    assert status == 200 and b"hardly anyone is convicted" in body
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert b"hardly anyone" not in (server.root / file).read_bytes()
    assert server.get("/_/draft/..%2Fquick%2Fsection-230-one-pager.html")[0] == 404


@pytest.mark.parametrize("file", ["briefgen.yaml", "sources/../briefgen.yaml", "sources/notes.txt", "/etc/hosts",
                                  "snapshots/msnbc-2025-08-24.txt"])
def test_the_editor_writes_only_source_files(server, file):
    before = {p: p.read_bytes() for p in server.root.rglob("*") if p.is_file()}
    change = {"kind": "fact", "id": None, "file": file, "digest": "missing",
              "data": every_field({**few(server), "id": "another"})}
    status, answer = server.post("/_/edit/save", change, token=server.token())
    assert status == 200 and not answer["saved"]
    assert "inside the workspace's sources/ folder" in answer["problems"][0]["message"]
    assert {p: p.read_bytes() for p in server.root.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'{"kind": "fact"}', b'{"kind": "poem", "file": "x", '
                                 b'"digest": "y", "data": {}}', b"\xff\xfe"])
def test_a_malformed_request_is_a_clear_refusal(server, raw):
    status, answer = server.post("/_/edit/save", None, token=server.token(), raw=raw)
    assert status == 400 and answer["error"]


def test_a_conflicting_edit_on_disk_is_detected(server):
    file, digest = opened(server, "fact", "few-convicted")
    path = server.root / file
    path.write_bytes(path.read_bytes().replace(b"kind: finding\n    status: verified", b"kind: finding\n    status: draft", 1))
    theirs = path.read_bytes()
    change = {"kind": "fact", "id": "few-convicted", "file": file, "digest": digest,
              "data": every_field({**few(server), "detail": "Mine."})}
    status, answer = server.post("/_/edit/save", change, token=server.token())
    assert status == 409 and not answer["saved"]
    assert "status: draft" in answer["conflict"]["disk"] and "detail: Mine." in answer["conflict"]["mine"]
    assert path.read_bytes() == theirs
