"""servers/turn.py: a turn's failures are values recorded where they happen and read by
whoever opened the turn."""

from __future__ import annotations

import asyncio

from servers import turn


def test_failures_are_recorded_on_the_current_turn_only() -> None:
    turn.record_action_failure()  # outside a turn: nothing to record on, no error
    turn.record_store_failure()
    assert turn.current() is None
    with turn.handling() as first:
        assert turn.current() is first
        turn.record_store_failure()
    with turn.handling() as second:
        turn.record_action_failure()
    assert turn.current() is None
    assert (first.store_failed, first.action_failed) == (True, False)
    assert (second.store_failed, second.action_failed) == (False, True)


def test_tasks_started_in_a_turn_record_on_it_and_turns_do_not_mix() -> None:
    async def message(fails: bool) -> turn.Turn:
        with turn.handling() as current:
            await asyncio.sleep(0)  # the other message runs meanwhile
            if fails:
                # Rasa may run a store call in a task of its own: it copies the context.
                await asyncio.create_task(_store_fails())
            return current

    async def _store_fails() -> None:
        turn.record_store_failure()

    async def both() -> list[turn.Turn]:
        return list(await asyncio.gather(message(True), message(False)))

    failed, fine = asyncio.run(both())
    assert failed.store_failed and not fine.store_failed
