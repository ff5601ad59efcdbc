"""Helpers to read the assistant's REST answers in the end-to-end tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from bot.understanding.parse import fold  # noqa: F401  (re-exported: the tests compare answers with it)

#: The text the guarded channels send when the action server is down or too slow
#: (channels/guarded.py).
BUSY_TEXT = "Le service est momentanément surchargé. Réessayez dans un instant : votre conversation est conservée."

_FRENCH_WORDS = {
    "vous",
    "votre",
    "vos",
    "je",
    "de",
    "du",
    "le",
    "la",
    "les",
    "des",
    "pour",
    "est",
    "une",
    "un",
    "pas",
    "sur",
    "ou",
    "et",
    "avec",
    "dans",
    "quel",
    "quelle",
    "bonjour",
    "merci",
    "désolé",
    "compris",
    "question",
    "formation",
    "en",
    "être",
    "doit",
    "aucun",
    "reçu",
    "champ",
    "chaîne",
    "corps",
    "requête",
    "caractères",
    "trop",
    "n'est",
}


def texts(messages: Iterable[dict[str, object]]) -> list[str]:
    return [str(message["text"]) for message in messages if message.get("text")]


def joined(messages: Iterable[dict[str, object]]) -> str:
    return "\n".join(texts(messages))


def looks_french(text: str) -> bool:
    """At least two distinct common French words: enough to tell a French answer from
    an echo or an English one in these tests."""
    words = set(re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", text.lower()))
    return len(words & _FRENCH_WORDS) >= 2


def no_markup(messages: object) -> bool:
    """No HTML script tag anywhere in the answer (texts, buttons, custom payloads)."""
    return "<script" not in json.dumps(messages, ensure_ascii=False).lower()


def effective_events(tracker: dict[str, object]) -> list[dict[str, object]]:
    """The tracker's events as Rasa applies them: a ``rewind`` (UserUtteranceReverted,
    e.g. when the two-stage fallback takes a rephrased message) undoes everything back
    to and including the last user message, which Rasa then logs again."""
    applied: list[dict[str, object]] = []
    for event in tracker["events"]:
        if event.get("event") == "rewind":
            while applied and applied[-1].get("event") != "user":
                applied.pop()
            if applied:
                applied.pop()
        else:
            applied.append(event)
    return applied


def user_texts(tracker: dict[str, object]) -> list[str]:
    """What the person said, once each (see :func:`effective_events`)."""
    return [str(event.get("text")) for event in effective_events(tracker) if event.get("event") == "user"]


def event_keys(tracker: dict[str, object]) -> list[tuple]:
    """Events as comparable tuples (type, timestamp, name or text)."""
    return [
        (event.get("event"), event.get("timestamp"), event.get("name") or event.get("text"))
        for event in tracker["events"]
    ]
