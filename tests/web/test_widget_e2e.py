"""End to end: the widget in headless Chromium against the real assistant.

The page is served by web/serve.py and connects to the socket.io channel of a running
``rasa run`` (trained model, action server, the project's credentials.yml: the guarded
socket.io channel with session persistence). A person types a question; the answer the
widget renders must be the assistant's: a structured answer with certification cards
whose RNCP codes belong to the branch's list, and its sources. Screenshots are saved in
test-output/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge.loader import load_knowledge

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

QUESTION = "je suis cariste en CDI intérimaire, puis-je viser un BTS ?"
FOLLOW_UP = "quelles certifications pour un soudeur ?"
ANSWER_TIMEOUT_S = 60.0


def _annex_codes(idcc: int = 2378) -> set:
    branch = load_knowledge().branch(idcc)
    return {c.rncp for m in branch.metiers for c in m.certifications if c.rncp}


def test_question_typed_in_the_page_gets_the_assistant_s_answer(
    rasa_server: Any,
    serve_widget: Callable[[str], str],
    chat_page_factory: Callable[[str], Any],
    output_dir: Path,
) -> None:
    chat = chat_page_factory(serve_widget(rasa_server.url))
    chat.open()  # waits for Rasa's session_confirm
    codes = _annex_codes()
    try:
        before = chat.ask(QUESTION)
        assert chat.user_texts()[-1] == QUESTION

        def answer_with_cards() -> Any:
            for message in chat.bot_messages()[before:]:
                if message.find_elements("css selector", ".cert-card"):
                    return message
            return None

        answer = chat.wait(answer_with_cards, ANSWER_TIMEOUT_S, "an answer with certification cards")
        text = chat.seen_text(answer)
        assert "reconversion" in text.lower(), text  # today's regime is named
        cards = answer.find_elements("css selector", ".cert-card")
        for card in cards:
            title = chat.seen_text(card.find_element("css selector", ".cert-card__title"))
            code = chat.seen_text(card.find_element("css selector", ".cert-card__rncp"))
            assert title.upper().startswith("BTS"), title
            assert code in codes, code
        assert answer.find_elements("css selector", ".sources"), answer.get_attribute("outerHTML")
        assert "<" not in text

        # A second question in the same conversation: a list long enough for « voir plus ».
        before = chat.ask(FOLLOW_UP)
        chat.wait(
            lambda: any(m.find_elements("css selector", ".cert-card") for m in chat.bot_messages()[before:]),
            ANSWER_TIMEOUT_S,
            "the soudeur certifications",
        )
        chat.wait_idle()
    finally:
        chat.screenshot(output_dir / "widget-real-assistant.png")
    assert (output_dir / "widget-real-assistant.png").stat().st_size > 0
