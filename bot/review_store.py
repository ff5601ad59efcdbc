"""The tracker store as ``bot review`` reads it: where it is (the ``tracker_store`` of a
Rasa endpoints file) and the few columns of the ``events`` table a review needs.

Part of :mod:`bot.review` (which re-exports every name): the only module of the review
that talks to a database (SQLAlchemy: SQLite by default, PostgreSQL with
``endpoints.scale.yml``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from bot.outcomes import FALLBACK_ACTIONS
from bot.tracker_db import expand_env, store_url

SQL_STORE_TYPES = {"sql", "sqltrackerstore", "stores.sql_tracker_store.checkedsqltrackerstore"}


class ReviewError(Exception):
    """Bad arguments or a store that cannot be read (the message says which): what the
    operator typed is worded by the catalogue (``review``: ``errors``), a store or an
    endpoints file that cannot be read is said in English (a matter of set-up)."""


def url_from_endpoints(path: Path) -> Any:
    """The SQLAlchemy URL of the ``tracker_store`` of a Rasa endpoints file (as Rasa builds it)."""
    if not path.is_file():
        raise ReviewError(f"file not found: {path}")
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    store = expand_env(config.get("tracker_store") or {}, ReviewError)
    if str(store.get("type", "")).lower() not in SQL_STORE_TYPES:
        raise ReviewError(f"{path}: the tracker_store is not an SQL database")
    return store_url(store, path.resolve().parent)


@dataclass(frozen=True)
class StoredEvent:
    """One row of Rasa's ``events`` table."""

    sender: str
    type_name: str
    timestamp: float
    intent: str | None
    action: str | None
    data: Mapping[str, Any]


def read_events(url: Any, since: float, until: float) -> Iterator[StoredEvent]:
    """The events of the period a review needs, per conversation, in order."""
    if isinstance(url, str) and "://" not in url:
        url = sa.engine.URL.create("sqlite", database=url)
    url = sa.engine.make_url(url)
    database = url.database or ""
    if url.drivername.startswith("sqlite") and database not in ("", ":memory:") and not Path(database).is_file():
        raise ReviewError(f"database not found: {database}")
    engine = sa.create_engine(url)
    events = sa.table(
        "events",
        sa.column("id"),
        sa.column("sender_id"),
        sa.column("type_name"),
        sa.column("timestamp"),
        sa.column("intent_name"),
        sa.column("action_name"),
        sa.column("data"),
    )
    c = events.c
    query = (
        sa.select(c.sender_id, c.type_name, c.timestamp, c.intent_name, c.action_name, c.data)
        .where(c.timestamp >= since, c.timestamp < until)
        .where(
            sa.or_(
                c.type_name.in_(("user", "bot")),
                sa.and_(c.type_name == "action", c.action_name.in_(sorted(FALLBACK_ACTIONS))),
            )
        )
        .order_by(c.sender_id, c.id)
    )
    try:
        with engine.connect() as connection:
            for row in connection.execution_options(stream_results=True).execute(query):
                try:
                    data = json.loads(row.data or "{}")
                except ValueError:
                    data = {}
                yield StoredEvent(
                    row.sender_id, row.type_name, float(row.timestamp or 0.0), row.intent_name, row.action_name, data
                )
    except sa.exc.SQLAlchemyError as error:
        raise ReviewError(f"the tracker store cannot be read: {type(error).__name__}") from None
    finally:
        engine.dispose()
