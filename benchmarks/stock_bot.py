"""The platform's floor: a stock ``rasa init`` bot, built once and started like the assistant.

``ensure_stock_project()`` creates the project of ``rasa init --no-prompt`` (Rasa's own
example: moodbot, default pipeline and policies) and trains it once, with the venv's
``rasa``, into ``~/.cache/proa-bench/stock-<rasa version>`` (``PROA_BENCH_CACHE`` moves
the cache). Later runs reuse it. ``StockServer`` runs ``rasa run`` on it with the REST
channel on a free loopback port and the same kind of tracker store as the assistant
(SQLite by default), so that both bots pay for persistence.

    .venv/bin/python -m benchmarks.stock_bot        # build the cache, print the model path
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.stack import VENV_BIN, free_port, wait_http

#: Six plausible turns for the stock bot's domain (greet, mood, affirm, bot_challenge,
#: goodbye), several paths so that the rules and stories are all exercised.
STOCK_SCENARIOS: list[list[str]] = [
    ["hello there", "I am sad", "yes, that helped", "are you a bot?", "I am feeling great", "goodbye"],
    ["hi", "I am feeling very good", "am I talking to a human?", "hey", "not good, I am unhappy", "bye"],
    ["good morning", "I'm so sad", "no", "are you a human?", "perfect, I am great", "see you later"],
]


def rasa_version() -> str:
    """The venv's Rasa version (names the cache folder)."""
    from importlib.metadata import version

    return version("rasa")


def cache_root() -> Path:
    return Path(os.environ.get("PROA_BENCH_CACHE") or Path.home() / ".cache" / "proa-bench")


def stock_dir() -> Path:
    return cache_root() / f"stock-{rasa_version()}"


def stock_model(project: Path) -> Path | None:
    """The newest trained model of the stock project, if any."""
    models = sorted((project / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def ensure_stock_project(timeout: float = 3600.0) -> Path:
    """The stock project folder, created and trained on the first call (several minutes)."""
    project = stock_dir()
    if (project / "config.yml").exists() and stock_model(project):
        return project
    building = project.with_name(project.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    print(f"==> building the stock bot in {project} (rasa init --no-prompt, trains once)", file=sys.stderr)
    with open(building / "init.log", "wb") as log:
        subprocess.run(
            [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", "."],
            cwd=building,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=True,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
    if not stock_model(building):
        raise RuntimeError(f"rasa init trained no model; see {building / 'init.log'}")
    shutil.rmtree(project, ignore_errors=True)
    building.rename(project)
    return project


@dataclass
class StockServer:
    """``rasa run`` of the stock project, REST channel, on a free port."""

    workdir: Path
    project: Path
    tracker_store: dict[str, object] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 300.0) -> StockServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        store = self.tracker_store or {
            "type": "SQL",
            "dialect": "sqlite",
            "db": str(self.workdir / "stock-trackers.db"),
        }
        endpoints = self.workdir / f"stock-endpoints-{self.port}.yml"
        endpoints.write_text(json.dumps({"tracker_store": store}), encoding="utf-8")
        log = open(self.workdir / f"stock-{self.port}.log", "ab")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "rasa"),
                "run",
                "--model",
                str(stock_model(self.project)),
                "--port",
                str(self.port),
                "--interface",
                "127.0.0.1",
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(self.project / "credentials.yml"),
                "--enable-api",
            ],
            cwd=self.project,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
        wait_http(f"{self.url}/", timeout=timeout, process=self.process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/status", timeout=5) as response:
                    if json.load(response).get("model_file"):
                        return self
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.5)
        raise TimeoutError("the stock model was not loaded in time")

    def stop(self) -> None:
        from tests.e2e.stack import _stop

        _stop(self.process)


if __name__ == "__main__":
    folder = ensure_stock_project()
    print(stock_model(folder))
