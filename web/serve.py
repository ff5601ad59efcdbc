"""Serve the built chat widget (``web/dist``) and its runtime ``config.js``.

Standard library only. ``config.js`` is generated per request from the settings, so
the same build works against any Rasa server::

    PROA_SOCKET_URL=http://127.0.0.1:5005 PROA_WEB_PORT=8080 python web/serve.py

Environment (command-line options win):

- ``PROA_SOCKET_URL``: base URL of Rasa's socket.io channel. Unset: the page uses the
  host it was loaded from, port 5005.
- ``PROA_SOCKET_PATH``: socket.io path on that server (default ``/socket.io/``).
- ``PROA_WEB_PORT``: port to listen on (default 8080; 0 picks a free port).
- ``PROA_WEB_HOST``: address to bind (default 127.0.0.1, loopback only).
- ``PROA_FRAME_ANCESTORS``: who may show the page in a frame, as a CSP
  ``frame-ancestors`` source list (default ``'self'``; e.g. ``'self' https://intranet.example``).
  With ``'self'`` or ``'none'`` the header ``X-Frame-Options`` (``SAMEORIGIN`` / ``DENY``)
  is sent too, for old browsers.

Source maps (``*.map``) and hidden files (any path segment starting with ``.``, such as
the build's ``.build-stamp``) are never served, even if a development build left some.
A request whose header block is malformed the way nginx refuses it (a space before a
header's colon, a line without a colon, a folded line) gets a 400.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_DIST = Path(__file__).resolve().parent / "dist"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
CONFIG_PATH = "/config.js"

# Scripts only from this origin (no inline script): a message that slipped past the
# widget's text-only rendering still could not run code. Socket.io may go to any host.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self' http: https: ws: wss:; base-uri 'none'; form-action 'none'; "
    "object-src 'none'"
)
DEFAULT_FRAME_ANCESTORS = "'self'"
_FRAME_ANCESTORS_OK = re.compile(r"^[A-Za-z0-9'*:/._ -]+$")
#: A header field name (RFC 9110 token).
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def header_problem(headers: Any) -> str | None:
    """Why a parsed header block (``http.client.HTTPMessage``) must be refused, or None.

    The standard library stops reading headers at a line that is not ``name: value``
    (``Transfer-Encoding : chunked``) and keeps the rest as a "body"; a folded line is
    joined to the previous value. nginx answers both with a 400, and so does this server.
    """
    if headers.defects or headers.get_payload():
        return "malformed header line"
    for name, value in headers.raw_items():
        if not _HEADER_NAME.match(name) or "\r" in value or "\n" in value:
            return "invalid header"
    return None


def is_hidden_path(path: str) -> bool:
    """Whether the URL path names a hidden file or folder (a segment starting with ``.``)."""
    return any(part.startswith(".") for part in unquote(urlsplit(path).path).replace("\\", "/").split("/"))


def frame_headers(frame_ancestors: str | None = None) -> dict[str, str]:
    """The Content-Security-Policy (with ``frame-ancestors``) and, when it can say the
    same, ``X-Frame-Options`` headers; raises ValueError on a malformed source list."""
    ancestors = " ".join((frame_ancestors or DEFAULT_FRAME_ANCESTORS).split())
    if not _FRAME_ANCESTORS_OK.match(ancestors) or ";" in ancestors:
        raise ValueError(f"PROA_FRAME_ANCESTORS is not a CSP source list: {ancestors!r}")
    headers = {"Content-Security-Policy": f"{CONTENT_SECURITY_POLICY}; frame-ancestors {ancestors}"}
    legacy = {"'self'": "SAMEORIGIN", "'none'": "DENY"}.get(ancestors)
    if legacy:
        headers["X-Frame-Options"] = legacy
    return headers


def validate_socket_url(url: str | None) -> str | None:
    """Returns the URL stripped, None when empty; raises ValueError when not http(s)/ws(s)."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.netloc:
        raise ValueError(f"PROA_SOCKET_URL must be an http(s) or ws(s) URL, got {url!r}")
    return url


def config_script(socket_url: str | None, socket_path: str | None = None) -> bytes:
    """The body of ``config.js``: ``window.PROA_CONFIG = {...};``."""
    config: dict[str, Any] = {}
    if socket_url:
        config["socketUrl"] = socket_url
    if socket_path:
        config["socketPath"] = socket_path
    # json.dumps output is a valid JS expression; ensure_ascii keeps the file plain ASCII.
    return ("window.PROA_CONFIG = " + json.dumps(config, ensure_ascii=True) + ";\n").encode()


class WidgetRequestHandler(SimpleHTTPRequestHandler):
    """Static files from ``directory`` plus the generated ``/config.js``."""

    server_version = "ProaWidget/0.1"

    def __init__(
        self,
        *args: Any,
        config_body: bytes,
        quiet: bool = False,
        security_headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.config_body = config_body
        self.security_headers = security_headers if security_headers is not None else frame_headers()
        self.quiet = quiet
        super().__init__(*args, **kwargs)

    def _is_config(self) -> bool:
        return urlsplit(self.path).path == CONFIG_PATH

    def _send_config(self, with_body: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/javascript; charset=utf-8")
        self.send_header("Content-Length", str(len(self.config_body)))
        self.end_headers()
        if with_body:
            self.wfile.write(self.config_body)

    def _is_source_map(self) -> bool:
        return urlsplit(self.path).path.lower().endswith(".map")

    def _is_private(self) -> bool:
        return self._is_source_map() or is_hidden_path(self.path)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if header_problem(self.headers):
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request")
            return False
        return True

    def do_GET(self) -> None:
        if self._is_private():
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        elif self._is_config():
            self._send_config(with_body=True)
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._is_private():
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        elif self._is_config():
            self._send_config(with_body=False)
        else:
            super().do_HEAD()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in self.security_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def list_directory(self, path: Any) -> None:  # type: ignore[override]
        """No directory listings."""
        self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        return None

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def make_server(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    dist_dir: Path = DEFAULT_DIST,
    socket_url: str | None = None,
    socket_path: str | None = None,
    quiet: bool = False,
    frame_ancestors: str | None = None,
) -> ThreadingHTTPServer:
    """A ready (not yet serving) HTTP server; ``port=0`` picks a free port."""
    dist_dir = Path(dist_dir)
    if not (dist_dir / "index.html").is_file():
        raise FileNotFoundError(f"{dist_dir / 'index.html'} is missing: build the widget first (scripts/build_web.sh)")
    handler = partial(
        WidgetRequestHandler,
        directory=str(dist_dir),
        config_body=config_script(validate_socket_url(socket_url), socket_path),
        quiet=quiet,
        security_headers=frame_headers(frame_ancestors),
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: Sequence[str] | None = None) -> int:
    env = os.environ
    parser = argparse.ArgumentParser(description="Serve the Pro-A chat widget.")
    parser.add_argument("--host", default=env.get("PROA_WEB_HOST", DEFAULT_HOST))
    parser.add_argument("--port", type=int, default=int(env.get("PROA_WEB_PORT") or DEFAULT_PORT))
    parser.add_argument(
        "--socket-url",
        default=env.get("PROA_SOCKET_URL"),
        help="Rasa server URL (default: page host, port 5005)",
    )
    parser.add_argument("--socket-path", default=env.get("PROA_SOCKET_PATH"))
    parser.add_argument(
        "--frame-ancestors",
        default=env.get("PROA_FRAME_ANCESTORS"),
        help="CSP frame-ancestors source list (default: 'self')",
    )
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST)
    parser.add_argument("--quiet", action="store_true", help="no access log")
    args = parser.parse_args(argv)

    try:
        server = make_server(
            args.host,
            args.port,
            args.dist,
            args.socket_url,
            args.socket_path,
            args.quiet,
            args.frame_ancestors,
        )
    except (FileNotFoundError, ValueError, OSError) as error:
        print(f"serve.py: {error}", file=sys.stderr)
        return 2

    host, port = server.server_address[:2]
    target = args.socket_url or "same host as the page, port 5005"
    print(f"Chat widget on http://{host}:{port}/ (Rasa socket.io: {target})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
