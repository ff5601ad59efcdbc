"""The review page's routes (``/revue``): a request handler that knows them.

:class:`ReviewPageHandler` is the part of the page server's handler
(:class:`web.serve.WidgetRequestHandler` derives from it) that answers under
``/revue``: the login form (``POST /revue/connexion``, which sets the session cookie:
``HttpOnly``, ``SameSite=Strict``, ``Path=/revue``, ``Secure`` when the request came
through HTTPS, ``X-Forwarded-Proto: https``), the logout, the style sheet and the list
with its filters (:mod:`bot.review_page`). Who may come in is decided by
:class:`web.review_access.ReviewAccess`. The answers carry :data:`REVIEW_HEADERS` (no
script at all, no framing, ``Cache-Control: no-store``); the access log has the request
line only (filters, never a message).

The project's packages (:mod:`bot.review`, :mod:`bot.review_page`) are imported when a
review request comes: the widget alone needs the standard library only.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from web.review_access import REVIEW_COOKIE_LIFETIME_S, ReviewAccess, parse_cookies

REVIEW_PATH = "/revue"
REVIEW_LOGIN = "/revue/connexion"
REVIEW_LOGOUT = "/revue/deconnexion"
REVIEW_STYLE = "/revue/style.css"
REVIEW_COOKIE = "proa_revue"
#: Largest login form accepted, in bytes.
REVIEW_MAX_FORM_BYTES = 4096

#: The review page's own headers: no script at all, styles and forms from the page's
#: origin, no framing, nothing kept in a cache.
REVIEW_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class ReviewPageHandler(SimpleHTTPRequestHandler):
    """Answers the requests under ``/revue`` (see the module docstring); the page is off
    while :attr:`review` is None."""

    #: The review page's access rules, None when it is off.
    review: ReviewAccess | None = None

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
        return access.cookie_ok(parse_cookies(self.headers.get("Cookie")).get(REVIEW_COOKIE), time.time())

    def _review_cookie(self, value: str, max_age: int) -> str:
        secure = "; Secure" if self.headers.get("X-Forwarded-Proto", "").lower() == "https" else ""
        return f"{REVIEW_COOKIE}={value}; Path={REVIEW_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"

    def _review_login(self, status: HTTPStatus, error: str | None = None) -> None:
        """The login form; ``error``: the key of the error it shows (``review``: ``errors``)."""
        from bot.review_page import error_text, login_page

        extra = {"WWW-Authenticate": 'Bearer realm="revue"'} if status == HTTPStatus.UNAUTHORIZED else {}
        self._review_send(status, login_page(error_text(error) if error else None), extra=extra)

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
            self._review_login(HTTPStatus.UNAUTHORIZED, "token_refused" if wrong else None)
        else:
            self._review_page(access)

    def _review_page(self, access: ReviewAccess) -> None:
        from bot.review import ReviewError, review
        from bot.review_page import error_text, parse_filters, review_page

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
                review_page(None, filters, error_text("store_unreadable", error=error), signed_by_cookie),
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
            self._review_login(HTTPStatus.BAD_REQUEST, "login_form_invalid")
            return
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"), max_num_fields=5)
        if not access.token_matches((form.get("token") or [""])[0]):
            self._review_login(HTTPStatus.UNAUTHORIZED, "token_wrong")
            return
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", REVIEW_PATH)
        self.send_header("Set-Cookie", self._review_cookie(access.cookie(time.time()), REVIEW_COOKIE_LIFETIME_S))
        self.send_header("Content-Length", "0")
        self.end_headers()
