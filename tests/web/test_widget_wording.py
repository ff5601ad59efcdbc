"""The widget says what the server says (knowledge/wording/widget.yml): its greeting and
topics are domain.yml's utter_greet, and the words it shares with the answers
(« vérifié le », « Détails et sources », « Prochaine étape », « Voir plus »…) are those of
bot/compose/french.py, so that the two cannot drift apart."""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot import wording
from bot.compose import french
from tests.web.conftest import REPO_ROOT, WEB_DIR


def widget(key: str) -> Any:
    return wording.entry("widget", key)


def utter_greet() -> dict[str, Any]:
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    (greet,) = domain["responses"]["utter_greet"]
    return greet


def test_the_welcome_bubble_greets_as_the_assistant_does():
    assert widget("greeting") == utter_greet()["text"]


def test_the_welcome_topics_are_those_of_the_greeting():
    buttons = utter_greet()["buttons"]
    assert list(widget("welcome_choices").values()) == [button["title"] for button in buttons]
    # Rasa's responses double the braces of a payload ({{ }}); the widget sends them once.
    payloads = [button["payload"].replace("{{", "{").replace("}}", "}") for button in buttons]
    render = (WEB_DIR / "src" / "render.ts").read_text(encoding="utf-8")
    shown = re.findall(r"title: WORDING\.welcome_choices\.(\w+), payload: (['\"])(.*?)\2 \}", render)
    assert [(key, payload) for key, _, payload in shown] == list(zip(widget("welcome_choices"), payloads, strict=True))


def test_the_welcome_topics_are_worded_as_the_answers_buttons():
    topics = widget("welcome_choices")
    assert topics["my_certifications"] == french.MY_CERTIFICATIONS
    for topic in ("duration", "funding", "pay", "periode_reconversion"):
        assert topics[topic] == french.TOPIC_BUTTONS[topic]


def test_the_words_the_widget_shares_with_the_answers():
    assert widget("checked_on") == french.CHECKED_ON
    assert widget("details_heading") == french.DETAILS_HEADING
    assert widget("next_step_heading") == french.NEXT_STEP_HEADING
    assert widget("sources_heading_one") == french.SOURCE_HEADING_ONE
    assert widget("sources_heading_many") == french.SOURCE_HEADING_MANY
    assert widget("more_chosen") == french.MORE_BUTTON


def test_the_more_button_sends_what_the_answers_tell_to_type():
    assert french.QUOTED.format(text=widget("more_message")) in french.MORE_MANY


def test_the_page_starts_with_the_widgets_connecting_status():
    page = (WEB_DIR / "src" / "index.html").read_text(encoding="utf-8")
    assert f'<span class="status__text">{widget("status.connecting")}</span>' in page
