"""Rasa's SQL tracker store as SQLAlchemy sees it, from an endpoints file's
``tracker_store`` section: shared by ``bot review`` (bot/review.py) and the retention and
erasure script (scripts/purge_conversations.py), so that both open the same database Rasa
writes to."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

_ENV_VAR = re.compile(r"\$\{([^}]+)\}")


def expand_env(value: Any, error: type[Exception]) -> Any:
    """``${VAR}`` replaced by the environment variable, as Rasa reads endpoints files;
    ``error`` (the caller's exception type) is raised for a variable that is not set."""
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise error(f"environment variable not set: {name}")
            return os.environ[name]

        return _ENV_VAR.sub(replace, value)
    if isinstance(value, dict):
        return {key: expand_env(item, error) for key, item in value.items()}
    if isinstance(value, list):
        return [expand_env(item, error) for item in value]
    return value


def store_url(store: dict[str, Any], base_dir: Path) -> sa.engine.URL:
    """The URL of a ``tracker_store`` section, built the way Rasa's
    ``SQLTrackerStore.get_db_url`` does (a relative SQLite file is under ``base_dir``)."""
    dialect = str(store.get("dialect", "sqlite"))
    host = store.get("url")
    if host and "://" in str(host):
        return sa.engine.make_url(str(host))
    db = str(store.get("db", "rasa.db"))
    if dialect.startswith("sqlite"):
        if db != ":memory:" and not Path(db).is_absolute():
            db = str(base_dir / db)
        return sa.engine.URL.create(dialect, database=db)
    port: Any = store.get("port")
    return sa.engine.URL.create(
        dialect,
        username=store.get("username"),
        password=store.get("password"),
        host=host,
        port=None if port in (None, "") else int(port),
        database=db,
        query=store.get("query") or {},
    )
