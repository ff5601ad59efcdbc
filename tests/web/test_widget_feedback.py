"""« Cette réponse vous aide ? » in the web widget (issue 22), in headless Chromium against
the fake Rasa socket.io server of test_widget_fake_server.py: the question under an
answer, the click sent as the buttons' ``/feedback`` command and shown as the person's
message, the buttons then disabled with the choice pressed, also after a reload."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.test_widget_fake_server import V2_PAYLOAD_PATH, FakeRasa


class FeedbackRasa(FakeRasa):
    """Answers « avis » with a structured answer that offers the feedback, as the
    actions send it on socketio."""

    def __init__(self) -> None:
        super().__init__()
        self.offers: list[dict[str, Any]] = []

    async def on_new_message(self, message: Any) -> None:
        if (message.text or "").strip().lower() != "avis":
            await super().on_new_message(message)
            return
        from actions.rendering import render_for_channel
        from bot.feedback import attach_offer

        self.received.append((message.sender_id, message.text))
        payload = copy.deepcopy(json.loads(V2_PAYLOAD_PATH.read_text(encoding="utf-8")))
        attach_offer(payload, {})
        self.offers.append(payload["feedback"])
        for kwargs in render_for_channel(payload, "socketio"):
            await message.output_channel.send_response(message.sender_id, {"custom": kwargs.get("json_message")})


@pytest.fixture(scope="module")
def feedback_rasa() -> Iterator[FeedbackRasa]:
    server = FeedbackRasa().start()
    yield server
    server.stop()


@pytest.fixture
def chat(feedback_rasa: FeedbackRasa, serve_widget: Any, chat_page_factory: Any) -> Any:
    return chat_page_factory(serve_widget(feedback_rasa.url)).open()


def _pressed(chat: Any) -> list[tuple[str, str | None, bool]]:
    return [
        (b.text, b.get_attribute("aria-pressed"), b.is_enabled())
        for b in chat.find_all(".msg--answer .feedback__choice")
    ]


def test_feedback_under_an_answer(chat: Any, feedback_rasa: FeedbackRasa, output_dir: Any) -> None:
    answer = chat.wait_bot(chat.ask("avis"))
    question = answer.find_element("css selector", ".feedback__question")
    assert question.text == "Cette réponse vous aide ?"
    group = answer.find_element("css selector", ".feedback__choices")
    assert group.get_attribute("role") == "group"
    assert group.get_attribute("aria-labelledby") == question.get_attribute("id")
    assert _pressed(chat) == [("Oui", "false", True), ("Non", "false", True)]
    chat.screenshot(output_dir / "widget-feedback.png")

    before = len(chat.bot_messages())
    chat.find_all(".msg--answer .feedback__choice")[1].click()
    reply = chat.wait_bot(before)
    offer = feedback_rasa.offers[-1]
    assert feedback_rasa.received[-1][1] == offer["buttons"][1]["payload"]
    assert feedback_rasa.received[-1][1] == f'/feedback{{"helpful": "no", "answer_id": "{offer["answer_id"]}"}}'
    assert chat.user_texts()[-1] == "Non"
    assert "Bien noté" in reply.text
    chat.wait(lambda: _pressed(chat) == [("Oui", "false", False), ("Non", "true", False)], message="buttons disabled")
    assert chat.find(".msg--answer .feedback__thanks").text == "Merci pour votre avis."
    # The answer's own quick replies are still there to use.
    assert any(b.is_enabled() for b in chat.find_all(".msg--answer .choice"))

    chat.reload()
    chat.wait(lambda: _pressed(chat) == [("Oui", "false", False), ("Non", "true", False)], message="kept on reload")
