"""Issue 22 end to end, through REST: a conversation with a fallback, a question back and a
refused job appears in ``bot review`` (each outcome, anonymised), and the action server's
``/metrics`` counters move."""

from __future__ import annotations

import re
import urllib.request
import uuid

import pytest
import yaml

from bot.cli import main

pytestmark = pytest.mark.e2e

FALLBACK = "🙂🙂🙂 ??? !!!"
ASKED_BACK = "je travaille comme agent de production, quelles certifications ?"
REFUSED = "je suis boulanger en cdi, quelles certifications ?"
PERSONAL = "écrivez-moi à marie.dupont@example.org ou au 06 12 34 56 78, j'ai 23 ans"


def _metrics(action_server) -> dict[str, float]:
    url = action_server.url.replace("/webhook", "/metrics")
    with urllib.request.urlopen(url, timeout=30) as reply:
        text = reply.read().decode()
    samples = {}
    for line in text.splitlines():
        match = re.match(r"^(proa_answers_total\{[^}]*\}) ([0-9.e+]+)$", line)
        if match:
            samples[match.group(1)] = float(match.group(2))
    return samples


def _moved(before: dict[str, float], after: dict[str, float], outcome: str) -> bool:
    return any(
        value > before.get(key, 0.0)
        for key, value in after.items()
        if f'outcome="{outcome}"' in key and 'channel="rest"' in key
    )


def test_failed_turns_are_reviewed_and_counted(rasa_server, action_server, capsys):
    before = _metrics(action_server)
    sender = f"review-{uuid.uuid4().hex[:8]}"
    for message in (FALLBACK, ASKED_BACK, REFUSED, PERSONAL):
        rasa_server.say(sender, message)

    after = _metrics(action_server)
    for outcome in ("fallback", "asked_back", "refused"):
        assert _moved(before, after, outcome), (outcome, after)

    database = rasa_server.workdir / "trackers.db"
    assert main(["review", "--db-url", str(database), "--since", "1h", "--format", "yaml"]) == 0
    out = capsys.readouterr().out
    for secret in (sender, "marie", "06 12", "23 ans"):
        assert secret not in out, secret
    entries = {entry["message"]: entry for entry in yaml.safe_load(out)}
    assert "fallback" in entries[FALLBACK]["outcomes"], entries
    assert "asked_back" in entries[ASKED_BACK]["outcomes"], entries
    assert "refused" in entries[REFUSED]["outcomes"], entries
