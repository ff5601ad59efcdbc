"""Plain rendering: French text plus Rasa buttons.

Used for the ``rest`` and ``cmdline`` input channels and for any channel without a
dedicated renderer. For ``rest`` the structured answer is attached as well
(``json_message``), so that an HTTP client gets both the text and the data.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.render._common import MORE_BUTTON, MORE_PAYLOAD, buttons_of, remaining_of, text_of


def render(payload: dict[str, Any], include_json: bool = False) -> dict[str, Any]:
    """Return the ``utter_message`` kwargs of one plain message.

    ``text`` is always present; ``buttons`` only when the answer has quick replies (« Voir
    plus » first when the list goes on);
    ``json_message`` (a copy of ``payload``) only when ``include_json`` is true.
    """
    message: dict[str, Any] = {"text": text_of(payload)}
    buttons = buttons_of(payload)
    if remaining_of(payload):
        buttons.insert(0, {"title": MORE_BUTTON, "payload": MORE_PAYLOAD})
    if buttons:
        message["buttons"] = buttons
    if include_json:
        message["json_message"] = copy.deepcopy(payload)
    return message
