"""Output formats: the registry, and a format added by registering a class."""

from __future__ import annotations

import html
import json
import re

import pytest
from library_support import raises_problems

from briefgen.api import FORMATS, BuildRequest, Project, build
from briefgen.render import backend as backend_module
from briefgen.render.backend import (
    DEFAULT_FORMATS,
    Document,
    Output,
    Settings,
    is_paged,
)

rendered_by_txt: list[str] = []


class TxtBackend:
    """A test format: the page's text, tags stripped."""

    name = "txt"
    suffix = ".txt"
    source = "html"
    paged = False
    image_types = frozenset()

    def __init__(self, settings: Settings):
        self.settings = settings

    def render(self, document: Document) -> Output:
        rendered_by_txt.append(document.cited.brief.id)
        body = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", document.html)
        text = html.unescape(re.sub(r"<[^>]+>", " ", body))
        return Output(" ".join(text.split()).encode("utf-8") + b"\n")


@pytest.fixture
def with_txt(monkeypatch):
    monkeypatch.setitem(FORMATS, "txt", f"{__name__}:TxtBackend")
    rendered_by_txt.clear()


def test_formats_lists_html_and_pdf():
    assert list(FORMATS)[:2] == ["html", "pdf"]
    assert set(DEFAULT_FORMATS) == {"html", "pdf"}
    assert FORMATS is backend_module.FORMATS
    assert not is_paged("html") and is_paged("pdf")


def test_each_registered_backend_follows_the_protocol(tmp_path):
    settings = Settings(tmp_path, (tmp_path,))
    for name in FORMATS:
        b = backend_module.backend(name, settings)
        assert b.name == name and b.suffix == "." + name
        assert b.source in ("html", "cited")
        assert isinstance(b.image_types, frozenset)
        assert callable(b.render)
        if b.paged:
            assert callable(b.lay_out)


def test_a_registered_format_is_built(make_workspace, tmp_path, with_txt):
    out = tmp_path / "out"
    result = build(Project.open(make_workspace()), BuildRequest(formats=("html", "txt"), out_dir=out))
    assert result.failures == [] and result.built == ["brief:brief-one"]
    assert rendered_by_txt == ["brief-one"]
    text = (out / "brief-one.txt").read_text()
    assert "Brief one" in text and "Fact A is" in text and "<" not in text
    assert out / "brief-one.txt" in result.written
    manifest = json.loads((out / "brief-one.manifest.json").read_text())
    assert set(manifest["files"]) == {"html", "txt"}
    assert manifest["files"]["txt"]["name"] == "brief-one.txt"
    assert "brief-one.txt" in (out / "index.html").read_text()


def test_a_registered_format_alone(make_workspace, tmp_path, with_txt):
    out = tmp_path / "out"
    result = build(Project.open(make_workspace()), BuildRequest(formats=("txt",), out_dir=out))
    assert result.failures == []
    assert (out / "brief-one.txt").is_file() and not (out / "brief-one.html").exists()


def test_a_registered_format_is_up_to_date_the_second_time(make_workspace, tmp_path, with_txt):
    project = Project.open(make_workspace())
    request = BuildRequest(formats=("html", "txt"), out_dir=tmp_path / "out")
    build(project, request)
    again = build(project, request)
    assert again.built == [] and again.unchanged == ["brief:brief-one"]


def test_unknown_format(make_workspace, tmp_path):
    out = tmp_path / "out"
    problems = raises_problems(build, Project.open(make_workspace()), BuildRequest(formats=("html", "txt"),
                                                                                  out_dir=out))
    assert [(p.field, p.code) for p in problems] == [("formats", "bad-value")]
    assert "'txt'" in problems[0].message and "html" in problems[0].message
    assert not out.exists()
