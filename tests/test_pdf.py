"""Stage: render to PDF — the URL fetcher reads only allowed files, never the network;
the bytes do not depend on the clock or on which font subsetter WeasyPrint finds."""

import os
import subprocess
import sys
import time

import pytest

from briefgen.render.pdf import html_to_pdf
from conftest import copy_sample

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def test_fetcher_serves_workspace_files_and_refuses_everything_else(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "logo.svg").write_text(SVG)
    outside = tmp_path / "secret.svg"
    outside.write_text(SVG)
    os.symlink(outside, ws / "link.svg")
    html = """<html><head><style>@import url("file:///etc/passwd");</style></head><body>
      <img src="logo.svg" alt="ok">
      <img src="file:///etc/passwd" alt="passwd">
      <img src="../secret.svg" alt="parent">
      <img src="link.svg" alt="symlink out">
      <img src="http://127.0.0.1:9/x.png" alt="loopback">
      <img src="http://169.254.169.254/latest/meta-data/" alt="metadata">
    </body></html>"""
    pdf = html_to_pdf(html, ws, (ws,))
    assert pdf.data.startswith(b"%PDF")
    blocked = set(pdf.blocked)
    assert "file:///etc/passwd" in blocked
    assert outside.as_uri() in blocked  # ../secret.svg, resolved
    assert (ws / "link.svg").as_uri() in blocked  # a symlink pointing outside
    assert "http://127.0.0.1:9/x.png" in blocked
    assert "http://169.254.169.254/latest/meta-data/" in blocked
    assert (ws / "logo.svg").as_uri() not in blocked  # inside the workspace: served


def test_page_count_is_reported(tmp_path):
    html = "<p>one</p><p style='break-before: page'>two</p><p style='break-before: page'>three</p>"
    assert html_to_pdf(html, tmp_path, (tmp_path,)).pages == 3


def test_build_reports_blocked_resources_as_warnings(make_workspace, run):
    root = make_workspace(extra={"templates/one-pager.html": (
        '{% extends "_base.html" %}{% block content %}'
        '<img src="file:///etc/passwd" alt="x">'
        '{% for s in sections %}{% for cf in s.facts %}<p data-fact-id="{{ cf.fact.id }}">'
        '{{ cf.fact.claim | md }}</p>{% endfor %}{% endfor %}{% endblock %}')})
    result = run(root, "build", "--format", "pdf")
    assert result.exit_code == 0
    assert result.stderr == (
        "sources/briefs.yaml:2: warning: brief 'brief-one': blocked resource file:///etc/passwd "
        "(missing, or not a file inside the workspace)\n")
    assert (root / "output" / "brief-one.pdf").exists()


# Builds the sample one-pager in a fresh process, on the font-subsetting path
# asked for, with the clock reading what it is told.  WeasyPrint takes fontTools
# where its module-level `harfbuzz_subset` (the dlopen'ed library) is None, as on
# a machine without libharfbuzz-subset.
BUILD_ON_PATH = """
import sys, time
import weasyprint.pdf.fonts as wfonts
path, clock, root, out = sys.argv[1:]
if path == "fonttools":
    wfonts.harfbuzz_subset = None
elif wfonts.harfbuzz_subset is None:
    sys.exit(77)
time.time = lambda: float(clock)
from briefgen.commands.cli import cli
cli(["--root", root, "build", "section-230-one-pager", "--format", "pdf", "--force",
     "--today", "2026-12-01", "--jobs", "1", "--out", out], prog_name="briefgen")
"""


def _build_on_path(root, path, clock, out, source_date_epoch=None):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if source_date_epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(source_date_epoch)
    result = subprocess.run([sys.executable, "-c", BUILD_ON_PATH, path, str(clock), str(root), str(out)],
                            capture_output=True, text=True, env=env)
    if result.returncode == 77:
        if os.environ.get("CI"):
            pytest.fail("libharfbuzz-subset is missing: .ci/run installs it")
        pytest.skip("libharfbuzz-subset is not installed here")
    assert result.returncode == 0, result.stderr
    return (out / "section-230-one-pager.pdf").read_bytes(), result.stderr


@pytest.mark.parametrize("path", ["fonttools", "harfbuzz"])
def test_pdf_bytes_do_not_depend_on_the_clock_on_either_subsetting_path(tmp_path, path):
    root = copy_sample(tmp_path)
    now = int(time.time())
    first, _ = _build_on_path(root, path, now, tmp_path / "out-1")
    # Three days and a few seconds later, and with SOURCE_DATE_EPOCH (which
    # fontTools honours) saying yet another time.
    later, _ = _build_on_path(root, path, now + 3 * 86400 + 7, tmp_path / "out-2",
                              source_date_epoch=now + 5 * 86400)
    assert first.startswith(b"%PDF")
    assert first == later


def test_no_brief_warning_is_about_font_subsetting(tmp_path):
    # WeasyPrint warns "Using fontTools instead of HarfBuzz-Subset" on every
    # PDF of a machine without the library: that is about the machine.
    root = copy_sample(tmp_path)
    pdf, stderr = _build_on_path(root, "fonttools", time.time(), tmp_path / "out")
    assert pdf.startswith(b"%PDF")
    about_fonts = [line for line in stderr.splitlines()
                   if "warning" in line and ("fonttools" in line.lower() or "harfbuzz" in line.lower())]
    assert about_fonts == []


def _write_variable_font(path):
    """A small variable font (a weight axis; a box for a-z), as fontTools builds one."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0))
    pen.lineTo((50, 600))
    pen.lineTo((450, 600))
    pen.lineTo((450, 0))
    pen.closePath()
    box = pen.glyph()
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef", "space", *letters])
    fb.setupCharacterMap({32: "space", **{ord(c): c for c in letters}})
    fb.setupGlyf({".notdef": box, "space": TTGlyphPen(None).glyph(), **{c: box for c in letters}})
    fb.setupHorizontalMetrics({name: (500, 50) for name in [".notdef", "space", *letters]})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Vary", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    fb.setupFvar(axes=[("wght", 100, 400, 900, "Weight")], instances=[])
    fb.save(str(path))


def test_variable_font_pdf_bytes_do_not_depend_on_the_clock(tmp_path, monkeypatch):
    # WeasyPrint makes a variable font static with fontTools on the HarfBuzz
    # path too, and fontTools stamps the time into the font it saves.
    _write_variable_font(tmp_path / "vary.ttf")
    html = ('<html lang="en"><style>@font-face { font-family: Vary; src: url(vary.ttf) }'
            "body { font-family: Vary }</style><p>hello world</p></html>")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    first = html_to_pdf(html, tmp_path, (tmp_path,))
    monkeypatch.setattr(time, "time", lambda: now + 3 * 86400 + 7)
    later = html_to_pdf(html, tmp_path, (tmp_path,))
    assert first.blocked == () and first.messages == ()
    assert first.data == later.data

    import fontTools.ttLib
    import weasyprint.pdf.fonts

    assert weasyprint.pdf.fonts.TTFont is fontTools.ttLib.TTFont  # nothing left replaced
