"""Plain rendering: French text plus Rasa buttons.

Used for the ``rest`` and ``cmdline`` input channels and for any channel without a
dedicated renderer. For ``rest`` the structured answer is attached as well
(``json_message``), so that an HTTP client gets both the text and the data.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from bot.render.payload import AnswerPayload


def render(payload: Mapping[str, Any], include_json: bool = False) -> dict[str, Any]:
    """Return the ``utter_message`` kwargs of one plain message for the wire ``payload``.

    ``text`` is always present; ``buttons`` only when the answer has quick replies (« Voir
    plus » first when the list goes on);
    ``json_message`` (a copy of ``payload``) only when ``include_json`` is true.
    """
    message = render_answer(AnswerPayload.from_wire(payload))
    if include_json:
        message["json_message"] = copy.deepcopy(dict(payload))
    return message


def render_answer(answer: AnswerPayload) -> dict[str, Any]:
    """The ``text`` of ``answer`` and, when it has quick replies, its Rasa ``buttons``."""
    message: dict[str, Any] = {"text": answer.text}
    if answer.quick_replies:
        message["buttons"] = [{"title": b.title, "payload": b.payload} for b in answer.quick_replies]
    return message
