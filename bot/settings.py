"""The settings read from the environment: every ``PROA_*`` variable the Python code reads
goes through :class:`Settings` (type, default, what it does, who reads it).

``Settings.from_env()`` reads them all (or from a mapping, in tests); the modules take
what they need when they used to read the variable: at import for the limits of the
servers, at each call for the knowledge folder or the date. A value that cannot be read
(a number that is not one, or not positive) gives the default, as before; a strict
setting (``PROA_RETENTION_DAYS``) gives :class:`Unreadable` instead, which its reader
refuses. The table of docs/settings.md is generated from this class (``python -m
bot.settings``) and a test checks that it is up to date.

Not here: the variables that Rasa or the shell scripts read from the YAML files and
``scripts/run.sh``.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

#: The repository's knowledge folder (the default of ``PROA_KNOWLEDGE_DIR``).
REPO_KNOWLEDGE_DIR = Path(__file__).resolve().parents[1] / "knowledge"
#: The session secret file of the socket.io channel, relative to the working directory.
DEFAULT_SECRET_FILE = ".proa_session_secret"


@dataclass(frozen=True)
class Unreadable:
    """The raw text of a variable that a strict setting could not read: its reader
    refuses it with a message (a lenient setting gives its default instead)."""

    raw: str


# --------------------------------------------------------------------------- parsers
# Each takes the raw value (None when the variable is unset) and the default.


def _positive_int(raw: str | None, default: Any) -> Any:
    try:
        value = int(raw if raw is not None else default)
    except ValueError:
        return default
    return value if value > 0 else default


def _positive_number(raw: str | None, default: Any) -> Any:
    try:
        value = float(raw if raw is not None else default)
    except ValueError:
        return default
    return value if value > 0 else default


def _whole_positive_number(raw: str | None, default: Any) -> Any:
    """A positive number, whole part (``1000.5`` is 1000)."""
    return int(_positive_number(raw, default))


def _path(raw: str | None, default: Any) -> Any:
    return Path(raw) if raw is not None else default


def _path_unless_empty(raw: str | None, default: Any) -> Any:
    return Path(raw) if raw else default


def _text_unless_empty(raw: str | None, default: Any) -> Any:
    return raw if raw else default


def _text(raw: str | None, default: Any) -> Any:
    """The value as set, even empty."""
    return raw if raw is not None else default


def _port(raw: str | None, default: Any) -> Any:
    """A TCP port: 0 (any free port) to 65535; empty: the default."""
    try:
        value = int(raw) if raw else default
    except ValueError:
        return default
    return value if 0 <= value <= 65535 else default


def _not_zero(raw: str | None, default: Any) -> Any:
    return raw != "0" if raw is not None else default


def _items(raw: str | None, default: Any) -> Any:
    return tuple(item.strip() for item in (raw or "").split(",") if item.strip()) or default


def _integer_or_unreadable(raw: str | None, default: Any) -> Any:
    """A whole number (any sign: its reader checks the range), or :class:`Unreadable`."""
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        return Unreadable(raw)


def _iso_date(raw: str | None, default: Any) -> Any:
    try:
        return date.fromisoformat(raw.strip()) if raw and raw.strip() else default
    except ValueError:
        return default


def setting(
    env: str, default: Any, doc: str, read_by: str, parse: Callable[[str | None, Any], Any], shown: str | None = None
) -> Any:
    """A field of :class:`Settings` read from ``env`` with ``parse`` (``shown``: the
    default as the docs show it, when its value depends on the machine)."""
    metadata = {"env": env, "doc": doc, "read_by": read_by, "parse": parse, "shown": shown}
    return field(default=default, metadata=metadata)


_HOME = Path.home()


@dataclass(frozen=True)
class Settings:
    """Every ``PROA_*`` environment variable read by the Python code of the assistant."""

    # -- the core (bot/)
    knowledge_dir: Path = setting(
        "PROA_KNOWLEDGE_DIR",
        REPO_KNOWLEDGE_DIR,
        "the knowledge folder (the repository's `knowledge/`)",
        "bot/knowledge/loader.py",
        _path,
        "`knowledge/` of the repository",
    )
    index_cache: Path = setting(
        "PROA_INDEX_CACHE",
        _HOME / ".cache" / "proa-index",
        "folder of the core's index cache (matchers, lemma tables); `off`: no cache, the index is built at start",
        "bot/index_cache.py, bot/service.py",
        _path,
        "`~/.cache/proa-index`",
    )
    npm_cache: Path = setting(
        "PROA_NPM_CACHE",
        _HOME / ".cache" / "proa-npm",
        "folder of the npm tarballs of the legal data and the files extracted from them (`bot knowledge refresh`)",
        "tools/knowledge_sync/npm.py, bot/cli.py",
        _path,
        "`~/.cache/proa-npm`",
    )
    # -- the action server (actions/)
    today: date | None = setting(
        "PROA_TODAY",
        None,
        "the date answers are computed for (`YYYY-MM-DD`); unset or unreadable: the real date",
        "actions/profile_slots.py",
        _iso_date,
    )
    warmup: bool = setting(
        "PROA_WARMUP",
        True,
        "`0`: the action server does not build the métier matchers before it listens",
        "actions/__init__.py",
        _not_zero,
    )
    metrics: bool = setting(
        "PROA_METRICS", True, "`0`: no `GET /metrics` on the action server", "actions/metrics.py", _not_zero
    )
    metrics_allow: tuple[str, ...] = setting(
        "PROA_METRICS_ALLOW",
        (),
        "networks besides loopback allowed to read `/metrics`, comma-separated (`10.0.0.0/8`)",
        "actions/metrics.py",
        _items,
    )
    # -- both servers (servers/, channels/)
    max_request_bytes: int = setting(
        "PROA_MAX_REQUEST_BYTES",
        1024 * 1024,
        "largest body of a channel webhook on `rasa run` (`/webhooks/…`, `/socket.io/`), in bytes",
        "servers/http_guard.py",
        _positive_int,
    )
    action_max_body_bytes: int = setting(
        "PROA_ACTION_MAX_BODY_BYTES",
        16 * 1024 * 1024,
        "largest body of an action server request, in bytes, also after decompression",
        "servers/http_guard.py",
        _positive_int,
    )
    max_body_bytes: int = setting(
        "PROA_MAX_BODY_BYTES",
        256 * 1024,
        "largest REST request body, in bytes",
        "channels/rest_request.py",
        _whole_positive_number,
    )
    max_message_chars: int = setting(
        "PROA_MAX_MESSAGE_CHARS",
        1000,
        "longest user message passed to the model, in characters (longer ones are cut)",
        "channels/message_text.py",
        _whole_positive_number,
    )
    action_timeout: float = setting(
        "PROA_ACTION_TIMEOUT",
        10.0,
        "seconds after which `rasa run` gives up a call to the action server",
        "channels/guarded.py",
        _positive_number,
    )
    max_json_depth: int = setting(
        "PROA_MAX_JSON_DEPTH",
        8,
        "deepest JSON nesting accepted in a request body or socket.io event",
        "channels/input_checks.py",
        _positive_int,
    )
    max_metadata_bytes: int = setting(
        "PROA_MAX_METADATA_BYTES",
        2048,
        "largest `metadata` of a message, in bytes of compact JSON",
        "channels/input_checks.py",
        _positive_int,
    )
    teams_connect_timeout: int = setting(
        "PROA_TEAMS_CONNECT_TIMEOUT",
        5,
        "seconds to connect to a Microsoft endpoint (Teams: signing keys, access token, answers)",
        "channels/botframework_checked.py",
        _positive_int,
    )
    teams_read_timeout: int = setting(
        "PROA_TEAMS_READ_TIMEOUT",
        10,
        "seconds to wait for a Microsoft endpoint's answer once connected",
        "channels/botframework_checked.py",
        _positive_int,
    )
    session_secret: str | None = setting(
        "PROA_SESSION_SECRET",
        None,
        "the secret that signs the web chat's session ids (else the secret file)",
        "channels/session_ids.py",
        _text_unless_empty,
    )
    session_secret_file: Path = setting(
        "PROA_SESSION_SECRET_FILE",
        Path(DEFAULT_SECRET_FILE),
        "the file of that secret, created (mode 0600) when missing",
        "channels/session_ids.py",
        _path_unless_empty,
    )
    # -- the chat page server (web/serve.py; its command-line options win)
    web_host: str = setting(
        "PROA_WEB_HOST",
        "127.0.0.1",
        "address the chat page server binds (`0.0.0.0` only behind a reverse proxy or on a trusted network)",
        "web/serve.py",
        _text,
    )
    web_port: int = setting(
        "PROA_WEB_PORT", 8080, "port of the chat page server (`0`: any free port)", "web/serve.py", _port
    )
    socket_url: str | None = setting(
        "PROA_SOCKET_URL",
        None,
        "base URL of Rasa's socket.io channel (http(s) or ws(s)), written into `config.js`; unset: the page's host, port 5005",
        "web/serve.py",
        _text_unless_empty,
    )
    socket_path: str | None = setting(
        "PROA_SOCKET_PATH",
        None,
        "socket.io path on that server, written into `config.js`; unset: the page's (`/socket.io/`)",
        "web/serve.py",
        _text_unless_empty,
    )
    frame_ancestors: str | None = setting(
        "PROA_FRAME_ANCESTORS",
        None,
        "who may show the chat page in a frame, a CSP `frame-ancestors` source list; unset: `'self'`",
        "web/serve.py",
        _text_unless_empty,
    )
    endpoints: Path = setting(
        "PROA_ENDPOINTS",
        Path("endpoints.yml"),
        "the Rasa endpoints file whose `tracker_store` the review page `/revue` reads (`scripts/run.sh` passes it to `rasa run`)",
        "web/serve.py",
        _path_unless_empty,
    )
    auth_token: str | None = setting(
        "PROA_AUTH_TOKEN",
        None,
        "the token of the review page `/revue`, which stays off without one of 16 characters or more (`scripts/run.sh` also turns Rasa's HTTP API on with it)",
        "web/serve.py",
        _text_unless_empty,
    )
    review_allow: tuple[str, ...] = setting(
        "PROA_REVIEW_ALLOW",
        (),
        "networks besides loopback allowed to read the review page `/revue`, comma-separated (`10.0.0.0/8,192.168.1.5`)",
        "web/serve.py",
        _items,
    )
    # -- the tools beside the assistant (scripts/)
    retention_days: int | Unreadable = setting(
        "PROA_RETENTION_DAYS",
        30,
        "days a conversation is kept by the purge script (its `--days` wins); not a whole number of 1 or more: the script stops (exit 2)",
        "scripts/purge_conversations.py",
        _integer_or_unreadable,
    )

    @property
    def index_cache_off(self) -> bool:
        """``PROA_INDEX_CACHE=off``."""
        return str(self.index_cache) == "off"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings of ``env`` (the process environment by default)."""
        values = os.environ if env is None else env
        read = {}
        for item in dataclasses.fields(cls):
            parse = item.metadata["parse"]
            read[item.name] = parse(values.get(item.metadata["env"]), item.default)
        return cls(**read)


def npm_cache_dir() -> Path:
    """``PROA_NPM_CACHE``: see :attr:`Settings.npm_cache`."""
    return Settings.from_env().npm_cache


# --------------------------------------------------------------------------- docs


def _shown_default(item: dataclasses.Field[Any]) -> str:
    if item.metadata["shown"]:
        return str(item.metadata["shown"])
    default = item.default
    if default is None:
        return "unset"
    if isinstance(default, bool):
        return "on" if default else "off"
    if isinstance(default, tuple):
        return ", ".join(default) or "none"
    if isinstance(default, float) and default.is_integer():
        default = int(default)
    return f"`{default}`"


def markdown_table() -> str:
    """The table of docs/settings.md: one row per variable."""
    rows = [
        "| variable | type | default | what it does | read by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for item in dataclasses.fields(Settings):
        meta = item.metadata
        kind = str(item.type).replace(" | ", " or ")  # a table cell holds no bare |
        rows.append(f"| `{meta['env']}` | {kind} | {_shown_default(item)} | {meta['doc']} | {meta['read_by']} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown_table())
