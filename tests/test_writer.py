"""briefgen.source.writer: one record changed, added or removed; every other
byte of the file as it was; nothing written unless the result reads back right."""

from __future__ import annotations

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.errors import BriefgenError
from briefgen.source.load import load_text
from briefgen.source.writer import MISSING, Edit, SourceFile, apply, digest

TRICKY = """\
# Everything here must survive.   Trailing spaces too:   
facts:   # the list
  # about fact-a
  - id: fact-a
    claim: 'Single-quoted, with ''quotes'''   # after a value
    tags: [topic-x,   topic-y]     # odd spacing in flow
    cite: [{ref: r1}]
    priority: 2

  - id: fact-b # after the id
    claim: >-
      A folded claim
      over two lines.

    tags:
    - topic-x        # an item not indented under its key
    cite:
      - ref: r1
        locator: "p. 3"
        quote: "words"


references:
  - {id: r1, title: "Flow \\"record\\"", issued: 2020}
  # a comment at the end
"""

EDGE = ["", "\n", "x"]  # nothing else ever follows these files' last line


def ws(tmp_path, files: dict[str, bytes | str]):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def records(data: bytes, rel="sources/facts.yaml") -> dict:
    sources = load_text(rel, data)
    assert sources.problems == []
    return {(kind, r.id): r.model_dump() for kind in ("references", "facts", "briefs") for r in getattr(sources, kind)}


def one_splice(old: bytes, new: bytes) -> tuple[list[bytes], list[bytes]]:
    """The lines cut from `old` and those put in their place to make `new`, if one splice did it."""
    old, new = old.splitlines(keepends=True), new.splitlines(keepends=True)
    start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    end = 0
    while end < min(len(old), len(new)) - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    return old[start:len(old) - end], new[start:len(new) - end]


def edit(root, rel, kind, record_id, data=None):
    source = SourceFile.open(root, rel)
    if data is None:
        source.remove(kind, record_id)
    else:
        assert source.set(kind, record_id, data) != "unchanged"
    assert source.save()
    return (root / rel).read_bytes()


NEW_FACT = {"id": "fact-n", "claim": "A new fact: with a colon, and 50%.", "tags": ["topic-x"],
            "cite": [{"ref": "r1", "quote": "a quote"}], "priority": 4, "reviewed": {"by": "Ann", "on": "2026-01-10"}}


# ---------------------------------------------------------------- untouched text stays byte for byte


def test_a_change_touches_only_the_value_that_changes(tmp_path):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    source = SourceFile.open(root, "sources/facts.yaml")
    fact = source.get("fact", "fact-b")
    assert source.set("fact", "fact-b", {**fact, "cite": [{**fact["cite"][0], "locator": "p. 4"}]}) == "changed"
    assert source.save()
    assert (root / "sources/facts.yaml").read_text() == TRICKY.replace('"p. 3"', "p. 4")
    source = SourceFile.open(root, "sources/facts.yaml")
    assert source.set("fact", "fact-b", source.get("fact", "fact-b")) == "unchanged"
    assert not source.save()


def test_a_flow_list_changed_stays_flow_and_is_not_written_as_a_single_pair(tmp_path):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    fact = SourceFile.open(root, "sources/facts.yaml").get("fact", "fact-a")
    data = edit(root, "sources/facts.yaml", "fact", "fact-a", {**fact, "cite": [{"ref": "r1"}, {"ref": "r2"}]})
    assert data.decode() == TRICKY.replace("cite: [{ref: r1}]", "cite: [{ref: r1}, {ref: r2}]")
    assert records(data)[("facts", "fact-a")]["cite"][1]["ref"] == "r2"


def test_a_folded_claim_changed_stays_folded(tmp_path):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    fact = SourceFile.open(root, "sources/facts.yaml").get("fact", "fact-b")
    data = edit(root, "sources/facts.yaml", "fact", "fact-b", {**fact, "claim": "A new claim."})
    assert data.decode() == TRICKY.replace("      A folded claim\n      over two lines.\n", "      A new claim.\n")


@pytest.mark.parametrize("ending", ["lf", "crlf"])
def test_a_record_added_then_removed_leaves_the_file_as_it_was(tmp_path, ending):
    """The added record went after a blank line, as the file spaces its records; removing it takes both."""
    text = "facts:\n  - id: fact-a\n    claim: A.\n    tags: [t]\n    cite: [{ref: r1}]\n\n  - id: fact-b\n" \
           "    claim: B.\n    tags: [t]\n    cite: [{ref: r1}]\n"
    raw = (text.replace("\n", "\r\n") if ending == "crlf" else text).encode()
    root = ws(tmp_path, {"sources/facts.yaml": raw})
    edit(root, "sources/facts.yaml", "fact", "fact-n", NEW_FACT)
    assert edit(root, "sources/facts.yaml", "fact", "fact-n", None) == raw


@pytest.mark.parametrize("kind,record_id,data,removed", [
    ("fact", "fact-n", NEW_FACT, None),
    ("reference", "r2", {"id": "r2", "title": "Title, with: a colon", "type": "report", "issued": "2024-05",
                         "author": ["Doe, Jane", {"family": "van Beethoven", "given": "L."}]}, None),
    ("brief", "b1", {"id": "b1", "title": "A brief", "template": "one-pager", "date": "2026-01-15",
                     "sections": [{"heading": "One", "facts": ["fact-a", "fact-b"]},
                                  {"heading": "Two", "select": "topic-x and not topic-y"}]}, None),
    ("fact", "fact-a", None, "  # about fact-a\n  - id: fact-a\n"),
    ("fact", "fact-b", None, "  - id: fact-b # after the id\n"),
    ("reference", "r1", None, '  - {id: r1, title: "Flow \\"record\\"", issued: 2020}\n'),
], ids=["add-fact", "add-reference", "add-brief", "remove-first-fact", "remove-last-fact", "remove-flow-record"])
@pytest.mark.parametrize("ending", ["lf", "crlf", "bom"])
def test_add_or_remove_each_kind_and_the_rest_stays(tmp_path, kind, record_id, data, removed, ending):
    original = TRICKY.replace("\n", "\r\n") if ending == "crlf" else TRICKY
    raw = (b"\xef\xbb\xbf" if ending == "bom" else b"") + original.encode()
    root = ws(tmp_path, {"sources/facts.yaml": raw})
    before = records(raw)
    after = edit(root, "sources/facts.yaml", kind, record_id, data)
    now = records(after)
    key = (kind + "s", record_id)
    cut, put = one_splice(raw, after)
    if data is None:
        assert key in before and key not in now
        assert put == [] and cut[0].rstrip() == removed.splitlines()[0].encode()
        assert all(line.strip() == b"" or line.startswith(b"   ") for line in cut[len(removed.splitlines()):])
    else:
        from briefgen.source.model import RECORD_TYPES

        assert now.pop(key) == RECORD_TYPES[kind + "s"].model_validate(data).model_dump()
        assert cut == [] and f"  - id: {record_id}".encode() in b"".join(put)
        head = "briefs:\n" if kind == "brief" else ""  # a list of its own, after a blank line
        assert f"\n\n{head}  - id: {record_id}".encode() in after.replace(b"\r\n", b"\n")  # parted from what is above it by a blank line, as the file's records are
        assert all(line.endswith(b"\r\n" if ending == "crlf" else b"\n") for line in put)
        assert b"\r" not in b"".join(put).replace(b"\r\n", b"")
    before.pop(key, None)
    assert now == before  # every other record reads as before


def test_each_line_keeps_its_own_line_ending(tmp_path):
    mixed = "facts:\r\n  - id: fact-a\n    claim: A\r\n    tags: [t]\n    cite: [{ref: r1}]\n"
    root = ws(tmp_path, {"sources/facts.yaml": mixed})
    fact = SourceFile.open(root, "sources/facts.yaml").get("fact", "fact-a")
    data = edit(root, "sources/facts.yaml", "fact", "fact-a", {**fact, "claim": "B", "status": "verified"})
    assert data.decode() == mixed.replace("claim: A", "claim: B") + "    status: verified\n"
    data = edit(root, "sources/facts.yaml", "fact", "fact-n", NEW_FACT)
    assert data.startswith(mixed.replace("claim: A", "claim: B").encode())
    assert data.count(b"\r\n") == 2  # the new lines end as most lines do: LF


def test_a_comments_only_file_keeps_its_comments(tmp_path):
    root = ws(tmp_path, {"sources/facts.yaml": "# Facts about X go here.\n# (none yet)\n"})
    data = edit(root, "sources/facts.yaml", "fact", "fact-n", NEW_FACT)
    text = data.decode()
    assert text.startswith("# Facts about X go here.\n# (none yet)\nfacts:\n  - id: fact-n\n")
    assert "schema" not in text  # only a new file gets the schema line
    assert ("facts", "fact-n") in records(data)


def test_a_new_file_begins_with_the_schema_line(tmp_path):
    root = ws(tmp_path, {})
    source = SourceFile.open(root, "sources/topic/new.yaml")
    assert source.expected == MISSING
    source.set("fact", "fact-n", NEW_FACT)
    source.set("reference", "r9", {"title": "T"})
    assert source.save()
    text = (root / "sources/topic/new.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../sources.schema.json\nfacts:\n  - id: fact-n\n")
    assert "\n\nreferences:\n  - id: r9\n    title: T\n" in text
    assert set(records(text.encode())) == {("facts", "fact-n"), ("references", "r9")}


def test_a_field_is_added_changed_and_removed_in_place(tmp_path):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    fact = SourceFile.open(root, "sources/facts.yaml").get("fact", "fact-a")
    data = edit(root, "sources/facts.yaml", "fact", "fact-a",
                {**fact, "priority": None, "tags": ["topic-z"], "as_of": "2025-08-24"})
    assert data.decode() == TRICKY.replace("    priority: 2\n", "    as_of: '2025-08-24'\n") \
        .replace("[topic-x,   topic-y]", "[topic-z]")


def test_a_record_can_get_a_new_id_but_not_one_that_is_taken(tmp_path):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    source = SourceFile.open(root, "sources/facts.yaml")
    with pytest.raises(BriefgenError) as taken:
        source.set("fact", "fact-a", {**source.get("fact", "fact-a"), "id": "r1"})
    assert str(taken.value) == ("sources/facts.yaml:24: the id 'r1' is already used by reference 'r1' on line 24 "
                                "of this file: ids must be unique")
    source.set("fact", "fact-a", {**source.get("fact", "fact-a"), "id": "fact-z"})
    assert source.save()
    assert set(records((root / "sources/facts.yaml").read_bytes())) == {
        ("facts", "fact-z"), ("facts", "fact-b"), ("references", "r1")}


# ---------------------------------------------------------------- refusals: nothing written


def test_an_edit_that_would_make_the_record_invalid_writes_nothing(tmp_path):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    source = SourceFile.open(root, "sources/facts.yaml")
    source.set("fact", "fact-b", {**source.get("fact", "fact-b"), "priority": 9, "claim": None})
    with pytest.raises(BriefgenError) as refused:
        source.save()
    assert [str(p) for p in refused.value.problems] == [
        "sources/facts.yaml:10: fact 'fact-b': missing required field 'claim'",
        "sources/facts.yaml:18: fact 'fact-b': 'priority' is 9; it must be at most 5"]
    assert (root / "sources/facts.yaml").read_text() == TRICKY


def test_a_file_changed_on_disk_since_it_was_opened_is_not_overwritten(tmp_path):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    source = SourceFile.open(root, "sources/facts.yaml")
    source.set("fact", "fact-n", NEW_FACT)
    (root / "sources/facts.yaml").write_text(TRICKY + "# someone else's edit\n")
    with pytest.raises(BriefgenError) as refused:
        source.save()
    assert str(refused.value) == ("sources/facts.yaml: the file changed on disk since it was opened; reload it "
                                  "(nothing was written)")
    assert (root / "sources/facts.yaml").read_text().endswith("# someone else's edit\n")


def test_what_the_caller_saw_is_what_must_be_on_disk(tmp_path):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    seen = digest(TRICKY.encode())
    (root / "sources/facts.yaml").write_text(TRICKY.replace("fact-a", "fact-x"))
    with pytest.raises(BriefgenError, match="changed on disk since it was opened"):
        apply(root, [Edit("sources/facts.yaml", "fact", "fact-n", NEW_FACT)], {"sources/facts.yaml": seen})
    with pytest.raises(BriefgenError, match="changed on disk"):  # it was expected not to exist
        apply(root, [Edit("sources/facts.yaml", "fact", "fact-n", NEW_FACT)], {"sources/facts.yaml": MISSING})
    assert apply(root, [Edit("sources/facts.yaml", "fact", "fact-n", NEW_FACT),
                        Edit("sources/facts.yaml", "fact", "fact-b")],
                 {"sources/facts.yaml": digest((root / "sources/facts.yaml").read_bytes())}) == [
        root / "sources/facts.yaml"]
    assert set(records((root / "sources/facts.yaml").read_bytes())) == {
        ("facts", "fact-x"), ("facts", "fact-n"), ("references", "r1")}


def test_no_file_is_written_when_one_of_several_is_refused(tmp_path):
    root = ws(tmp_path, {"sources/a.yaml": TRICKY, "sources/b.yaml": TRICKY})
    with pytest.raises(BriefgenError, match="missing required field 'tags'"):
        apply(root, [Edit("sources/a.yaml", "fact", "fact-n", NEW_FACT),
                     Edit("sources/b.yaml", "fact", "fact-m", {"claim": "C", "cite": [{"ref": "r1"}]})])
    assert (root / "sources/a.yaml").read_text() == TRICKY


@pytest.mark.parametrize("rel,message", [
    ("sources/../x.yaml", "sources/../x.yaml: a source file must be a .yaml or .yml file inside the workspace's "
                          "sources/ folder"),
    ("/etc/x.yaml", "/etc/x.yaml: a source file must be"),
    ("templates/x.yaml", "templates/x.yaml: a source file must be"),
    ("sources/x.txt", "sources/x.txt: a source file must be"),
    ("sources/away/x.yaml", "sources/away/x.yaml: the folder sources/away is a link to a place outside sources/"),
    ("sources/link.yaml", "sources/link.yaml: the file sources/link.yaml is a link"),
])
def test_paths_outside_sources_are_refused(tmp_path, rel, message):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text(TRICKY)
    os.symlink(outside, root / "sources" / "away")
    os.symlink(root / "sources" / "facts.yaml", root / "sources" / "link.yaml")
    with pytest.raises(BriefgenError) as refused:
        apply(root, [Edit(rel, "fact", "fact-n", NEW_FACT)])
    assert str(refused.value).startswith(message)
    assert (outside / "x.yaml").read_text() == TRICKY


def test_a_folder_swapped_for_a_link_before_saving_is_refused(tmp_path):
    root = ws(tmp_path, {"sources/sub/facts.yaml": TRICKY})
    source = SourceFile.open(root, "sources/sub/facts.yaml")
    source.set("fact", "fact-n", NEW_FACT)
    outside = tmp_path / "outside"
    (root / "sources/sub").rename(outside)
    os.symlink(outside, root / "sources/sub")
    with pytest.raises(BriefgenError, match="is a link to a place outside sources/"):
        source.save()
    assert (outside / "facts.yaml").read_text() == TRICKY


@pytest.mark.parametrize("content,message", [
    ("facts: [\n", "sources/facts.yaml:2: invalid YAML"),
    ("- a\n- b\n", "sources/facts.yaml:1: a source file holds up to three lists"),
    ("facts:\n  - id: a\n    id: b\n", "sources/facts.yaml:3: duplicate key 'id'"),
])
def test_a_file_briefgen_cannot_read_is_not_edited(tmp_path, content, message):
    root = ws(tmp_path, {"sources/facts.yaml": content})
    with pytest.raises(BriefgenError) as refused:
        SourceFile.open(root, "sources/facts.yaml")
    assert str(refused.value).startswith(message)


def test_removing_what_is_not_there_says_so(tmp_path):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    with pytest.raises(BriefgenError) as refused:
        SourceFile.open(root, "sources/facts.yaml").remove("brief", "fact-a")
    assert str(refused.value) == "sources/facts.yaml: there is no brief 'fact-a' in this file"


# ---------------------------------------------------------------- any text round-trips

words = st.text(alphabet=string.ascii_letters + string.digits + " .,:;'\"#&%*-[]{}!?\\é\n", min_size=1,
                max_size=40).map(lambda s: s.strip()).filter(bool)
tag = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
fact = st.fixed_dictionaries(
    {"claim": words, "tags": st.lists(tag, min_size=1, max_size=3),
     "cite": st.lists(st.fixed_dictionaries({"ref": tag}, optional={"quote": words, "locator": words.map(
         lambda s: " ".join(s.split()))}), min_size=1, max_size=3)},
    optional={"detail": words, "priority": st.integers(1, 5), "status": st.sampled_from(["draft", "verified"])})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(new=fact, old=fact, base=st.sampled_from([TRICKY, TRICKY.replace("\n", "\r\n"), "# only a comment\n"]))
def test_any_fact_is_written_as_given_and_leaves_the_rest(tmp_path_factory, new, old, base):
    root = ws(tmp_path_factory.mktemp("w"), {"sources/facts.yaml": base})
    before = records(base.encode())
    edit(root, "sources/facts.yaml", "fact", "fact-p", {"id": "fact-p", **old})
    source = SourceFile.open(root, "sources/facts.yaml")
    assert source.set("fact", "fact-p", {"id": "fact-p", **new}) == ("unchanged" if new == old else "changed")
    assert source.save() == (new != old)
    after = (root / "sources/facts.yaml").read_bytes()
    from briefgen.source.model import Fact

    now = records(after)
    assert now.pop(("facts", "fact-p")) == Fact.model_validate({"id": "fact-p", **new}).model_dump()
    assert now == before
    cut, put = one_splice(base.encode(), after)
    assert cut == [] and b"  - id: fact-p" in b"".join(put)


@pytest.mark.parametrize("fault,message", [
    (lambda b: b.replace(b"over two lines.", b"over three lines."),
     "sources/facts.yaml: saving would change what the file says of fact 'fact-b' in a way that was not asked for"),
    (lambda b: b.replace(b"a quote", b"another quote"),
     "sources/facts.yaml: saving would change what the file says of fact 'fact-n'"),
    (lambda b: b.replace(b"references:", b"references: ["),
     "sources/facts.yaml:31: saving would leave a file briefgen cannot read (invalid YAML"),
], ids=["untouched-record", "edited-record", "syntax"])
def test_new_text_that_does_not_read_back_right_is_never_written(tmp_path, monkeypatch, fault, message):
    root = ws(tmp_path, {"sources/facts.yaml": TRICKY})
    source = SourceFile.open(root, "sources/facts.yaml")
    source.set("fact", "fact-n", NEW_FACT)
    data = SourceFile.data
    monkeypatch.setattr(SourceFile, "data", lambda self: fault(data(self)))
    with pytest.raises(BriefgenError) as refused:
        source.save()
    assert str(refused.value).startswith(message)
    assert (root / "sources/facts.yaml").read_text() == TRICKY


def test_removing_the_first_field_of_a_list_item_rewrites_that_item_only(tmp_path):
    # found by the property test: the item after its dash was written indented a second time
    text = "facts:\n  - id: f\n    claim: C   # kept\n    tags: [t]\n    cite:\n      - quote: q\n        ref: a\n      - ref: b\n"
    root = ws(tmp_path, {"sources/facts.yaml": text})
    data = edit(root, "sources/facts.yaml", "fact", "f",
                {"claim": "C", "tags": ["t"], "cite": [{"ref": "a", "locator": "p. 1"}, {"ref": "b"}]})
    assert data.decode() == text.replace("- quote: q\n        ref: a\n", "- ref: a\n        locator: p. 1\n")
