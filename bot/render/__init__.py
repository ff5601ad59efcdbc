"""Channel renderers for the structured answer (docs/DESIGN.md, "Structured answer
(channels)").

``render_for_channel(payload, channel)`` returns the list of keyword-argument dicts to
pass, in order, to ``dispatcher.utter_message(**kwargs)`` for one answer, given the
input channel name (``tracker.get_latest_input_channel()``):

| channel        | messages                                                          |
| -------------- | ----------------------------------------------------------------- |
| ``socketio``   | ``json_message={"data": payload}``: the widget renders everything |
| ``slack``      | ``json_message`` = ``chat.postMessage`` arguments (Block Kit)     |
| ``botframework``| ``json_message`` = Bot Framework activity with an Adaptive Card  |
| ``rest``       | ``text`` + ``buttons`` + ``json_message=payload``                 |
| anything else  | ``text`` + ``buttons`` (``cmdline``, ``None``, unknown channels)  |

Plain Python: no ``rasa`` / ``rasa_sdk`` import (see docs/DESIGN.md, layers).
"""

from __future__ import annotations

import copy
from typing import Any

from bot.render import plain, slack, teams

__all__ = ["render_for_channel"]


def render_for_channel(payload: dict[str, Any], channel: str | None) -> list[dict[str, Any]]:
    """Return the ``utter_message`` kwargs to send for one answer on ``channel``."""
    if channel == "socketio":
        return [{"json_message": {"data": copy.deepcopy(payload)}}]
    if channel == "slack":
        return [slack.render(payload)]
    if channel == "botframework":
        return [teams.render(payload)]
    if channel == "rest":
        return [plain.render(payload, include_json=True)]
    return [plain.render(payload)]
