"""The preview server's web application (Starlette): a thin layer over a
`briefgen.build.preview.Preview`.

It answers only what it knows by name: its own pages, its own static files
(an allow-list), and the files of the documents the preview built, found
by document and format in the preview's manifests, never by joining a
requested path to a folder.  Every request must name the address served in
its Host header (DNS rebinding); every request that would change something
must carry the session's token.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from briefgen.build.preview import Preview
from briefgen.build.studio import Studio
from briefgen.serve import editor, pages
from briefgen.serve.session import FORCE, WANT, Builder, Listeners

STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = {"preview.js": "text/javascript", "preview.css": "text/css", "editor.js": "text/javascript"}

# The preview's own pages run one script, from this server, and talk back to it.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
# A built page, shown in the preview's frame: exactly as `build` wrote it, which
# needs its inline stylesheet and data: images and runs nothing.
DOCUMENT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
                   "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
# On every answer; no page of another site may frame any of them.
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
           "X-Frame-Options": "SAMEORIGIN", "Content-Security-Policy": "frame-ancestors 'self'"}
TOKEN_HEADER = "x-briefgen-token"
HEARTBEAT = 15.0  # seconds between keep-alive comments on an event stream


def create_app(preview: Preview, builder: Builder, listeners: Listeners, token: str, hosts: list[str],
               studio: Studio | None = None) -> Starlette:
    async def home(request: Request) -> Response:
        return _page(pages.home(preview, token))

    async def document(request: Request) -> Response:
        stem = request.path_params["stem"]
        shown = pages.views()
        view = request.query_params.get("view", shown[0])
        known = {d.stem: d for d in preview.documents()}
        if stem not in known or view not in shown:
            return _not_found()
        if preview.want(stem):
            builder.ask({WANT})
        return _page(pages.document(preview, known[stem], view, token))

    async def files(request: Request) -> Response:
        name = request.path_params["name"]
        stem, dot, fmt = name.rpartition(".")
        path = preview.file(stem, fmt) if dot else None
        if path is None and dot and fmt in preview.on_request and stem in {d.stem for d in preview.documents()}:
            path = await run_in_threadpool(preview.on_demand, stem, fmt)  # a Word document, made when asked
        if path is None:
            return _not_found()
        headers = dict(HEADERS)
        media = pages.media_type(fmt) or "application/octet-stream"
        if media == "text/html":
            headers["Content-Security-Policy"] = DOCUMENT_POLICY
            media += "; charset=utf-8"
        return FileResponse(path, headers=headers, media_type=media)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:
            return _not_found()
        return FileResponse(STATIC / name, media_type=STATIC_FILES[name], headers=HEADERS)

    async def state(request: Request) -> Response:
        return JSONResponse(pages.state(preview), headers=HEADERS)

    async def events(request: Request) -> Response:
        q = listeners.attach()

        async def stream():
            try:
                yield f"event: hello\ndata: {json.dumps({'number': preview.number})}\n\n"
                while not listeners.closed:
                    try:
                        event = await asyncio.wait_for(q.get(), HEARTBEAT)
                    except asyncio.TimeoutError:
                        yield ": still here\n\n"
                        continue
                    if event is None:
                        break
                    yield f"event: {event.get('event', 'round')}\ndata: {json.dumps(event)}\n\n"
            finally:
                listeners.detach(q)

        return StreamingResponse(stream(), media_type="text/event-stream", headers=HEADERS)

    async def rebuild(request: Request) -> Response:
        builder.ask({FORCE})
        return JSONResponse({"asked": True}, headers=HEADERS)

    def render(name: str, **context) -> Response:
        return _page(pages.page(preview, token, name, **context))

    routes = [
        Route("/", home),
        Route("/doc/{stem:path}", document),
        Route("/files/{name:path}", files),
        Route("/_/static/{name}", static),
        Route("/_/state", state),
        Route("/_/events", events),
        Route("/_/rebuild", rebuild, methods=["POST"]),
    ]
    if studio is not None:
        routes += editor.routes(studio, render, HEADERS, DOCUMENT_POLICY, _not_found)
    app = Starlette(routes=routes, middleware=[
        Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
        Middleware(TokenRequired, token=token),
    ])
    app.router.redirect_slashes = False  # "/_/state/" is not found, not redirected
    app.add_exception_handler(404, lambda request, exc: _not_found())
    app.add_exception_handler(405, lambda request, exc: PlainTextResponse("not allowed\n", 405, headers=HEADERS))
    return app


class TokenRequired:
    """Refuses every request that could change something (any method but
    GET and HEAD) unless it carries the session's token, which only the
    server's own pages know, and, when it says where it comes from (a
    browser's Origin header), comes from this server's own pages."""

    def __init__(self, app, token: str):
        self.app, self.token = app, token

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD"):
            headers = dict(scope["headers"])
            given = headers.get(TOKEN_HEADER.encode("latin-1"), b"")
            origin, host = headers.get(b"origin"), headers.get(b"host", b"")
            why = None
            if not hmac.compare_digest(given, self.token.encode("ascii")):
                why = "this request does not carry the preview's session token"
            elif origin is not None and origin not in (b"http://" + host, b"https://" + host):
                why = "this request comes from a page of another site"
            if why:
                response = PlainTextResponse(f"refused: {why}\n", 403, headers=HEADERS)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _page(html: str) -> HTMLResponse:
    return HTMLResponse(html, headers={**HEADERS, "Content-Security-Policy": PAGE_POLICY})


def _not_found() -> Response:
    return PlainTextResponse("not found\n", 404, headers=HEADERS)
