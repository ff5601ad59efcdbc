"""The HTTP rules of the chat page server: what it sends, what it refuses, ``config.js``.

Pure functions of :mod:`web.serve`'s request handler, kept apart so that the security
rules of the page read (and are tested) on their own:

- :func:`frame_headers`: the Content-Security-Policy (scripts from the page's origin
  only, no inline script) with its ``frame-ancestors`` (``PROA_FRAME_ANCESTORS``), and
  ``X-Frame-Options`` when it can say the same, for old browsers;
- :func:`header_problem`: a header block that nginx would refuse with a 400 (a space
  before a colon, a line without one, a folded line) is refused here too;
- :func:`is_hidden_path`: hidden files (a path segment starting with ``.``, such as the
  build's ``.build-stamp``) are never served;
- :func:`validate_socket_url` and :func:`config_script`: the runtime ``config.js`` that
  tells the page where Rasa's socket.io channel is, so one build works against any server.

Standard library only.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

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
