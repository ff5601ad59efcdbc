"""Two ``rasa run`` instances share one conversation: PostgreSQL tracker store + Redis
lock store (endpoints.scale.yml), one action server, as in docs/operations.md.

A conversation alternating between the instances must stay consistent: slots set on A
are used on B, both see the same events, no event is lost or duplicated, even when the
messages of one conversation arrive on both instances at the same time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import sqlalchemy as sa

from tests.e2e.stack import REPO, ActionServer, RasaServer, Services, require_model
from tests.e2e.talk import BUSY_TEXT, effective_events, event_keys, fold, joined, looks_french, user_texts

pytestmark = [pytest.mark.e2e, pytest.mark.services]


@pytest.fixture(scope="module")
def instances(
    services: Services, action_server: ActionServer, tmp_path_factory
) -> Iterator[tuple[RasaServer, RasaServer]]:
    require_model()
    env = services.scale_env(action_server.url)
    servers = [
        RasaServer(
            workdir=tmp_path_factory.mktemp(f"scale-{name}"),
            action_url=action_server.url,
            endpoints=REPO / "endpoints.scale.yml",
        )
        for name in ("a", "b")
    ]
    try:
        for server in servers:  # one after the other: both create the tables
            server.start(env=env)
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()


def _redis(services: Services) -> redis.Redis:
    return redis.Redis(host=services.settings["REDIS_HOST"], port=int(services.settings["REDIS_PORT"]))


def _stored_events(services: Services, sender: str) -> int:
    engine = sa.create_engine(services.postgres_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": sender}
            ).scalar_one()
    finally:
        engine.dispose()


def test_alternating_instances_share_the_conversation(instances, services):
    a, b = instances
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    commands_before = _redis(services).info("stats")["total_commands_processed"]

    first = joined(a.say(sender, "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?"))
    assert looks_french(first) and BUSY_TEXT not in first, first
    on_b = b.tracker(sender)
    assert on_b["slots"]["metier"] == "cariste"
    assert on_b["slots"]["contract"] == "cdi_interimaire"
    assert event_keys(on_b) == event_keys(a.tracker(sender))

    # B answers with the métier given on A.
    second = joined(b.say(sender, "Quelles certifications sont possibles ?"))
    assert "quel est votre metier" not in fold(second), second
    assert "cariste" in fold(second), second

    third = joined(a.say(sender, "Merci beaucoup"))
    assert looks_french(third), third

    tracker_a, tracker_b = a.tracker(sender), b.tracker(sender)
    assert event_keys(tracker_a) == event_keys(tracker_b)
    assert user_texts(tracker_a) == [
        "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?",
        "Quelles certifications sont possibles ?",
        "Merci beaucoup",
    ]
    assert _stored_events(services, sender) == len(tracker_a["events"])
    # The lock store was used.
    assert _redis(services).info("stats")["total_commands_processed"] > commands_before


def test_concurrent_messages_on_both_instances_are_all_kept(instances, services):
    a, b = instances
    sender = f"scale-conc-{uuid.uuid4().hex[:8]}"
    a.say(sender, "Bonjour")
    messages = [f"Merci {index}" for index in range(8)]

    def send(index: int):
        server = a if index % 2 == 0 else b
        return server.say(sender, messages[index], timeout=120)

    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        answers = list(pool.map(send, range(len(messages))))
    for answer in answers:
        text = joined(answer)
        assert looks_french(text) and BUSY_TEXT not in text, text

    tracker = b.tracker(sender)
    sent = user_texts(tracker)
    assert sent[0] == "Bonjour"
    assert sorted(sent[1:]) == sorted(messages)  # none lost, none twice
    # Each message was fully handled before the next one started (the lock): every
    # user event is followed by the bot's answer before the next user event.
    kinds = [event["event"] for event in effective_events(tracker) if event["event"] in ("user", "bot")]
    for position, kind in enumerate(kinds):
        if kind == "user" and position > 0:
            assert kinds[position - 1] == "bot", kinds
    assert event_keys(tracker) == event_keys(a.tracker(sender))
    assert _stored_events(services, sender) == len(tracker["events"])


def _issue_tickets(settings: dict, conversation: str, count: int) -> list:
    """Issue ``count`` tickets from a separate process, as a Rasa instance would."""
    from stores.redis_lock_store import AtomicRedisLockStore

    store = AtomicRedisLockStore(
        host=settings["REDIS_HOST"], port=int(settings["REDIS_PORT"]), key_prefix="ticketstest"
    )
    return [store.issue_ticket(conversation, lock_lifetime=600) for _ in range(count)]


def test_lock_store_tickets_issued_by_two_processes_are_all_kept(services):
    """The race of Rasa's RedisLockStore (two instances overwriting each other's ticket)
    does not happen with stores.redis_lock_store.AtomicRedisLockStore."""
    import multiprocessing

    from stores.redis_lock_store import AtomicRedisLockStore

    conversation = f"tickets-{uuid.uuid4().hex[:8]}"
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        issued = pool.starmap(_issue_tickets, [(dict(services.settings), conversation, 40)] * 2)
    numbers = issued[0] + issued[1]
    assert len(set(numbers)) == 80  # no ticket number given twice
    store = AtomicRedisLockStore(
        host=services.settings["REDIS_HOST"], port=int(services.settings["REDIS_PORT"]), key_prefix="ticketstest"
    )
    lock = store.get_lock(conversation)
    assert sorted(t.number for t in lock.tickets) == sorted(numbers)  # none overwritten
    store.delete_lock(conversation)
