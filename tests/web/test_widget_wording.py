"""The widget says what the server says: its greeting and topics are borrowed from the
catalogue's responses.yml and answers.yml by web/wording-source.mjs (the greeting is
domain.yml's utter_greet), the words it shares with the answers (« vérifié le »,
« Détails et sources », « Prochaine étape », « Voir plus »…) are those of
bot/compose/french.py, so that the two cannot drift apart; and the page's text
(web/src/index.html) is the widget's wording, filled in by web/build.mjs."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from bot import wording
from bot.compose import french
from tests.web.conftest import REPO_ROOT, WEB_DIR

PAGE = WEB_DIR / "src" / "index.html"
#: A field of the page, filled in by web/build.mjs.
PAGE_FIELD = re.compile(r"\{\{([A-Za-z0-9_.]+)\}\}")


def widget(key: str) -> Any:
    return wording.entry("widget", key)


def shipped() -> dict[str, Any]:
    """The wording the widget is built with (web/src/generated/wording.ts, kept up to date
    by tests/web/test_wording_generated.py): widget.yml plus the borrowed sentences."""
    source = (WEB_DIR / "src" / "generated" / "wording.ts").read_text(encoding="utf-8")
    match = re.search(r"export const WORDING = (\{.*?\n\}) as const;", source, re.DOTALL)
    assert match is not None
    return json.loads(match.group(1))


def utter_greet() -> dict[str, Any]:
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    (greet,) = domain["responses"]["utter_greet"]
    return greet


def test_the_welcome_bubble_greets_as_the_assistant_does():
    assert shipped()["greeting"] == wording.text("responses", "greet") == utter_greet()["text"]


def test_the_borrowed_sentences_live_in_their_own_sections_only():
    assert "greeting" not in wording.section("widget")
    assert "welcome_choices" not in wording.section("widget")


def test_the_welcome_topics_are_those_of_the_greeting():
    buttons = utter_greet()["buttons"]
    topics = shipped()["welcome_choices"]
    assert list(topics.values()) == [button["title"] for button in buttons]
    # Rasa's responses double the braces of a payload ({{ }}); the widget sends them once.
    payloads = [button["payload"].replace("{{", "{").replace("}}", "}") for button in buttons]
    render = (WEB_DIR / "src" / "render.ts").read_text(encoding="utf-8")
    shown = re.findall(r"title: WORDING\.welcome_choices\.(\w+), payload: (['\"])(.*?)\2 \}", render)
    assert [(key, payload) for key, _, payload in shown] == list(zip(topics, payloads, strict=True))


def test_the_welcome_topics_are_worded_as_the_answers_buttons():
    topics = shipped()["welcome_choices"]
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
    assert '<span class="status__text">{{status.connecting}}</span>' in PAGE.read_text(encoding="utf-8")


def test_every_field_of_the_page_is_a_sentence_of_the_widget():
    fields = PAGE_FIELD.findall(PAGE.read_text(encoding="utf-8"))
    assert len(fields) >= 15
    for key in fields:
        assert isinstance(widget(key), str), key


def test_the_page_keeps_the_words_the_browser_tests_look_for():
    # tests/web/test_widget_fake_server.py reads these on the built page.
    assert (widget("page.input_label"), widget("page.send")) == ("Votre question", "Envoyer")
    assert (widget("page.confirm_yes"), widget("page.confirm_no")) == ("Effacer", "Annuler")
