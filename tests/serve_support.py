"""A `briefgen serve` process for the tests, on a free port of the loopback
address, and a little HTTP that sends exactly the path and Host it is given."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


class Server:
    def __init__(self, root: Path, *args: str, env: dict | None = None):
        self.root = root
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.process = subprocess.Popen([sys.executable, "-m", "briefgen", "--root", str(root), "serve", "--port", "0",
                                         *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.process.stdout.readline()
        match = re.search(r"at (http://[^/]+)/ \(Ctrl-C to stop\)", line)
        if not match:
            self.process.kill()
            raise AssertionError(f"no address printed: {line!r} {self.process.stderr.read()!r}")
        self.url = match[1]
        self.host, self.port = self.url[len("http://"):].rsplit(":", 1)
        self.first_line = line
        self.wait_for(lambda s: s["stages"].get("full") == s["number"] and s["number"] >= 1)

    def get(self, path: str, host: str | None = None, method: str = "GET", headers: dict | None = None):
        """(status, headers, body) for a request with this exact path and Host."""
        with socket.create_connection((self.host, int(self.port)), timeout=10) as sock:
            lines = [f"{method} {path} HTTP/1.1", f"Host: {f'{self.host}:{self.port}' if host is None else host}", "Connection: close",
                     *(f"{k}: {v}" for k, v in (headers or {}).items()), "Content-Length: 0", "", ""]
            sock.sendall("\r\n".join(lines).encode("latin-1"))
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        found = {k.lower(): v for k, _, v in (h.partition(": ") for h in header_lines)}
        if found.get("transfer-encoding") == "chunked":
            body = _unchunk(body)
        return int(status_line.split()[1]), found, body

    def token(self) -> str:
        """The session token, as the server's own pages carry it."""
        status, _, body = self.get("/")
        return re.search(rb'name="briefgen-token" content="([^"]+)"', body)[1].decode()

    def post(self, path: str, data: object, token: str | None = None, origin: str | None = "own",
             raw: bytes | None = None) -> tuple[int, dict | bytes]:
        """(status, answer) of a POST of `data` as JSON, with the token and
        (unless told otherwise) the Origin header a page of the server's own sends."""
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["X-Briefgen-Token"] = token
        if origin is not None:
            headers["Origin"] = self.url if origin == "own" else origin
        request = urllib.request.Request(self.url + path, data=raw if raw is not None else json.dumps(data).encode(),
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        try:
            return status, json.loads(body)
        except ValueError:
            return status, body

    def state(self) -> dict:
        with urllib.request.urlopen(self.url + "/_/state", timeout=10) as response:
            return json.load(response)

    def wait_for(self, condition, timeout: float = 60.0) -> dict:
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            try:
                last = self.state()
                if condition(last):
                    return last
            except OSError:
                pass
            if self.process.poll() is not None:
                raise AssertionError(f"the server ended: {self.process.stderr.read()}")
            time.sleep(0.05)
        raise AssertionError(f"not reached in {timeout} s; last state: {last}")

    def children(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def interrupt(self, timeout: float = 20.0) -> float:
        """Ctrl-C: the seconds it took to end."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout)
        return time.monotonic() - started

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        n = int(size, 16)
        if n == 0:
            break
        out, body = out + rest[:n], rest[n + 2:]
    return out


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not running
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False
