#!/usr/bin/env python3
"""Delete stored conversations from Rasa's SQL tracker store (retention, right to erasure).

Works on the ``events`` table of Rasa's ``SQLTrackerStore`` (one row per event, with
``sender_id`` and ``timestamp``), on SQLite and PostgreSQL, through SQLAlchemy.

Retention (default): with ``--days N`` (default: ``PROA_RETENTION_DAYS``, else 30)

- a conversation whose last event is older than N days is deleted entirely;
- in a conversation still in use, the events of its earlier sessions (before its latest
  ``session_started`` event) that are older than N days are deleted too. The current
  session is never touched, so Rasa's view of an active conversation does not change.

Erasure: ``--sender ID`` deletes every event of that conversation, whatever its age.

Each conversation is deleted while holding its lock in the ``lock_store`` of the
endpoints file, the one Rasa uses (``stores.sqlite_lock_store.SQLiteLockStore`` by
default, Redis when scaled out): a message of that conversation being processed is
let finish first, and the next one waits, so no message in flight can write the
erased events back. Without a shared lock store (Rasa's in-memory default, or
``--db-url``) the script warns that it cannot wait for messages in flight.

The database is the ``tracker_store`` of an endpoints file (``--endpoints``, default
``endpoints.yml``; ``${VAR}`` expanded from the environment like Rasa does, a relative
SQLite path taken from the current folder like ``rasa run``), or ``--db-url`` (an
SQLAlchemy URL). ``--dry-run`` only counts. Run it daily, e.g. from cron::

    15 3 * * *  cd /srv/proa && .venv/bin/python scripts/purge_conversations.py

Exit status: 0 done, 2 bad arguments or configuration, 3 a conversation's lock could
not be taken (nothing deleted for it).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from bot.settings import Settings, Unreadable
from bot.tracker_db import expand_env, store_url

REPO = Path(__file__).resolve().parents[1]
SQL_TYPES = ("sql", "rasa.core.tracker_store.sqltrackerstore", "stores.sql_tracker_store.checkedsqltrackerstore")


class ConfigError(Exception):
    """The endpoints file or the arguments do not describe an SQL tracker store."""


def retention_days(value: int | None = None) -> int:
    """``value``, else ``PROA_RETENTION_DAYS``, else 30."""
    if value is not None:
        days = value
    else:
        setting = Settings.from_env().retention_days
        if isinstance(setting, Unreadable):
            raise ConfigError(f"PROA_RETENTION_DAYS n'est pas un nombre entier : {setting.raw!r}")
        days = setting
    if days < 1:
        raise ConfigError("la durée de conservation doit être d'au moins 1 jour")
    return days


def url_from_endpoints(path: Path, base_dir: Path | None = None) -> sa.engine.URL:
    """The SQLAlchemy URL of the ``tracker_store`` of a Rasa endpoints file."""
    if not path.is_file():
        raise ConfigError(f"fichier introuvable : {path}")
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    store = expand_env(config.get("tracker_store") or {}, ConfigError)
    if str(store.get("type", "")).lower() not in SQL_TYPES:
        raise ConfigError(f"{path} : le tracker_store n'est pas de type SQL")
    return store_url(store, base_dir or Path.cwd())


def lock_store_from_endpoints(path: Path, base_dir: Path | None = None) -> Any:
    """The lock store Rasa uses with this endpoints file (an object with Rasa's
    ``LockStore.lock``), or None when it is Rasa's in-memory one (private to ``rasa run``)."""
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    store = expand_env(config.get("lock_store") or {}, ConfigError)
    kind = str(store.get("type", "in_memory"))
    if kind.lower() in ("in_memory", "inmemory", ""):
        return None
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    if kind == "stores.sqlite_lock_store.SQLiteLockStore":
        from stores.sqlite_lock_store import DEFAULT_DB, SQLiteLockStore

        db = Path(str(store.get("db") or DEFAULT_DB))
        return SQLiteLockStore(db=str(db if db.is_absolute() else (base_dir or Path.cwd()) / db))
    if kind in ("redis", "stores.redis_lock_store.AtomicRedisLockStore"):
        from stores.redis_lock_store import AtomicRedisLockStore

        keys = ("port", "db", "password", "use_ssl", "key_prefix", "socket_timeout")
        options = {key: store[key] for key in keys if store.get(key) not in (None, "")}
        if "port" in options:
            options["port"] = int(options["port"])
        return AtomicRedisLockStore(host=store.get("url") or "localhost", **options)
    raise ConfigError(f"{path} : lock_store de type inconnu pour ce script : {kind}")


def locked(lock_store: Any, sender: str, action: Callable[[], Any]) -> Any:
    """Run ``action`` while holding ``sender``'s conversation lock (Rasa's ticket
    order: the message being processed finishes first, the next one waits)."""
    if lock_store is None:
        return action()

    async def run() -> Any:
        async with lock_store.lock(sender, wait_time_in_seconds=0.2):
            return action()

    return asyncio.run(run())


def _has_events_table(engine: sa.engine.Engine) -> bool:
    return sa.inspect(engine).has_table("events")


def purge(
    engine: sa.engine.Engine,
    days: int | None = None,
    sender: str | None = None,
    now: float | None = None,
    dry_run: bool = False,
    lock_store: Any = None,
) -> dict[str, int]:
    """Delete expired conversations (or one sender's); returns counts of what was
    (or, with ``dry_run``, would be) deleted: ``conversations`` and ``events``.

    A whole conversation is deleted under its lock in ``lock_store`` (see
    :func:`locked`); raises Rasa's ``LockError`` when the lock cannot be taken."""
    if not _has_events_table(engine):
        return {"conversations": 0, "events": 0}
    if sender is not None:
        return locked(lock_store, sender, lambda: _erase(engine, sender, dry_run))
    cutoff = (time.time() if now is None else now) - retention_days(days) * 86400
    expired_senders: list[str] = []
    if lock_store is not None and not dry_run:
        with engine.connect() as connection:
            expired_senders = list(
                connection.execute(
                    sa.text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
                    {"cutoff": cutoff},
                ).scalars()
            )
    counts = {"conversations": 0, "events": 0}
    for expired in expired_senders:
        # Checked again under the lock: a message may have arrived meanwhile.
        erased = locked(lock_store, expired, lambda expired=expired: _erase(engine, expired, dry_run, cutoff))
        counts = {key: counts[key] + erased[key] for key in counts}
    rest = _retention(engine, cutoff, dry_run)
    return {key: counts[key] + rest[key] for key in counts}


def _erase(engine: sa.engine.Engine, sender: str, dry_run: bool, cutoff: float | None = None) -> dict[str, int]:
    """Delete (or count) every event of ``sender`` (only if it is all older than
    ``cutoff``, when given)."""
    with engine.begin() as connection:
        params: dict[str, Any] = {"sender": sender}
        if cutoff is not None:
            params["cutoff"] = cutoff
            latest = connection.execute(
                sa.text("SELECT MAX(timestamp) FROM events WHERE sender_id = :sender"), params
            ).scalar_one()
            if latest is None or latest >= cutoff:
                return {"conversations": 0, "events": 0}
        count = connection.execute(
            sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :sender"), params
        ).scalar_one()
        if not dry_run:
            connection.execute(sa.text("DELETE FROM events WHERE sender_id = :sender"), params)
        return {"conversations": 1 if count else 0, "events": count}


def _retention(engine: sa.engine.Engine, cutoff: float, dry_run: bool) -> dict[str, int]:
    """Expired conversations not deleted yet (all of them without a lock store) and
    the earlier sessions of conversations still in use."""
    with engine.begin() as connection:
        params = {"cutoff": cutoff}
        expired = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
        conversations = connection.execute(sa.text(f"SELECT COUNT(*) FROM ({expired}) AS expired"), params).scalar_one()
        whole = connection.execute(
            sa.text(f"SELECT COUNT(*) FROM events WHERE sender_id IN ({expired})"), params
        ).scalar_one()
        # Earlier sessions of conversations still in use.
        old_sessions = (
            f"FROM events WHERE sender_id NOT IN ({expired}) AND timestamp < :cutoff AND timestamp < ("
            " SELECT MAX(latest.timestamp) FROM events AS latest"
            " WHERE latest.sender_id = events.sender_id AND latest.type_name = 'session_started')"
        )
        partial = connection.execute(sa.text(f"SELECT COUNT(*) {old_sessions}"), params).scalar_one()
        if not dry_run:
            connection.execute(sa.text(f"DELETE FROM events WHERE sender_id IN ({expired})"), params)
            connection.execute(sa.text(f"DELETE {old_sessions}"), params)
        return {"conversations": conversations, "events": whole + partial}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Supprime les conversations enregistrées (durée de conservation, ou un interlocuteur)."
    )
    parser.add_argument(
        "--days", type=int, help="durée de conservation en jours (défaut : PROA_RETENTION_DAYS, sinon 30)"
    )
    parser.add_argument("--sender", help="supprime toute la conversation de cet identifiant")
    parser.add_argument(
        "--endpoints",
        type=Path,
        default=Path("endpoints.yml"),
        help="fichier endpoints de Rasa (défaut : endpoints.yml)",
    )
    parser.add_argument("--db-url", help="URL SQLAlchemy de la base (remplace --endpoints)")
    parser.add_argument("--dry-run", action="store_true", help="compte sans rien supprimer")
    args = parser.parse_args(argv)

    try:
        url = sa.engine.make_url(args.db_url) if args.db_url else url_from_endpoints(args.endpoints)
        lock_store = None if args.db_url else lock_store_from_endpoints(args.endpoints)
        if lock_store is None and not args.dry_run:
            print(
                "purge_conversations : attention, pas de verrou partagé avec Rasa (lock_store) : "
                "un message en cours de traitement pourrait réécrire des événements supprimés.",
                file=sys.stderr,
            )
        if (
            url.get_backend_name() == "sqlite"
            and url.database not in (None, "", ":memory:")
            and not Path(url.database).exists()
        ):
            raise ConfigError(f"base SQLite introuvable : {url.database}")
        days = None if args.sender is not None else retention_days(args.days)
        engine = sa.create_engine(url)
        try:
            counts = purge(engine, days=days, sender=args.sender, dry_run=args.dry_run, lock_store=lock_store)
        finally:
            engine.dispose()
    except ConfigError as error:
        print(f"purge_conversations : {error}", file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as error:
        print(
            f"purge_conversations : erreur de base de données ({type(error).__name__}) : {error.orig if hasattr(error, 'orig') else error}",
            file=sys.stderr,
        )
        return 2
    except Exception as error:
        if type(error).__name__ != "LockError":
            raise
        print(f"purge_conversations : verrou de la conversation indisponible, rien supprimé ({error})", file=sys.stderr)
        return 3

    verb = "à supprimer" if args.dry_run else "supprimés"
    scope = f"interlocuteur {args.sender!r}" if args.sender is not None else f"plus de {days} jours"
    print(f"{scope} : {counts['conversations']} conversation(s), {counts['events']} événement(s) {verb}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
