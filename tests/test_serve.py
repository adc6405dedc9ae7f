"""`briefgen serve` as a process: what it answers, what it refuses, and how it stops."""

from __future__ import annotations

import re
import time

import pytest

from conftest import copy_sample
from serve_support import Server, alive

ONE_PAGER = "section-230-one-pager"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("ws"))
    s = Server(root)
    yield s
    s.close()


def test_it_prints_the_address_and_binds_loopback(server):
    assert server.first_line.startswith(f"serving {server.root.resolve()} at http://127.0.0.1:")
    assert server.host == "127.0.0.1"


def test_the_home_page_lists_every_document_with_its_pages_and_limit(server):
    status, headers, body = server.get("/")
    page = body.decode()
    assert status == 200 and "script-src 'self'" in headers["content-security-policy"]
    assert "Section 230 and the Online Sexual Exploitation of Children" in page
    assert "The Maxwell Interview and Accountability for Sex Trafficking" in page
    assert re.search(r'class="pages">1 of 1 <span class="fits">fits</span>', page)
    assert f'href="/doc/{ONE_PAGER}"' in page


def test_a_document_page_frames_the_built_html_and_links_facts_to_their_lines(server):
    status, _, body = server.get(f"/doc/{ONE_PAGER}")
    page = body.decode()
    assert status == 200
    src = re.search(r'<iframe[^>]* src="(/files/[^"]+)"', page)[1]
    assert src.startswith(f"/files/{ONE_PAGER}.html?v=")
    assert "sources/facts/online-exploitation.yaml:51" in page  # where one-in-four-children is written
    status, headers, body = server.get(src)
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert b"<script" not in body  # the page exactly as build writes it: no script
    status, headers, body = server.get(f"/doc/{ONE_PAGER}?view=pdf")
    page = body.decode()
    pdf = re.search(r'<iframe[^>]* src="(/files/[^"]+)"', page)[1]
    status, headers, body = server.get(pdf)
    assert status == 200 and headers["content-type"] == "application/pdf" and body.startswith(b"%PDF")
    assert f'href="/files/{ONE_PAGER}.docx" download' in page  # Word, to download beside the PDF
    status, headers, body = server.get(f"/files/{ONE_PAGER}.docx")
    assert status == 200 and body.startswith(b"PK") and "wordprocessingml" in headers["content-type"]


@pytest.mark.parametrize("path", [
    "/../sources/references.yaml", "/files/../sources/references.yaml", "/files/%2e%2e/sources/references.yaml",
    "/files/%2E%2E%2Fsources%2Freferences.yaml", "/files//etc/passwd", "/files/%2Fetc%2Fpasswd",
    "/sources/references.yaml", "/files/sources/references.yaml", f"/files/{ONE_PAGER}.manifest.json",
    "/files/.cache.json", "/_/static/../app.py", "/_/static/%2e%2e%2fapp.py", "/doc/../sources", "/doc/nope",
    "/files/index.html/../../sources/references.yaml", "/etc/passwd",
])
def test_only_documents_and_its_own_files_are_served(server, path):
    status, _, body = server.get(path)
    assert status == 404, (path, body[:200])
    assert b"references:" not in body and b"root:" not in body


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.nip.io", ""])
def test_a_host_header_naming_another_address_is_refused(server, host):
    status, _, body = server.get("/", host=host)
    assert status == 400 and b"Section 230" not in body


def test_localhost_is_the_same_address(server):
    assert server.get("/", host=f"localhost:{server.port}")[0] == 200


def test_writes_need_the_session_token(server):
    status, _, _ = server.get("/_/rebuild", method="POST")
    assert status == 403
    status, _, _ = server.get("/_/rebuild", method="POST", headers={"X-Briefgen-Token": "guess"})
    assert status == 403
    token = re.search(r'name="briefgen-token" content="([^"]+)"', server.get("/")[2].decode())[1]
    before = server.state()["number"]
    status, _, _ = server.get("/_/rebuild", method="POST", headers={"X-Briefgen-Token": token})
    assert status == 200
    server.wait_for(lambda s: s["number"] > before)


def test_nothing_is_written_into_output(server):
    assert not (server.root / "output").exists()


def test_a_port_in_use_is_a_clear_error(server, tmp_path):
    import subprocess
    import sys

    root = copy_sample(tmp_path)
    done = subprocess.run([sys.executable, "-m", "briefgen", "--root", str(root), "serve", "--port", server.port],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == f"cannot serve on 127.0.0.1:{server.port}: that address is in use by another " \
                                  "program: try another --port"


def test_another_address_than_loopback_warns(tmp_path):
    s = Server(copy_sample(tmp_path), "--host", "0.0.0.0")
    try:
        assert "warning: 0.0.0.0 is reachable from other machines" in s.process.stderr.readline()
    finally:
        s.close()


@pytest.mark.parametrize("during", ["idle", "a build"])
def test_ctrl_c_stops_it_leaving_no_worker_and_no_temporary_folder(tmp_path, during):
    temp = tmp_path / "tmp"
    temp.mkdir()
    s = Server(copy_sample(tmp_path / "ws"), env={"TMPDIR": str(temp)})
    try:
        workers = s.children()
        assert workers, "the PDF worker process runs beside the server"
        assert any(temp.iterdir())  # the preview's folder, while it runs
        status, _, body = s.get(f"/doc/{ONE_PAGER}")
        assert status == 200 and "/files/" in body.decode()
        if during == "a build":
            facts = s.root / "sources/facts/online-exploitation.yaml"
            facts.write_text(facts.read_text().replace("a figure the segment cited", "a figure cited"))
            s.wait_for(lambda state: state["stages"].get("quick") == state["number"] > state["stages"]["full"],
                       timeout=30)  # the PDF pass is under way
        seconds = s.interrupt()
        assert s.process.returncode == 0, s.process.stderr.read()
        time.sleep(0.5)
        assert [pid for pid in workers if alive(pid)] == []
        assert "Traceback" not in s.process.stderr.read()
        assert list(temp.iterdir()) == []  # the preview's folder and the workers' temporary files are gone
        print(f"stopped in {seconds:.2f} s")
    finally:
        s.close()


def test_a_token_that_is_not_ascii_is_refused_like_any_other(server):
    status, _, body = server.get("/_/rebuild", method="POST", headers={"X-Briefgen-Token": "é"})
    assert status == 403 and b"session token" in body


def test_other_sites_cannot_frame_a_document(server):
    for path in ("/", f"/files/{ONE_PAGER}.pdf", f"/files/{ONE_PAGER}.html"):
        status, headers, _ = server.get(path)
        assert status == 200 and headers["x-frame-options"] == "SAMEORIGIN", path
        assert "frame-ancestors" in headers["content-security-policy"], path


def test_a_trailing_slash_is_not_found_rather_than_redirected(server):
    assert server.get("/_/state/")[0] == 404


def test_an_ipv6_loopback_address_is_its_own_host(tmp_path):
    from briefgen.serve import allowed_hosts

    assert {"::1", "[::1]", "localhost"} <= set(allowed_hosts("::1"))
    assert "127.0.0.1" in allowed_hosts("localhost")


@pytest.mark.parametrize("host, message", [
    ("no.such.host.invalid", "cannot serve on no.such.host.invalid:0: no address is called 'no.such.host.invalid' "
                             "(give an address of this machine, such as 127.0.0.1)"),
    ("192.0.2.1", "cannot serve on 192.0.2.1:0: 192.0.2.1 is not an address of this machine (127.0.0.1 is)"),
])
def test_an_address_it_cannot_serve_on_is_a_clear_error(tmp_path, host, message):
    import subprocess
    import sys

    root = copy_sample(tmp_path)
    done = subprocess.run([sys.executable, "-m", "briefgen", "--root", str(root), "serve", "--host", host, "--port",
                           "0"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.strip()) == (1, message)
    assert not (root / "output").exists()
