"""A local npm registry for the download tests of tools/knowledge_sync/npm.py: no test
reaches the network."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def npm_integrity(data: bytes) -> str:
    """npm's ``dist.integrity`` of a tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


@dataclass
class FakeRegistry:
    """What the registry serves (``publish``) and the paths it was asked (``requests``)."""

    url: str = ""
    packages: dict[str, dict[str, bytes]] = field(default_factory=dict)
    latest: dict[str, str] = field(default_factory=dict)
    #: A different integrity to announce, by (package, version): a corrupted download.
    announced: dict[tuple[str, str], str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def publish(self, package: str, version: str, tarball: bytes) -> None:
        self.packages.setdefault(package, {})[version] = tarball
        self.latest[package] = version

    def _answer(self, path: str) -> tuple[int, bytes, str]:
        self.requests.append(path)
        if path.startswith("/-/tarballs/"):
            package, version = path.removeprefix("/-/tarballs/").rsplit("/", 1)
            data = self.packages.get(package, {}).get(version.removesuffix(".tgz"))
            return (200, data, "application/octet-stream") if data is not None else (404, b"", "text/plain")
        package, _, version = path.lstrip("/").rpartition("/")
        versions = self.packages.get(package, {})
        version = self.latest.get(package, "") if version == "latest" else version
        if version not in versions:
            return 404, json.dumps({"error": "Not found"}).encode(), "application/json"
        dist = {
            "tarball": f"{self.url}/-/tarballs/{package}/{version}.tgz",
            "integrity": self.announced.get((package, version), npm_integrity(versions[version])),
        }
        return 200, json.dumps({"name": package, "version": version, "dist": dist}).encode(), "application/json"


@pytest.fixture(autouse=True)
def _loopback_without_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests would send 127.0.0.1 to a proxy named in the environment."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRegistry]:
    """A registry on 127.0.0.1, set as npm's ``npm_config_registry``."""
    fake = FakeRegistry()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body, kind = fake._answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("npm_config_registry", fake.url)
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A registry that accepts connections and never answers (its URL)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    monkeypatch.setenv("npm_config_registry", url)
    try:
        yield url
    finally:
        listener.close()


def closed_url() -> str:
    """A loopback URL where nothing listens: any request fails at once."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def no_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry URL where nothing listens."""
    monkeypatch.setenv("npm_config_registry", closed_url())
