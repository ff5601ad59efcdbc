"""Serve the built chat widget (``web/dist``) and its runtime ``config.js``.

Standard library only, and the project's :mod:`bot.settings` (standard library too).
``config.js`` is generated from the settings, so the same build works against any Rasa
server::

    PROA_SOCKET_URL=http://127.0.0.1:5005 PROA_WEB_PORT=8080 python web/serve.py

Environment (command-line options win), read through :class:`bot.settings.Settings`
(docs/settings.md):

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

The review page (``/revue``, issue 22): the questions that failed, as ``bot review``
lists them (:mod:`bot.review`, :mod:`bot.review_page`), with filters and counts per day.
Off (404) unless ``PROA_AUTH_TOKEN`` is set (at least 16 characters), and then behind it:

- ``Authorization: Bearer <token>`` (scripts), or the login form, which posts the token
  and gets a session cookie: ``proa_revue``, signed (HMAC-SHA256 with a key derived from
  the token and a random secret of the process: a new token or a restart ends every
  session), ``HttpOnly``, ``SameSite=Strict``, ``Path=/revue``, 8 hours (``Secure``
  when the request came through HTTPS, ``X-Forwarded-Proto: https``);
- only loopback clients (others get a 403) unless ``PROA_REVIEW_ALLOW`` lists networks
  (``10.0.0.0/8,192.168.1.5``); deploy/nginx-proa.conf does not proxy it;
- the store read is the ``tracker_store`` of ``--endpoints`` (``PROA_ENDPOINTS``, else
  ``endpoints.yml``) or ``--review-db-url``; the standard library serves the widget,
  the review page needs the project's packages (``.venv/bin/python web/serve.py``);
- its own Content-Security-Policy (no script at all, styles and forms from the page's
  origin, no framing), ``Cache-Control: no-store``, every value escaped; the access log
  has the request line only (filters, never a message).

This file is the server: its request handler, :func:`make_server` and the command line.
The rules it applies are in modules next to it, imported as ``web.…`` (this file puts
the repository on ``sys.path``: ``web/`` is not a package, and this file is run as a
script or loaded from its path) and re-exported here:

- ``web/widget_http.py``: the page's headers, the requests refused, ``config.js``;
- ``web/review_access.py``: who may read the review page, the session cookie;
- ``web/review_handler.py``: the review page's routes (a base class of the handler).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from functools import partial
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    # Run as ``python web/serve.py``, only web/ is on the path: the modules below are
    # the repository's (bot.settings, web.*).
    sys.path.insert(0, str(REPO_ROOT))

from bot.settings import Settings  # noqa: E402
from web.review_access import (  # noqa: E402
    REVIEW_COOKIE_LIFETIME_S,
    REVIEW_MIN_TOKEN_CHARS,
    ReviewAccess,
    review_access,
)
from web.review_handler import (  # noqa: E402
    REVIEW_COOKIE,
    REVIEW_HEADERS,
    REVIEW_LOGIN,
    REVIEW_LOGOUT,
    REVIEW_MAX_FORM_BYTES,
    REVIEW_PATH,
    REVIEW_STYLE,
    ReviewPageHandler,
)
from web.widget_http import (  # noqa: E402
    CONFIG_PATH,
    CONTENT_SECURITY_POLICY,
    DEFAULT_FRAME_ANCESTORS,
    config_script,
    frame_headers,
    header_problem,
    is_hidden_path,
    validate_socket_url,
)

__all__ = [
    "CONFIG_PATH",
    "CONTENT_SECURITY_POLICY",
    "DEFAULT_DIST",
    "DEFAULT_FRAME_ANCESTORS",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "REPO_ROOT",
    "REVIEW_COOKIE",
    "REVIEW_COOKIE_LIFETIME_S",
    "REVIEW_HEADERS",
    "REVIEW_LOGIN",
    "REVIEW_LOGOUT",
    "REVIEW_MAX_FORM_BYTES",
    "REVIEW_MIN_TOKEN_CHARS",
    "REVIEW_PATH",
    "REVIEW_STYLE",
    "ReviewAccess",
    "WidgetRequestHandler",
    "config_script",
    "frame_headers",
    "header_problem",
    "is_hidden_path",
    "main",
    "make_server",
    "review_access",
    "validate_socket_url",
]

DEFAULT_DIST = Path(__file__).resolve().parent / "dist"
#: The defaults of ``PROA_WEB_HOST`` (loopback only) and ``PROA_WEB_PORT``.
DEFAULT_HOST: str = Settings().web_host
DEFAULT_PORT: int = Settings().web_port


class WidgetRequestHandler(ReviewPageHandler):
    """Static files from ``directory`` plus the generated ``/config.js``, and the review
    page (:class:`web.review_handler.ReviewPageHandler`)."""

    server_version = "ProaWidget/0.1"

    def __init__(
        self,
        *args: Any,
        config_body: bytes,
        quiet: bool = False,
        security_headers: dict[str, str] | None = None,
        review: ReviewAccess | None = None,
        **kwargs: Any,
    ) -> None:
        self.config_body = config_body
        self.security_headers = security_headers if security_headers is not None else frame_headers()
        self.quiet = quiet
        self.review = review
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
        if self._is_review():
            self._review_get()
        elif self._is_private():
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        elif self._is_config():
            self._send_config(with_body=True)
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._is_review():
            self._review_refuse(HTTPStatus.METHOD_NOT_ALLOWED)
        elif self._is_private():
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        elif self._is_config():
            self._send_config(with_body=False)
        else:
            super().do_HEAD()

    def do_POST(self) -> None:
        if self._is_review():
            self._review_post()
        else:
            self.send_error(HTTPStatus.NOT_IMPLEMENTED, "Unsupported method")

    def end_headers(self) -> None:
        headers = dict(self.security_headers)
        cache = "no-cache"
        if self._is_review():
            headers = {k: v for k, v in REVIEW_HEADERS.items() if k != "Cache-Control"}
            cache = REVIEW_HEADERS["Cache-Control"]
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in headers.items():
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
    review: ReviewAccess | None = None,
) -> ThreadingHTTPServer:
    """A ready (not yet serving) HTTP server; ``port=0`` picks a free port; ``review``
    turns the review page on (:func:`review_access`)."""
    dist_dir = Path(dist_dir)
    if not (dist_dir / "index.html").is_file():
        raise FileNotFoundError(f"{dist_dir / 'index.html'} is missing: build the widget first (scripts/build_web.sh)")
    handler = partial(
        WidgetRequestHandler,
        directory=str(dist_dir),
        config_body=config_script(validate_socket_url(socket_url), socket_path),
        quiet=quiet,
        security_headers=frame_headers(frame_ancestors),
        review=review,
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: Sequence[str] | None = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(description="Serve the Pro-A chat widget.")
    parser.add_argument("--host", default=settings.web_host)
    parser.add_argument("--port", type=int, default=settings.web_port)
    parser.add_argument(
        "--socket-url",
        default=settings.socket_url,
        help="Rasa server URL (default: page host, port 5005)",
    )
    parser.add_argument("--socket-path", default=settings.socket_path)
    parser.add_argument(
        "--frame-ancestors",
        default=settings.frame_ancestors,
        help="CSP frame-ancestors source list (default: 'self')",
    )
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST)
    parser.add_argument("--quiet", action="store_true", help="no access log")
    parser.add_argument(
        "--endpoints",
        type=Path,
        default=settings.endpoints,
        help="Rasa endpoints file whose tracker_store the review page reads (with PROA_AUTH_TOKEN)",
    )
    parser.add_argument("--review-db-url", default=None, help="SQLAlchemy URL or SQLite file (instead of --endpoints)")
    args = parser.parse_args(argv)

    try:
        review = review_access(settings.auth_token, args.endpoints, args.review_db_url, ",".join(settings.review_allow))
        server = make_server(
            args.host,
            args.port,
            args.dist,
            args.socket_url,
            args.socket_path,
            args.quiet,
            args.frame_ancestors,
            review,
        )
    except (FileNotFoundError, ValueError, OSError) as error:
        print(f"serve.py: {error}", file=sys.stderr)
        return 2

    host, port = server.server_address[:2]
    if isinstance(host, bytes):
        host = host.decode()
    target = args.socket_url or "same host as the page, port 5005"
    print(f"Chat widget on http://{host}:{port}/ (Rasa socket.io: {target})", flush=True)
    if review is not None:
        print(f"Review page on http://{host}:{port}{REVIEW_PATH} (PROA_AUTH_TOKEN)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
