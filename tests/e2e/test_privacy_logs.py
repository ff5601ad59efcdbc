"""No user text in the logs of ``rasa run`` and of the action server.

The servers run like scripts/run.sh (``--logging-config-file logging.yml``, default
level). Sentences carrying a unique marker go through the usual paths (an eligibility
question, a métier, a FAQ question) and the odd ones that make Rasa warn (a malformed
``/intent{…`` command, an unknown ``/intent``, a very long message); the marker must
appear in no log line. The purge side of privacy is tests/test_privacy.py.
"""

from __future__ import annotations

import time
import uuid

import pytest

pytestmark = pytest.mark.e2e


def test_logs_do_not_contain_the_user_text(rasa_server, action_server):
    marker = f"Zorglub{uuid.uuid4().hex[:10]}"
    sender = f"privacy-{uuid.uuid4().hex[:8]}"
    sentences = [
        f"Je suis cariste chez {marker}, ai-je droit à la Pro-A ?",
        f"mon métier est {marker}",
        f"Combien de temps dure la formation chez {marker} ?",
        f'/inform{{"metier": "{marker}"',
        f"/{marker}",
        f'/inform{{"{marker}": "x"}}',
        f"{marker} " * 400,
    ]
    for sentence in sentences:
        answer = rasa_server.say(sender, sentence)
        assert answer, sentence
    # The tracker does hold the texts (that is what the retention setting is about).
    assert marker in str(rasa_server.tracker(sender)["events"])
    time.sleep(1.0)  # let both processes flush their output

    logs = {
        "rasa run": rasa_server.log_path.read_text(encoding="utf-8", errors="replace"),
        "action server": action_server.log_path.read_text(encoding="utf-8", errors="replace"),
    }
    for name, text in logs.items():
        assert text.strip(), f"the {name} log is empty: wrong log path?"
        leaks = [line for line in text.splitlines() if marker in line]
        assert not leaks, f"the {name} log contains the user text: {leaks[:3]}"
