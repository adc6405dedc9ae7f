"""Hostile text through every label a chart draws (the figure's label, the
series' labels, the source's name): never markup, script or a URL, in the
page or in the SVG.  The same audit as test_xss.py, on the one-pager, which
shows the charts."""

import json

import pytest

from briefgen.render.chart import draw
from briefgen.source.figure import Figure
from test_xss import PAYLOADS, FORBIDDEN, URL_ATTRIBUTES, Audit, _fresh, safe_url

FIELDS = ["figure-label", "series-label", "publisher"]


def workspace(make_workspace, field, texts):
    q = json.dumps
    refs, facts, briefs = ["references:"], ["facts:"], ["briefs:"]
    for i, text in enumerate(texts):
        ref = {"id": f"r{i}", "title": "A report", "publisher": "Institute", "issued": "2024"}
        figure = {"unit": "count", "label": "reports", "chart": "bar",
                  "series": [{"label": "first", "value": 1}, {"label": "second", "value": 2}]}
        fact = {"id": f"f{i}", "claim": "From 1 to 2.", "tags": ["t"], "cite": [{"ref": f"r{i}"}], "figure": figure}
        if field == "figure-label":
            figure["label"] = text
        elif field == "series-label":
            figure["series"][0]["label"] = text
        else:
            ref["publisher"] = text
        brief = {"id": f"b{i}", "title": "A title", "template": "one-pager", "date": "2026-01-01",
                 "sections": [{"heading": "A heading", "facts": [f"f{i}"]}]}
        refs.append(f"  - {q(ref)}")
        facts.append(f"  - {q(fact)}")
        briefs.append(f"  - {q(brief)}")
    return make_workspace(references="\n".join(refs) + "\n", facts="\n".join(facts) + "\n",
                          briefs="\n".join(briefs) + "\n")


@pytest.mark.parametrize("field", FIELDS)
def test_hostile_chart_labels_never_become_markup(make_workspace, run, tmp_path_factory, field):
    hostile = workspace(make_workspace, field, PAYLOADS)
    result = run(hostile, "build", "--format", "html")
    assert result.exit_code == 0, result.stderr
    baseline_root = workspace(_fresh(make_workspace, tmp_path_factory), field, ["harmless text"])
    assert run(baseline_root, "build", "--format", "html").exit_code == 0
    baseline = Audit((baseline_root / "output/b0.html").read_text())
    assert baseline.tags["svg"] == 1  # the chart is there: the audit looks at it
    for i, payload in enumerate(PAYLOADS):
        audit = Audit((hostile / f"output/b{i}.html").read_text())
        for tag in FORBIDDEN:
            assert audit.tags[tag] <= baseline.tags[tag], (field, payload, tag)
        for tag, name, value in audit.attributes:
            assert not name.startswith("on"), (field, payload, name)
            assert name != "style", (field, payload)
            if name in URL_ATTRIBUTES:
                assert safe_url(value), (field, payload, value)


@pytest.mark.parametrize("kind", ["icon-array", "callout", "bar", "column", "line"])
def test_every_chart_kind_escapes_its_labels(kind):
    for payload in PAYLOADS:
        series = [{"year": 2019, "value": 1}, {"year": 2020, "value": 2}] if kind in ("column", "line") else \
            [{"label": payload, "value": 1}, {"label": "b", "value": 2}]
        figure = {"value": 25, "unit": "percent"} if kind in ("icon-array", "callout") else {"unit": "count", "series": series}
        svg = str(draw(Figure.model_validate({**figure, "label": payload, "chart": kind}), "k", "#1d3a5f", payload).svg)
        audit = Audit(svg)
        assert audit.tags["svg"] == 1 and not set(audit.tags) & (FORBIDDEN - {"svg"}), (kind, payload)
        assert not any(name.startswith("on") or name == "style" or name in URL_ATTRIBUTES
                       for _, name, _ in audit.attributes), (kind, payload)


@pytest.mark.parametrize("field", FIELDS)
def test_hostile_chart_labels_stay_text_in_word(make_workspace, run, tmp_path_factory, field):
    """In a .docx the labels reach the picture's alt text and the line under
    it: no more links, pictures or fields than harmless text gives, and the
    alt text is the data statement, the payload in it as typed."""
    import re
    import zipfile
    from html import unescape

    from test_docx_xss import ACTIVE, audit

    hostile = workspace(make_workspace, field, PAYLOADS)
    assert run(hostile, "build", "--format", "docx", "--quiet").exit_code == 0
    baseline_root = workspace(_fresh(make_workspace, tmp_path_factory), field, ["harmless text"])
    assert run(baseline_root, "build", "--format", "docx", "--quiet").exit_code == 0
    baseline, _ = audit(baseline_root / "output/b0.docx")
    assert baseline["w:drawing"] == 1  # the chart is there: the audit looks at it
    for i, payload in enumerate(PAYLOADS):
        path = hostile / f"output/b{i}.docx"
        tags, external = audit(path)
        for tag in ACTIVE:
            assert tags[tag] <= baseline[tag], (field, payload, tag)
        assert all(t.startswith(("https://", "http://", "mailto:")) for t in external), (field, payload, external)
        document = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
        [alt] = [unescape(a) for a in re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', document)]
        if field == "series-label":
            assert " ".join(payload.split()) in alt, (payload, alt)  # the data statement names each point
