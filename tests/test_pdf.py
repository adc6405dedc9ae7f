"""Stage: render to PDF — the URL fetcher reads only allowed files, never the network."""

import os

from briefgen.render.pdf import html_to_pdf

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
