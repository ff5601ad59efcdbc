"""Raw HTTP probes of issue 21, sent over a socket to 127.0.0.1 (header framing, bad
chunks, compressed bodies), and a reader that counts the answers, so that a smuggled
second request shows as a second answer.

Used by tests/servers/test_http_guard.py (small Sanic apps) and tests/e2e/test_security.py
(the running stack). The framing probes of issue 14 are in tests/e2e/probes.py.
"""

from __future__ import annotations

import re
import socket
import time
import zlib

_STATUS = re.compile(rb"HTTP/1\.[01] (\d{3}) ")


def exchange(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Send ``data`` to 127.0.0.1:``port`` and read until the server closes the
    connection or stays silent for ``timeout`` seconds (at most 1 MB)."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server may close before reading everything (an early 4xx)
        try:
            while len(received) < 1_000_000:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except (TimeoutError, OSError):
            pass
    return received


def statuses(raw: bytes) -> list[int]:
    """The status codes of the HTTP answers in ``raw``, in order."""
    return [int(code) for code in _STATUS.findall(raw)]


def request(path: str, *headers: str, body: bytes = b"", method: str = "POST", length: bool = True) -> bytes:
    """One request (``Connection: close``); ``Content-Length`` is added unless ``length``
    is False."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def smuggling_probe(path: str, second: str) -> bytes:
    """``Transfer-Encoding : chunked`` (a space before the colon): a server that ignores
    the header reads the chunked body as a second request, ``GET <second>``."""
    smuggled = f"GET {second} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    return (
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding : chunked\r\n\r\n"
        ).encode()
        + b"0\r\n\r\n"
        + smuggled
    )


def header_probes(path: str) -> dict[str, bytes]:
    """Malformed header blocks nginx answers with a 400, by name."""
    body = b'{"sender": "probe", "message": "bonjour"}'
    return {
        "space_before_colon": request(path, "Content-Type : application/json", body=body),
        "tab_before_colon": request(path, "Content-Type\t: application/json", body=body),
        "no_colon": request(path, "Content-Type application/json", body=body),
        "folded_line": request(path, "Content-Type: application/json", " folded", body=body),
        "bare_lf_inside": request(path, "X-Probe: a\nTransfer-Encoding: chunked", body=body),
        "empty_name": request(path, ": value", body=body),
    }


def bad_chunk_probes(path: str) -> dict[str, bytes]:
    """Chunked bodies that cannot be read, by name."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    return {
        "not_hex": head.encode() + b"zz\r\nabc\r\n0\r\n\r\n",
        "negative": head.encode() + b"-5\r\nabc\r\n0\r\n\r\n",
        "long_size_line": head.encode() + b"1" * 100 + b"\r\nabc\r\n0\r\n\r\n",
    }


def deflate_bomb(size: int) -> bytes:
    """A zlib ("deflate") body that inflates to ``size`` bytes (a JSON string of spaces)."""
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(b'{"x": "')]
    block = b" " * (1 << 20)
    for _ in range(size // len(block)):
        parts.append(compressor.compress(block))
    parts.append(compressor.compress(b'"}'))
    parts.append(compressor.flush())
    return b"".join(parts)


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    """(result, seconds) of ``function(*args, **kwargs)``."""
    started = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - started
