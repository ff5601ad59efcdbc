"""The widget at phone size (390 × 844) against the real assistant: five conversations.

A running ``rasa run`` (trained model, action server, the project's socket.io channel)
answers; the page is served by web/serve.py and driven in headless Chromium. For each
conversation the verdict line is the answer's first line and is inside the first screen;
when the answer has a list, its first item is inside the first screen too. A screenshot of
each conversation is saved in test-output/ (``phone-<n>-<name>.png``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PHONE = (390, 844)
ANSWER_TIMEOUT_S = 60.0

#: name → the questions typed, in order (the last answer is the one checked), and
#: whether that answer carries a list.
CONVERSATIONS = [
    ("cariste-bts", ["je suis cariste en CDI, puis-je viser un BTS ?"], True),
    ("cdi-interimaire-pro-a", ["je suis en CDI intérimaire, puis-je faire une Pro-A ?"], False),
    ("duree-puis-financement", ["combien de temps dure la Pro-A ?", "qui finance la formation ?"], False),
    ("soudeur-certifications", ["quelles certifications pour un soudeur ?"], True),
    ("bonjour-puis-duree", ["bonjour", '/faq{"faq_topic": "duration"}'], False),
]


def _rect(chat: Any, element: Any) -> dict[str, float]:
    return chat.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return {top: r.top, bottom: r.bottom};", element
    )


def _answers(chat: Any) -> list:
    return chat.find_all("#messages .msg--answer")


@pytest.mark.parametrize("index", range(len(CONVERSATIONS)), ids=[c[0] for c in CONVERSATIONS])
def test_phone_first_screen_holds_the_verdict_and_the_first_item(
    index: int,
    rasa_server: Any,
    serve_widget: Callable[[str], str],
    chat_page_factory: Callable[[str], Any],
    output_dir: Path,
) -> None:
    name, questions, has_list = CONVERSATIONS[index]
    chat = chat_page_factory(serve_widget(rasa_server.url))
    chat.set_phone_viewport(*PHONE)
    chat.open()
    shot = output_dir / f"phone-{index + 1}-{name}.png"
    try:
        for question in questions:
            before = len(_answers(chat))
            if question == "bonjour":  # a greeting is a plain message, with buttons
                count = chat.ask(question)
                chat.wait_bot(count, ANSWER_TIMEOUT_S)
                chat.wait_idle(1.0)
                continue
            if question.startswith("/"):  # a button of the greeting
                chat.bot_messages()[-1].find_elements("css selector", ".choice")[0].click()
            else:
                chat.ask(question)
            chat.wait(
                lambda before=before: len(_answers(chat)) > before, ANSWER_TIMEOUT_S, f"an answer to {question!r}"
            )
            chat.wait_idle(1.0)
        answer = _answers(chat)[-1]
        assert chat.driver.execute_script("return window.innerWidth") == PHONE[0]
        log = chat.find("#messages")
        screen = _rect(chat, log)
        verdict = answer.find_element("css selector", ".answer__verdict")
        first = answer.find_elements("css selector", ":scope > :not(.sr-only)")[0]
        assert first == verdict  # the bubble's first line is the verdict line
        top = _rect(chat, verdict)
        assert screen["top"] <= top["top"] and top["bottom"] <= screen["bottom"], (top, screen)
        if has_list:
            card = answer.find_elements("css selector", ".cert-card")[0]
            item = _rect(chat, card)
            assert item["top"] < screen["bottom"] and item["top"] >= screen["top"], (item, screen)
        if name == "duree-puis-financement":
            # Second answer of the conversation: the 2026 change is only recalled.
            assert answer.find_elements("css selector", ".answer__change--recalled")
            assert "Ce qui change en 2026" in [b.text for b in answer.find_elements("css selector", ".choice")]
        if name == "bonjour-puis-duree":
            greeting = chat.bot_messages()[0]
            titles = [b.text for b in greeting.find_elements("css selector", ".choice")]
            assert titles == ["Durée", "Financement", "Rémunération", "Mes certifications", "Période de reconversion"]
    finally:
        chat.screenshot(shot)
    assert shot.stat().st_size > 0
