"""On a phone (390 × 844), the first bubble of each main answer fits the chat area.

For every main question of ``tests/e2e/test_answer_shape.py``, asked in a new
conversation of the widget talking to the real assistant (trained model, action server),
the answer bubble is at most as high as the visible chat area: the answer line, its
figure and the list asked for are on the first screen, and what is not the answer itself
(caveats, history, the 2026 change, sources) is folded under « Détails et sources ».
Heights go to ``test-output/first-screen-heights.json`` and a screenshot of each answer to
``test-output/first-screen-<name>.png``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_answer_shape import QUESTIONS

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PHONE = (390, 844)
ANSWER_TIMEOUT_S = 60.0

MEASURE = """
const bubbles = document.querySelectorAll('#messages .msg--answer');
const bubble = bubbles[bubbles.length - 1];
const area = document.querySelector('#messages');
const box = (el) => el ? el.getBoundingClientRect() : null;
const verdict = box(bubble.querySelector('.answer__verdict'));
const figure = box(bubble.querySelector('.answer__figure'));
const card = box(bubble.querySelector('.cert-card'));
const details = bubble.querySelector('details.answer__details');
return {
  bubble: bubble.getBoundingClientRect().height,
  area: area.clientHeight,
  verdict_top: verdict ? verdict.top - bubble.getBoundingClientRect().top : null,
  figure_bottom: figure ? figure.bottom - bubble.getBoundingClientRect().top : null,
  card_bottom: card ? card.bottom - bubble.getBoundingClientRect().top : null,
  details_open: details ? details.open : null,
  details_summary: details ? details.querySelector('summary').textContent : null,
};
"""


def test_the_first_bubble_of_each_main_answer_fits_a_phone_screen(
    rasa_server: Any,
    serve_widget: Callable[[str], str],
    chat_page_factory: Callable[[str], Any],
    output_dir: Path,
) -> None:
    chat = chat_page_factory(serve_widget(rasa_server.url))
    chat.set_phone_viewport(*PHONE)
    heights: dict[str, dict[str, Any]] = {}
    too_high: list[str] = []
    for name, question, _expected in QUESTIONS:
        chat.open(wait_connected=False)
        chat.driver.execute_script("localStorage.clear(); sessionStorage.clear();")
        chat.open()
        before = len(chat.find_all("#messages .msg--answer"))
        chat.ask(question)
        chat.wait(
            lambda before=before: len(chat.find_all("#messages .msg--answer")) > before,
            ANSWER_TIMEOUT_S,
            f"an answer to {question!r}",
        )
        chat.wait_idle(0.5)
        measured = chat.driver.execute_script(MEASURE)
        heights[name] = {"question": question, **measured}
        chat.screenshot(output_dir / f"first-screen-{name}.png")
        assert measured["verdict_top"] is not None and measured["verdict_top"] < 40, (name, measured)
        if measured["details_open"] is not None:
            assert measured["details_open"] is False and measured["details_summary"] == "Détails et sources"
        if measured["bubble"] > measured["area"]:
            too_high.append(f"{name}: {measured['bubble']:.0f} px > {measured['area']} px")
    (output_dir / "first-screen-heights.json").write_text(
        json.dumps(heights, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    assert not too_high, too_high


def test_the_details_open_and_close_with_the_keyboard(
    rasa_server: Any,
    serve_widget: Callable[[str], str],
    chat_page_factory: Callable[[str], Any],
) -> None:
    from selenium.webdriver.common.keys import Keys

    chat = chat_page_factory(serve_widget(rasa_server.url))
    chat.set_phone_viewport(*PHONE)
    chat.open()
    before = chat.ask("je suis cariste en CDI, puis-je viser un BTS ?")
    answer = chat.wait_bot(before, ANSWER_TIMEOUT_S)
    chat.wait_idle(0.5)
    answer = chat.bot_messages()[-1]
    details = answer.find_element("css selector", "details.answer__details")
    sources = details.find_element("css selector", ".sources")
    assert not sources.is_displayed()  # folded: the first screen holds the answer
    toggle = details.find_element("css selector", "summary")
    toggle.send_keys(Keys.ENTER)
    chat.wait(lambda: sources.is_displayed(), 5.0, "the sources shown")
    assert "Code du travail" in sources.text
    toggle.send_keys(Keys.ENTER)
    chat.wait(lambda: not sources.is_displayed(), 5.0, "the sources folded again")
