"""Conversations survive a restart of ``rasa run`` (SQL tracker store on SQLite, the
embedded default of endpoints.yml)."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.stack import RasaServer, require_model
from tests.e2e.talk import event_keys, fold, joined, looks_french, user_texts

pytestmark = pytest.mark.e2e


def test_conversation_goes_on_after_a_restart(action_server, tmp_path):
    require_model()
    server = RasaServer(workdir=tmp_path / "rasa", action_url=action_server.url)
    sender = f"persist-{uuid.uuid4().hex[:8]}"
    try:
        server.start()
        first = joined(server.say(sender, "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?"))
        assert looks_french(first), first
        before = server.tracker(sender)
        assert before["slots"]["metier"] == "cariste"
        assert before["slots"]["contract"] == "cdi_interimaire"

        server.restart()
        assert (tmp_path / "rasa" / "trackers.db").exists()

        after = server.tracker(sender)
        assert event_keys(after)[: len(before["events"])] == event_keys(before)
        assert len(after["events"]) == len(before["events"])
        for slot in ("metier", "contract", "metier_id", "last_topic"):
            assert after["slots"][slot] == before["slots"][slot], slot

        # The métier is not repeated: the answer must come from the stored slots.
        answer = joined(server.say(sender, "Quelles certifications sont possibles ?"))
        assert "quel est votre metier" not in fold(answer), answer
        assert "cariste" in fold(answer), answer

        final = server.tracker(sender)
        assert user_texts(final) == [
            "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?",
            "Quelles certifications sont possibles ?",
        ]
    finally:
        server.stop()
