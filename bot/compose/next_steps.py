"""Quick replies: the questions that naturally follow an answer, and the ways out of a
dead end. Payloads are Rasa intents with entities, so they work on every channel."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from bot.compose import french
from bot.compose.parts import AnswerTopic, Button, faq_topic

#: At most this many next steps after an answer: a phone shows them on one or two lines
#: below the answer, and Teams shows three actions without truncating them.
MAX_NEXT_STEPS = 3

#: Topics offered on the welcome, after « bonjour » / « aide », and after a dead end.
WELCOME_TOPICS = ("duration", "funding", "pay", "periode_reconversion")

#: What naturally follows each answer topic.
FOLLOW_UPS = {
    AnswerTopic.ELIGIBILITY: ("duration", "funding", "pay", "procedure"),
    AnswerTopic.CERTIFICATIONS: ("duration", "funding", "procedure", "periode_reconversion"),
    faq_topic("duration"): ("training_share", "pay", "funding", "procedure"),
    faq_topic("training_share"): ("duration", "pay", "funding", "procedure"),
    faq_topic("funding"): ("pay", "procedure", "duration", "tutor"),
    faq_topic("pay"): ("funding", "duration", "procedure", "tutor"),
    faq_topic("tutor"): ("procedure", "duration", "funding", "pay"),
    faq_topic("procedure"): ("funding", "duration", "tutor", "pay"),
    faq_topic("periode_reconversion"): ("duration", "funding", "procedure", "forms"),
}


def faq_payload(topic: str) -> str:
    """The Rasa payload that asks a FAQ topic: ``/faq{"faq_topic": "duration"}``."""
    return "/faq" + json.dumps({"faq_topic": topic}, ensure_ascii=False)


def topic_button(topic: str) -> Button | None:
    """The button that asks a FAQ topic, or None for a topic without a title."""
    title = french.TOPIC_BUTTONS.get(topic)
    if title is None:
        return None
    return Button(title, faq_payload(topic))


def certifications_button() -> Button:
    return Button(french.MY_CERTIFICATIONS, "/ask_certifications")


def metier_button(label: str, metier_id: str) -> Button:
    return Button(label, "/inform" + json.dumps({"metier_id": metier_id}, ensure_ascii=False))


#: The contracts offered when an answer depends on the contract (codes of
#: knowledge/contracts.yml, as the form's question offers them in domain.yml).
CONTRACT_CHOICES = ("cdi_interimaire", "contrat_de_mission", "cdi", "cdd")


def contract_buttons(labels: Mapping[str, str]) -> tuple[Button, ...]:
    """One button per contract of :data:`CONTRACT_CHOICES`, labelled as knowledge names it."""
    return tuple(
        Button(labels[code], "/inform" + json.dumps({"contract": code}, ensure_ascii=False))
        for code in CONTRACT_CHOICES
        if code in labels
    )


#: The intent a « Voir plus » button sends (domain.yml, ``show_more``).
SHOW_MORE_PAYLOAD = "/show_more"


def more_button() -> Button:
    """« Voir plus »: the next page of the list."""
    return Button(french.MORE_BUTTON, SHOW_MORE_PAYLOAD)


def change_button() -> Button:
    """« Ce qui change en 2026 » on the 2026 change."""
    return Button(french.MORE_ABOUT_CHANGE, faq_payload("periode_reconversion"))


def topic_buttons(topics: Iterable[str], known: Sequence[str], skip: Iterable[str] = ()) -> list[Button]:
    """Buttons for ``topics`` that the assistant answers (``known``), without ``skip``."""
    skipped = set(skip)
    buttons = []
    for topic in topics:
        if topic in skipped or topic not in known:
            continue
        button = topic_button(topic)
        if button is not None:
            buttons.append(button)
    return buttons


def follow_ups(topic: str, known: Sequence[str], with_certifications: bool = False) -> tuple[Button, ...]:
    """The next steps after an answer on ``topic`` (``faq:duration``, ``eligibility``…)."""
    asked = topic.split(":", 1)[1] if topic.startswith("faq:") else None
    topics = FOLLOW_UPS.get(topic, WELCOME_TOPICS)
    buttons = topic_buttons(topics, known, skip=[asked] if asked else [])
    if with_certifications:
        buttons.insert(0, certifications_button())
    return tuple(buttons[:MAX_NEXT_STEPS])
