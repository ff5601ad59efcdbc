"""Which renderer each Rasa channel gets: the one place that knows Rasa's channel names.

``render_for_channel(payload, channel)`` returns the list of keyword-argument dicts to
pass, in order, to ``dispatcher.utter_message(**kwargs)`` for one answer, given the
input channel name (``tracker.get_latest_input_channel()``):

| channel         | messages                                                          |
| --------------- | ----------------------------------------------------------------- |
| ``socketio``    | ``json_message={"data": payload}``: the widget renders everything |
| ``slack``       | ``json_message`` = ``chat.postMessage`` arguments (Block Kit)     |
| ``botframework``| ``json_message`` = Bot Framework activity with an Adaptive Card   |
| ``rest``        | ``text`` + ``buttons`` + ``json_message=payload``                 |
| anything else   | ``text`` + ``buttons`` (``cmdline``, ``None``, unknown channels)  |

The renderers themselves (:mod:`bot.render`) know nothing of Rasa: they turn the
structured answer into a channel's format.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.render import plain, slack, teams

#: Rasa input channel names (``name()`` of the input channels in credentials.yml).
SOCKETIO = "socketio"
SLACK = "slack"
BOTFRAMEWORK = "botframework"
REST = "rest"


def render_for_channel(payload: dict[str, Any], channel: str | None) -> list[dict[str, Any]]:
    """Return the ``utter_message`` kwargs to send for one answer on ``channel``."""
    if channel == SOCKETIO:
        return [{"json_message": {"data": copy.deepcopy(payload)}}]
    if channel == SLACK:
        return [slack.render(payload)]
    if channel == BOTFRAMEWORK:
        return [teams.render(payload)]
    if channel == REST:
        return [plain.render(payload, include_json=True)]
    return [plain.render(payload)]
