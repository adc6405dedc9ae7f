"""Nothing outside the workspace is ever fetched: not files, not the network.

User text cannot ask for a resource at all (images and raw HTML are text);
a workspace template can, and every such request outside the workspace is
refused and reported as a warning."""

import http.server
import os
import threading

import pikepdf
import pytest


@pytest.fixture
def server():
    """A loopback HTTP server that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


def test_user_text_cannot_ask_for_any_resource(make_workspace, run, server):
    base, hits = server
    claim = (f'![x](file:///etc/passwd) <img src="{base}/img.png"> <link rel=stylesheet href="{base}/x.css"> '
             f'<a rel="attachment" href="file:///etc/passwd">a</a> ![y](../outside.png)')
    facts = f'facts:\n  - id: fact-a\n    claim: {claim!r}\n    tags: [topic-x]\n    cite: [{{ref: statute}}]\n'
    briefs = ("briefs:\n  - id: brief-one\n    title: B\n    template: one-pager\n    date: 2026-01-15\n"
              "    sections: [{heading: H, facts: [fact-a]}]\n")
    root = make_workspace(facts=facts, briefs=briefs)
    result = run(root, "build")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # nothing was even asked for
    assert hits == []
    assert "![x](file:///etc/passwd)" in (root / "output/brief-one.html").read_text()  # shown as written


def test_template_requests_outside_the_workspace_are_refused_and_reported(make_workspace, run, server, tmp_path):
    base, hits = server
    outside = tmp_path / "secret.css"
    outside.write_text("body { color: red }")
    template = f"""{{% extends "_base.html" %}}
{{% block content %}}
<style>@import url("{base}/imported.css"); .x {{ background: url("{base}/bg.png") }}</style><div class="x">x</div>
<img src="file:///etc/passwd" alt="1"><img src="{base}/img.png" alt="2"><img src="http://169.254.169.254/latest/" alt="3">
<img src="../../secret.css" alt="4"><img src="link.css" alt="5"><img src="missing.png" alt="6">
<a rel="attachment" href="file:///etc/passwd">passwd</a><a rel="attachment" href="{base}/att.txt">remote</a>
<link rel="stylesheet" href="{base}/linked.css">
{{% for s in sections %}}{{% for cf in s.facts %}}<p data-fact-id="{{{{ cf.fact.id }}}}">{{{{ cf.fact.claim | md }}}}</p>{{% endfor %}}{{% endfor %}}
{{% endblock %}}"""
    root = make_workspace(extra={"templates/one-pager.html": template})
    os.symlink(outside, root / "link.css")
    result = run(root, "build", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    assert hits == [], "the loopback server must get no request"
    warnings = result.stderr.splitlines()
    assert all(w.startswith("sources/briefs.yaml:2: warning: brief 'brief-one': ") for w in warnings)
    blocked = {w.split("blocked resource ", 1)[1].split(" (", 1)[0] for w in warnings}
    for url in (f"{base}/imported.css", f"{base}/bg.png", "file:///etc/passwd", f"{base}/img.png",
                "http://169.254.169.254/latest/", (root / "link.css").as_uri(), (root / "missing.png").as_uri(),
                f"{base}/att.txt", f"{base}/linked.css"):
        assert url in blocked, url
    with pikepdf.open(root / "output/brief-one.pdf") as pdf:
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert not any("/FileAttachment" == str(a.get("/Subtype")) for p in pdf.pages for a in p.get("/Annots", []))
