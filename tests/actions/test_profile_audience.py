"""The profile speaks to an adviser on the advisers' channels and when the message speaks
of a worker; to the worker otherwise (rasa_sdk's real ``Tracker``)."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.profile_slots import profile_from_tracker


def tracker(channel: str, text: str) -> Tracker:
    events = [{"event": "user", "text": text, "input_channel": channel, "parse_data": {"intent": {"name": "x"}}}]
    return Tracker(
        "someone",
        {},
        {"text": text, "intent": {"name": "ask_eligibility"}, "entities": []},
        events,
        False,
        None,
        {},
        "action_listen",
    )


@pytest.mark.parametrize(
    "channel, text, audience",
    [
        ("slack", "je voudrais me former", "adviser"),
        ("botframework", "je voudrais me former", "adviser"),
        ("rest", "mon intérimaire voudrait se former", "adviser"),
        ("socketio", "un salarié que j'accompagne veut changer de métier", "adviser"),
        ("socketio", "je voudrais me former", "worker"),
        ("rest", "je suis intérimaire en CDI", "worker"),
    ],
)
def test_who_the_answer_speaks_to(channel, text, audience):
    assert profile_from_tracker(tracker(channel, text)).audience == audience
