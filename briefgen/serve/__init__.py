"""`briefgen serve`: a live preview of every document of a workspace.

`serve(root, ...)` builds the workspace into a folder of its own (see
`briefgen.build.preview`), watches it, and serves the result on a loopback
address until interrupted.  The web application is `briefgen.serve.app`;
the watching and building threads are `briefgen.serve.session`.
"""

from __future__ import annotations

import errno
import ipaddress
import secrets
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from briefgen.errors import BriefgenError, Problem

LOOPBACK = "127.0.0.1"


def open_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a clear error."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except socket.gaierror:
        raise BriefgenError(Problem("", 0, f"cannot serve on {host}:{port}: no address is called '{host}' (give an "
                                    "address of this machine, such as 127.0.0.1)", "bad-address", field="host")) from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            why, setting = "that address is in use by another program: try another --port", "port"
        elif exc.errno == errno.EADDRNOTAVAIL:
            why, setting = f"{host} is not an address of this machine (127.0.0.1 is)", "host"
        else:
            why, setting = exc.strerror or str(exc), "port"
        raise BriefgenError(Problem("", 0, f"cannot serve on {host}:{port}: {why}", "bad-address",
                                    field=setting)) from None
    return sock


def allowed_hosts(host: str) -> list[str]:
    """The names a request's Host header may give: the address served, and,
    for loopback, 'localhost'; for every address of the machine (0.0.0.0),
    the machine's names and addresses."""
    names = {host}
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return sorted(names | ({"127.0.0.1"} if host == "localhost" else set()))
    if address.version == 6:
        names |= {f"[{host}]"}  # as a Host header writes it
    if address.is_loopback:
        names |= {"localhost", "127.0.0.1"}
    elif address.is_unspecified:
        hostname = socket.gethostname()
        names |= {"localhost", "127.0.0.1", hostname, socket.getfqdn()}
        try:
            names |= {info[4][0] for info in socket.getaddrinfo(hostname, None)}
        except OSError:
            pass
    return sorted(names)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(root: Path, host: str = LOOPBACK, port: int = 8000, out_dir: Path | None = None,
          per_tag: bool | None = None, commit: bool = False, say: Callable[[str], None] = print,
          started: Callable[[str], None] | None = None) -> None:
    """Serve the preview of the workspace at `root` until interrupted.
    `say` is told the address (and any warning); `started`, the address
    once the server is answering."""
    import uvicorn

    from briefgen.build.preview import Preview
    from briefgen.build.studio import Studio
    from briefgen.serve.app import create_app
    from briefgen.serve.session import Builder, Listeners, Watcher

    preview = Preview(root, out_dir, per_tag)  # refuses a folder that is not a workspace
    sock = builder = None
    try:
        sock = open_socket(host, port)
        port = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        address = f"http://{shown}:{port}/"
        listeners = Listeners()
        builder = Builder(preview, listeners)
        watcher = Watcher(preview.root, builder)
        token = secrets.token_urlsafe(32)
        studio = Studio(preview.root, preview.drafts, commit)
        app = create_app(preview, builder, listeners, token, allowed_hosts(host), studio)
        builder.start()
        watcher.start()
        say(f"serving {preview.root} at {address} (Ctrl-C to stop)")
        if not is_loopback(host):
            say(f"warning: {host} is reachable from other machines; anyone who can reach it can read every "
                "document of this workspace")
        server = _Server(uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1,
                                        access_log=False), listeners, started, address)
        try:
            server.run(sockets=[sock])
        finally:
            listeners.publish(None)
            watcher.stop()
            if preview.workers is not None:
                preview.workers.close()  # first: a build waiting on them then stops at once
            builder.stop()
    finally:
        preview.close()
        if builder is not None and builder.thread.is_alive():  # still in a step that cannot be interrupted
            builder.thread.join(2)
            preview.close()  # what it wrote meanwhile
        if sock is not None:
            sock.close()
    sys.stdout.flush()


class _Server:
    """uvicorn's server, told to end the open pages' event streams as soon
    as it is asked to stop (they would otherwise hold it open)."""

    def __new__(cls, config, listeners, started, address):
        import uvicorn

        class Server(uvicorn.Server):
            def handle_exit(self, sig, frame):
                listeners.publish(None)
                super().handle_exit(sig, frame)

            async def startup(self, sockets=None):
                await super().startup(sockets)
                if started is not None:
                    started(address)

        return Server(config)
