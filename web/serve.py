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
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

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

REPO_ROOT = Path(__file__).resolve().parents[1]
REVIEW_PATH = "/revue"
REVIEW_LOGIN = "/revue/connexion"
REVIEW_LOGOUT = "/revue/deconnexion"
REVIEW_STYLE = "/revue/style.css"
REVIEW_COOKIE = "proa_revue"
REVIEW_COOKIE_LIFETIME_S = 8 * 3600
#: A shorter ``PROA_AUTH_TOKEN`` leaves the review page off.
REVIEW_MIN_TOKEN_CHARS = 16
#: Largest login form accepted, in bytes.
REVIEW_MAX_FORM_BYTES = 4096
REVIEW_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _review_networks(spec: str | None) -> list[Any]:
    """Loopback, and the networks of ``PROA_REVIEW_ALLOW`` (comma-separated)."""
    networks: list[Any] = [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")]
    for item in (spec or "").split(","):
        if item.strip():
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
    return networks


class ReviewAccess:
    """Who may read the review page, and from which store (``networks``: loopback by
    default). Not a dataclass: the tests load this file without a module entry."""

    def __init__(self, token: str, store_url: Any, networks: list[Any] | None = None) -> None:
        self.token = token
        self.store_url = store_url
        self.networks = networks if networks is not None else _review_networks(None)
        #: Secret of this process: a restart ends every session.
        self.secret = secrets.token_bytes(32)

    def _key(self) -> bytes:
        return hmac.new(self.secret, b"proa-review-cookie|" + self.token.encode("utf-8"), hashlib.sha256).digest()

    def token_matches(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode("utf-8"), self.token.encode("utf-8"))

    def bearer_ok(self, header: str | None) -> bool:
        scheme, _, value = (header or "").strip().partition(" ")
        return scheme.lower() == "bearer" and self.token_matches(value.strip())

    def cookie(self, now: float) -> str:
        """A session cookie value: ``<expiry>.<signature>``."""
        expiry = str(int(now) + REVIEW_COOKIE_LIFETIME_S)
        return expiry + "." + hmac.new(self._key(), expiry.encode(), hashlib.sha256).hexdigest()

    def cookie_ok(self, value: str | None, now: float) -> bool:
        expiry, _, signature = (value or "").partition(".")
        if not expiry.isdigit() or int(expiry) < now or len(signature) != 64:
            return False
        expected = hmac.new(self._key(), expiry.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode())

    def client_ok(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return any(address in network for network in self.networks)


def _cookies(header: str | None) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name and name not in cookies:
            cookies[name] = value.strip()
    return cookies


def _project_on_path() -> None:
    """The review page uses the project's packages (bot.review); web/ is not one."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))


def review_access(
    token: str | None,
    endpoints: Path | None = None,
    db_url: str | None = None,
    allow: str | None = None,
) -> ReviewAccess | None:
    """The review page's settings, or None when it stays off (no token, or too short).
    Raises ValueError when the store cannot be named."""
    if not token:
        return None
    if len(token) < REVIEW_MIN_TOKEN_CHARS:
        print(
            f"serve.py: page de revue désactivée : PROA_AUTH_TOKEN a moins de {REVIEW_MIN_TOKEN_CHARS} caractères",
            file=sys.stderr,
        )
        return None
    _project_on_path()
    from bot.review import ReviewError, url_from_endpoints

    try:
        url = db_url or url_from_endpoints(endpoints or Path("endpoints.yml"))
    except ReviewError as error:
        raise ValueError(f"page de revue : {error}") from None
    return ReviewAccess(token=token, store_url=url, networks=_review_networks(allow))


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

    # -- the review page (/revue) -------------------------------------------------------

    def _is_review(self) -> bool:
        path = urlsplit(self.path).path
        return path == REVIEW_PATH or path.startswith(REVIEW_PATH + "/")

    def _review_send(
        self, status: HTTPStatus, body: str, content_type: str = "text/html", extra: dict[str, str] | None = None
    ) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _review_refuse(self, status: HTTPStatus) -> None:
        """404 when the page is off, 403 for a client outside the allowed networks, 405 else."""
        if self.review is None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        elif not self.review.client_ok(self.client_address[0]):
            self.send_error(HTTPStatus.FORBIDDEN, "Forbidden")
        else:
            self.send_response(status)
            self.send_header("Allow", "GET, POST")
            self.send_header("Content-Length", "0")
            self.end_headers()

    def _review_open(self) -> ReviewAccess | None:
        """The settings when the page is on and the client may reach it (else answered)."""
        if self.review is None or not self.review.client_ok(self.client_address[0]):
            self._review_refuse(HTTPStatus.NOT_FOUND)
            return None
        return self.review

    def _review_signed_in(self, access: ReviewAccess) -> bool:
        if self.headers.get("Authorization"):
            return access.bearer_ok(self.headers.get("Authorization"))
        return access.cookie_ok(_cookies(self.headers.get("Cookie")).get(REVIEW_COOKIE), time.time())

    def _review_cookie(self, value: str, max_age: int) -> str:
        secure = "; Secure" if self.headers.get("X-Forwarded-Proto", "").lower() == "https" else ""
        return f"{REVIEW_COOKIE}={value}; Path={REVIEW_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"

    def _review_login(self, status: HTTPStatus, error: str | None = None) -> None:
        from bot.review_page import login_page

        extra = {"WWW-Authenticate": 'Bearer realm="revue"'} if status == HTTPStatus.UNAUTHORIZED else {}
        self._review_send(status, login_page(error), extra=extra)

    def _review_get(self) -> None:
        access = self._review_open()
        if access is None:
            return
        from bot.review_page import STYLESHEET

        path = urlsplit(self.path).path
        if path == REVIEW_STYLE:
            self._review_send(HTTPStatus.OK, STYLESHEET, "text/css")
        elif path not in (REVIEW_PATH, REVIEW_PATH + "/"):
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        elif not self._review_signed_in(access):
            wrong = bool(self.headers.get("Authorization"))
            self._review_login(HTTPStatus.UNAUTHORIZED, "Jeton d'accès refusé." if wrong else None)
        else:
            self._review_page(access)

    def _review_page(self, access: ReviewAccess) -> None:
        from bot.review import ReviewError, review
        from bot.review_page import parse_filters, review_page

        filters = parse_filters(parse_qs(urlsplit(self.path).query, max_num_fields=50))
        signed_by_cookie = not self.headers.get("Authorization")
        try:
            since, until = filters.period(datetime.now(timezone.utc))
        except ReviewError as error:
            self._review_send(HTTPStatus.BAD_REQUEST, review_page(None, filters, str(error), signed_by_cookie))
            return
        try:
            result = review(access.store_url, since, until, filters.outcomes, filters.channel or None)
        except ReviewError as error:
            self.log_message("review: %s", type(error).__name__)
            self._review_send(
                HTTPStatus.SERVICE_UNAVAILABLE,
                review_page(None, filters, f"Les conversations ne peuvent pas être lues : {error}", signed_by_cookie),
            )
            return
        self._review_send(HTTPStatus.OK, review_page(result, filters, None, signed_by_cookie))

    def _review_post(self) -> None:
        access = self._review_open()
        if access is None:
            return
        path = urlsplit(self.path).path
        if path == REVIEW_LOGOUT:
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", REVIEW_PATH)
            self.send_header("Set-Cookie", self._review_cookie("", 0))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path != REVIEW_LOGIN:
            self._review_refuse(HTTPStatus.METHOD_NOT_ALLOWED)
            return
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            length = -1
        if media_type != "application/x-www-form-urlencoded" or not 0 <= length <= REVIEW_MAX_FORM_BYTES:
            self._review_login(HTTPStatus.BAD_REQUEST, "Formulaire de connexion invalide.")
            return
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"), max_num_fields=5)
        if not access.token_matches((form.get("token") or [""])[0]):
            self._review_login(HTTPStatus.UNAUTHORIZED, "Jeton d'accès incorrect.")
            return
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", REVIEW_PATH)
        self.send_header("Set-Cookie", self._review_cookie(access.cookie(time.time()), REVIEW_COOKIE_LIFETIME_S))
        self.send_header("Content-Length", "0")
        self.end_headers()

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
    parser.add_argument(
        "--endpoints",
        type=Path,
        default=Path(env.get("PROA_ENDPOINTS") or "endpoints.yml"),
        help="Rasa endpoints file whose tracker_store the review page reads (with PROA_AUTH_TOKEN)",
    )
    parser.add_argument("--review-db-url", default=None, help="SQLAlchemy URL or SQLite file (instead of --endpoints)")
    args = parser.parse_args(argv)

    try:
        review = review_access(
            env.get("PROA_AUTH_TOKEN"), args.endpoints, args.review_db_url, env.get("PROA_REVIEW_ALLOW")
        )
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
