"""web/serve.py: static files, the generated config.js, safe defaults (no browser)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PREFIX = "window.PROA_CONFIG = "


@pytest.fixture
def fake_dist(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text('<!doctype html><html lang="fr"><script src="config.js"></script></html>')
    (tmp_path / "app.js").write_text("console.log(1);\n")
    (tmp_path / "sub").mkdir()
    return tmp_path


@pytest.fixture
def running(serve_module: ModuleType, fake_dist: Path) -> Iterator[Any]:
    def start(socket_url: Any = None, socket_path: Any = None) -> str:
        server = serve_module.make_server("127.0.0.1", 0, fake_dist, socket_url, socket_path, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    started: list = []
    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, dict(response.headers), response.read().decode()


def config_of(body: str) -> Any:
    assert body.startswith(PREFIX) and body.endswith(";\n")
    return json.loads(body[len(PREFIX) : -2])


def test_config_js_carries_the_socket_url(running: Any) -> None:
    base = running("http://127.0.0.1:5005", "/socket.io/")
    status, headers, body = get(base + "/config.js")
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert config_of(body) == {"socketUrl": "http://127.0.0.1:5005", "socketPath": "/socket.io/"}


def test_config_js_default_leaves_the_choice_to_the_page(running: Any) -> None:
    _, _, body = get(running() + "/config.js")
    assert config_of(body) == {}


def test_page_headers_and_no_listing(running: Any) -> None:
    base = running()
    status, headers, body = get(base + "/")
    assert status == 200 and 'lang="fr"' in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    with pytest.raises(urllib.error.HTTPError) as error:
        get(base + "/sub/")
    assert error.value.code == 404


def test_rejects_bad_socket_url_and_missing_build(serve_module: ModuleType, fake_dist: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        serve_module.make_server("127.0.0.1", 0, fake_dist, "javascript:alert(1)")
    with pytest.raises(FileNotFoundError):
        serve_module.make_server("127.0.0.1", 0, tmp_path / "nothing")


def test_main_reads_env(serve_module: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any) -> None:
    monkeypatch.setenv("PROA_WEB_PORT", "0")
    assert serve_module.main(["--dist", str(tmp_path / "missing")]) == 2
    assert "scripts/build_web.sh" in capsys.readouterr().err


def test_frame_protection_by_default(running: Any) -> None:
    """Issue 14, finding 7: the page may only be framed by its own origin."""
    _, headers, _ = get(running() + "/")
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "SAMEORIGIN"


def test_frame_ancestors_configurable(serve_module: ModuleType) -> None:
    headers = serve_module.frame_headers("'self'  https://intranet.example")
    assert headers["Content-Security-Policy"].endswith("frame-ancestors 'self' https://intranet.example")
    assert "X-Frame-Options" not in headers  # it cannot name another origin
    assert serve_module.frame_headers("'none'")["X-Frame-Options"] == "DENY"
    with pytest.raises(ValueError):
        serve_module.frame_headers("'self'; script-src *")


def test_source_maps_are_never_served(running: Any, fake_dist: Path) -> None:
    """Issue 14, finding 7: no source maps, even if a development build left one."""
    (fake_dist / "app.js.map").write_text('{"version": 3, "sources": ["main.ts"]}')
    with pytest.raises(urllib.error.HTTPError) as error:
        get(running() + "/app.js.map")
    assert error.value.code == 404


def test_production_build_has_no_source_maps() -> None:
    """The widget's build script turns source maps off unless asked for."""
    build = (Path(__file__).resolve().parents[2] / "web" / "build.mjs").read_text(encoding="utf-8")
    assert 'sourcemap: process.env.PROA_WEB_SOURCEMAP === "1" ? "linked" : false' in build
    dist = Path(__file__).resolve().parents[2] / "web" / "dist"
    if (dist / ".build-stamp").exists() and (dist / ".build-stamp").stat().st_mtime >= (
        dist.parent / "build.mjs"
    ).stat().st_mtime:
        assert not list(dist.glob("*.map")), "web/dist holds source maps"
