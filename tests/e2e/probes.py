"""Raw HTTP probes with malformed body framing (issue 14, finding 1), sent over a socket.

Each probe is the bytes of one request; :func:`send_raw` returns the status code of the
answer (None when the server closed or did not answer within the timeout).
"""

from __future__ import annotations

import socket

BODY = b'{"sender": "probe", "message": "bonjour"}'


def _request(path: str, *headers: str, body: bytes = BODY) -> bytes:
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


def framing_probes(path: str) -> dict[str, bytes]:
    """The malformed requests of finding 1, by name, for ``path``."""
    return {
        "negative_length": _request(path, "Content-Length: -1"),
        "non_numeric_length": _request(path, "Content-Length: abc"),
        "plus_sign_length": _request(path, f"Content-Length: +{len(BODY)}"),
        "differing_lengths": _request(path, f"Content-Length: {len(BODY)}", "Content-Length: 5"),
        "length_and_chunked": _request(
            path,
            f"Content-Length: {len(BODY)}",
            "Transfer-Encoding: chunked",
            body=f"{len(BODY):x}\r\n".encode() + BODY + b"\r\n0\r\n\r\n",
        ),
        "chunked_identity": _request(path, "Transfer-Encoding: chunked, identity", body=b"0\r\n\r\n"),
        "gzip_encoding": _request(path, "Transfer-Encoding: gzip", body=b"0\r\n\r\n"),
    }


def send_raw(port: int, data: bytes, timeout: float = 30.0) -> int | None:
    """Send ``data`` to 127.0.0.1:``port``; the HTTP status of the answer, or None."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        received = b""
        try:
            while b"\r\n" not in received:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                received += chunk
        except TimeoutError:
            return None
    try:
        return int(received.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None
