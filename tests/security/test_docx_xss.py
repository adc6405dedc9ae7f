"""The XSS corpus in a Word document: hostile text in every field comes out
as text.  The audit counts, in every part of each .docx, the elements that
could link, embed, include or run something, and compares them with the
same workspace holding harmless text; every relationship that leaves the
package must be a web or mail link."""

import re
import zipfile
from collections import Counter

import pytest

from test_xss import PAYLOADS, _fresh, workspace

# Elements through which a Word document reaches or runs something else.
ACTIVE = ("w:hyperlink", "w:drawing", "w:pict", "w:object", "w:fldSimple", "w:instrText", "w:fldChar",
          "w:altChunk", "w:subDoc", "v:imagedata", "w:control", "w:embedRegular", "o:OLEObject")


def audit(path) -> tuple[Counter, list[str]]:
    """The active elements of a .docx, and the targets of its relationships that leave it."""
    tags: Counter = Counter()
    external = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8", "replace")
            for tag in ACTIVE:
                tags[tag] += len(re.findall(rf"<{tag}\b", text))
            if name.endswith(".rels"):
                external += re.findall(r'<Relationship\b[^>]*Target="([^"]*)"[^>]*TargetMode="External"', text)
                external += re.findall(r'<Relationship\b[^>]*TargetMode="External"[^>]*Target="([^"]*)"', text)
    return tags, external


def document_text(path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                      if n in ("word/document.xml", "word/footnotes.xml"))
    texts = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    from html import unescape

    return unescape("".join(texts))


# A pandoc run per document: the fields of each kind of text (markdown inline and block, plain text in
# a style of its own, a reference's fields) rather than all of them, which test_xss.py covers for HTML.
FIELDS = ["claim", "detail", "title", "ask", "heading", "quote", "reference-title"]


@pytest.mark.parametrize(("field", "style"), [
    *((field, "numbered") for field in FIELDS),
    *((field, "chicago-notes") for field in ("locator", "note")),
])
def test_hostile_text_stays_text_in_word(make_workspace, run, tmp_path_factory, field, style):
    hostile = workspace(make_workspace, field, PAYLOADS)
    result = run(hostile, "build", "--format", "docx", "--style", style, "--quiet")
    assert result.exit_code == 0, result.stderr
    baseline_root = workspace(_fresh(make_workspace, tmp_path_factory), field, ["harmless text"])
    assert run(baseline_root, "build", "--format", "docx", "--style", style, "--quiet").exit_code == 0
    baseline, _ = audit(baseline_root / "output/b0.docx")
    for i, payload in enumerate(PAYLOADS):
        path = hostile / f"output/b{i}.docx"
        tags, external = audit(path)
        for tag in ACTIVE:
            assert tags[tag] <= baseline[tag], (field, payload, tag)
        assert all(t.startswith(("https://", "http://", "mailto:")) for t in external), (field, payload, external)
    # markup the sanitiser keeps as text is there to read, as typed
    text = document_text(hostile / "output/b0.docx")
    assert "<script>alert(1)</script>" in text or field in ("locator", "note", "reference-title"), text[:300]
