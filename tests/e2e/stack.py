"""Start and stop the real assistant (action server + ``rasa run``) for end-to-end tests.

Used by the end-to-end tests, the persistence tests and the load benchmark, so that all
of them exercise the same processes the README's run command starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
MODEL = REPO / "models" / "proa.tar.gz"
#: The production logging set-up (no user text in the logs); passed like scripts/run.sh.
LOGGING_CONFIG = REPO / "logging.yml"


def require_model() -> None:
    """Fail (not skip) when the model is missing: the tests need scripts/train.sh first."""
    import pytest

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run scripts/train.sh first", pytrace=False)


def _logging_args() -> list[str]:
    return ["--logging-config-file", str(LOGGING_CONFIG)] if LOGGING_CONFIG.exists() else []


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 180.0, process: subprocess.Popen | None = None) -> None:
    """Wait until ``url`` answers (any HTTP status), or fail with the process' log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class ActionServer:
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    env: dict[str, str] = field(default_factory=dict)

    def start(self, env: dict[str, str] | None = None) -> ActionServer:
        if env is not None:
            self.env = dict(env)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "rasa"),
                "run",
                "actions",
                "--port",
                str(self.port),
                "--actions",
                "actions",
                *_logging_args(),
            ],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
        )
        wait_http(f"http://127.0.0.1:{self.port}/health", process=self.process)
        return self

    def stop(self) -> None:
        _stop(self.process)

    def restart(self) -> ActionServer:
        """Stop and start again on the same port, with the same environment."""
        self.stop()
        return self.start()


@dataclass
class RasaServer:
    """``rasa run`` with the REST channel, on a free port, with its own endpoints file."""

    workdir: Path
    action_url: str
    tracker_store: dict[str, object] = field(default_factory=dict)
    lock_store: dict[str, object] | None = None
    credentials: Path | None = None
    extra_args: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    #: An endpoints file to use as is (e.g. endpoints.scale.yml with ``env``) instead of
    #: the one written from ``action_url``, ``tracker_store`` and ``lock_store``.
    endpoints: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    #: Token of Rasa's HTTP API (``--auth-token``, like ``PROA_AUTH_TOKEN`` in
    #: scripts/run.sh); the helpers below send it. None: API without token.
    auth_token: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api_url(self, path: str) -> str:
        """``url + path`` with the API token when there is one."""
        if not self.auth_token:
            return f"{self.url}{path}"
        separator = "&" if "?" in path else "?"
        return f"{self.url}{path}{separator}token={urllib.parse.quote(self.auth_token)}"

    @property
    def log_path(self) -> Path:
        """stdout and stderr of ``rasa run`` (appended to over restarts)."""
        return self.workdir / f"rasa-{self.port}.log"

    def endpoints_file(self) -> Path:
        if self.endpoints is not None:
            return self.endpoints
        store = self.tracker_store or {"type": "SQL", "dialect": "sqlite", "db": str(self.workdir / "trackers.db")}
        endpoints = {"action_endpoint": {"url": self.action_url}, "tracker_store": store}
        if self.lock_store:
            endpoints["lock_store"] = self.lock_store
        path = self.workdir / f"endpoints-{self.port}.yml"
        path.write_text(json.dumps(endpoints), encoding="utf-8")  # JSON is valid YAML
        return path

    def start(self, env: dict[str, str] | None = None, timeout: float = 240.0) -> RasaServer:
        if env is not None:
            self.env = dict(env)
        self.workdir.mkdir(parents=True, exist_ok=True)
        # Like scripts/run.sh: PROA_CREDENTIALS picks another credentials file.
        credentials = self.credentials or Path(os.environ.get("PROA_CREDENTIALS") or REPO / "credentials.yml")
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "rasa"),
                "run",
                "--model",
                str(MODEL),
                "--port",
                str(self.port),
                "--interface",
                "127.0.0.1",
                "--endpoints",
                str(self.endpoints_file()),
                "--credentials",
                str(credentials),
                "--enable-api",
                *(["--auth-token", self.auth_token] if self.auth_token else []),
                *_logging_args(),
                *self.extra_args,
            ],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", **self.env},
        )
        wait_http(f"{self.url}/", timeout=timeout, process=self.process)
        # "/" answers before the model is loaded: wait for /status to report it.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.api_url("/status"), timeout=5) as response:
                    if json.load(response).get("model_file"):
                        return self
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.5)
        raise TimeoutError("the model was not loaded in time")

    def stop(self) -> None:
        _stop(self.process)

    def restart(self, timeout: float = 240.0) -> RasaServer:
        """Stop and start again on the same port, endpoints and environment."""
        self.stop()
        return self.start(timeout=timeout)

    def say(self, sender: str, message: str, timeout: float = 30.0) -> list[dict[str, object]]:
        """Send one message through the REST channel; returns the bot messages."""
        body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)

    def post(
        self, path: str, body: bytes, content_type: str | None = "application/json", timeout: float = 60.0
    ) -> tuple[int, object]:
        """POST raw bytes; returns the HTTP status and the JSON body (or the text)."""
        headers = {"Content-Type": content_type} if content_type else {}
        request = urllib.request.Request(f"{self.url}{path}", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw.decode("utf-8"))
        except ValueError:
            return status, raw.decode("utf-8", errors="replace")

    def tracker(self, sender: str, timeout: float = 30.0) -> dict[str, object]:
        """The conversation's tracker through the HTTP API (``--enable-api``)."""
        url = self.api_url(f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker")
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.load(response)

    def peak_rss_kib(self) -> int:
        """Peak resident memory (VmHWM, KiB) of ``rasa run`` plus its child processes."""
        return peak_rss_kib(self.process.pid) if self.process else 0


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            children += [int(child) for child in (task / "children").read_text().split()]
    return children


def peak_rss_kib(pid: int) -> int:
    """Sum of VmHWM over a process and its descendants (Linux /proc), in KiB."""
    total, pending, seen = 0, [pid], set()
    while pending and len(seen) < 1000:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        pending += _children(current)
    return total


class ServicesUnavailable(RuntimeError):
    """PostgreSQL or Redis could not be installed or started."""


@dataclass
class Services:
    """PostgreSQL (tracker store) and Redis (lock store) on loopback, started by
    scripts/start_services.sh in ``directory`` and removed by scripts/stop_services.sh."""

    directory: Path
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    settings: dict[str, str] = field(default_factory=dict)

    def start(self, timeout: float = 900.0) -> Services:
        env = {**os.environ, "PROA_PG_PORT": str(self.pg_port), "PROA_REDIS_PORT": str(self.redis_port)}
        try:
            result = subprocess.run(
                ["bash", str(REPO / "scripts/start_services.sh"), str(self.directory)],
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as error:
            raise ServicesUnavailable(f"start_services.sh did not finish in {timeout:.0f} s") from error
        if result.returncode != 0:
            raise ServicesUnavailable(f"start_services.sh failed: {result.stderr.strip()[-2000:]}")
        for line in result.stdout.splitlines():
            if line.startswith("export ") and "=" in line:
                key, value = line[len("export ") :].split("=", 1)
                self.settings[key] = value
        return self

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(REPO / "scripts/stop_services.sh"), str(self.directory)],
            capture_output=True,
            text=True,
            timeout=120,
        )

    @property
    def postgres_url(self) -> str:
        return self.settings["PROA_POSTGRES_URL"]

    @classmethod
    def for_tests(cls) -> Services:
        """Start services in a new folder under /tmp (reachable by the postgres user).

        Under CI (``CI=true``) services that cannot start fail the test; elsewhere the
        test is skipped (it needs root to install the Debian packages).
        """
        import pytest

        services = cls(directory=Path(tempfile.mkdtemp(prefix="proa-services-")))
        try:
            return services.start()
        except ServicesUnavailable as error:
            services.stop()
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(f"PostgreSQL/Redis unavailable under CI: {error}", pytrace=False)
            pytest.skip(f"PostgreSQL/Redis unavailable: {error}")

    def scale_env(self, action_url: str) -> dict[str, str]:
        """The environment endpoints.scale.yml reads."""
        keys = ("DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "DB_NAME", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD")
        return {**{key: self.settings[key] for key in keys}, "PROA_ACTION_URL": action_url}


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
