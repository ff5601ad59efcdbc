"""The user text as the model gets it: cleaned, cut, and typed commands checked.

Every channel passes the user's text through :func:`prepare_text` before Rasa sees it
(:func:`channels.turn_guard.guard`). Kept apart from the channels because it is pure
string work (no Rasa call but the domain lookup of :func:`_domain_names`), shared by
REST, socket.io, Slack and Teams, and tested on its own:

- :func:`clean_text`: control characters, unpaired surrogates, HTML tags and angle
  brackets removed, white space collapsed, cut to ``PROA_MAX_MESSAGE_CHARS``
  characters (default 1000) at a word boundary when one is close;
- :func:`command_entities`: a typed ``/intent{…}`` command (the buttons' payloads) is
  accepted only when well formed, naming an intent and entities of the domain, not one
  of Rasa's internal intents, with short plain string/number values (cleaned like the
  text). Anything else is passed on as plain text: Rasa would log the whole text of a
  malformed command, and the name of an unknown intent or entity.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.settings import Settings
from channels.input_checks import loads_limited, without_surrogates

#: Longest user message passed to the model, in characters (longer ones are cut).
MAX_MESSAGE_CHARS = Settings.from_env().max_message_chars

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
_SPACES = re.compile(r"\s+")


def clean_text(text: str | None, limit: int = MAX_MESSAGE_CHARS) -> str:
    """The user text as the model gets it: no control characters nor unpaired
    surrogates, no HTML tags nor angle brackets, white space collapsed, at most
    ``limit`` characters."""
    if not text:
        return ""
    text = without_surrogates(_CONTROL.sub(" ", text))
    text = _TAG.sub(" ", text)
    text = text.replace("<", " ").replace(">", " ")
    text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        cut = text[:limit]
        space = cut.rfind(" ", max(0, limit - 40))
        text = (cut[:space] if space > 0 else cut).strip()
    return text


# Messages starting with "/" are intents given directly (the buttons' payloads, e.g.
# /inform{"metier_id": "…"}). Rasa logs the whole text of a malformed one, and the name
# of an unknown intent or entity: such a text is passed on as plain text instead.
_COMMAND = re.compile(r"^/(?P<intent>[A-Za-z_][\w-]*(?:/[\w-]+)?)(?P<confidence>@[0-9.]+)?(?P<entities>\{.*\})?$", re.S)


def _domain_names() -> tuple | None:
    """(intents, entities) of the running Rasa server's domain, or None if unknown."""
    try:
        from sanic import Sanic

        agent = getattr(Sanic.get_app("rasa_server").ctx, "agent", None)
        domain = getattr(agent, "domain", None)
        if domain is None:
            return None
        return set(domain.intents), set(domain.entities)
    except Exception:
        return None


#: Rasa's own intents a user may not trigger by typing them (``/session_start`` gave
#: the busy message; ``/restart`` would wipe the conversation).
INTERNAL_INTENTS = frozenset({"session_start", "restart", "back", "nlu_fallback"})
#: Longest entity value accepted in a typed command (a métier id or name is shorter).
MAX_ENTITY_CHARS = 120


def command_entities(text: str, names: tuple | None = None) -> dict[str, Any] | None:
    """The entities of a well-formed ``/intent{entities}`` command (``{}`` when it has
    none), or None when ``text`` is not an acceptable command: malformed, an intent or
    entity missing from the domain (when ``names`` = (intents, entities) is given), an
    internal Rasa intent, or an entity value that is not a short plain string/number."""
    match = _COMMAND.match(text)
    if not match:
        return None
    intents, entities = names if names else (None, None)
    intent = match["intent"].split("/")[0]
    if intent in INTERNAL_INTENTS or (intents is not None and intent not in intents):
        return None
    if not match["entities"]:
        return {}
    try:
        values = loads_limited(match["entities"])
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    if entities is not None and any(key not in entities for key in values):
        return None
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None
        if isinstance(value, str):
            if len(value) > MAX_ENTITY_CHARS:
                return None
            # The JSON may carry markup as \u003c escapes: clean the decoded value.
            value = clean_text(value, MAX_ENTITY_CHARS)
            if not value:
                return None
        clean[key] = value
    return clean


def is_valid_command(text: str, names: tuple | None = None) -> bool:
    """Whether ``text`` is an acceptable ``/intent{entities}`` command (see
    :func:`command_entities`)."""
    return command_entities(text, names) is not None


def prepare_text(text: str | None) -> str:
    """:func:`clean_text`; a typed ``/command`` with its entity values cleaned, or made
    plain text when it is malformed, unknown or internal."""
    text = clean_text(text)
    if not text.startswith("/"):
        return text
    entities = command_entities(text, _domain_names())
    match = _COMMAND.match(text)
    if entities is None or match is None:
        return text.lstrip("/").strip()
    command = "/" + match["intent"] + (match["confidence"] or "")
    if match["entities"]:
        command += json.dumps(entities, ensure_ascii=False)
    return command
