"""End to end through REST: every main question is answered first.

For the main questions of issue 10 (eligibility by contract, by diploma, certifications
for a métier, duration, hours, funding, pay, tutor, procedure, période de reconversion,
a Pro-A signed before 2026), asked in a new conversation of a running ``rasa run``
(trained model, action server), the first line of the answer holds the verdict
(« Oui », « Non », « Cela dépend ») or the figure, in at most 200 characters, and what
a phone shows before the first list stays under 600 characters.

« Before the first list » is the text before the first numbered certification; for an
answer without a list, the verdict line and the first part (the regime that applies),
which is what the first screen holds. The checks are patterns of the answer's shape and
facts read from the knowledge, not texts copied from a previous run.
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.talk import BUSY_TEXT, fold

pytestmark = pytest.mark.e2e

VERDICT_LINE_MAX = 200
FIRST_SCREEN_MAX = 600

#: A verdict word at the start (« À confirmer auprès de votre OPCO » where the texts leave
#: it open), or a figure (digits with a unit) in the line.
VERDICT = re.compile(
    r"^(Oui|Non|Cela dépend|À confirmer|C'est une période de reconversion|Pour une nouvelle Pro-A, non)\b"
)
FIGURE = re.compile(r"\d[\d  ,]*\s*(mois|heures|€|jours|%|certifications?|BTS|CAP)")

#: (name, question, what the first line must hold: "verdict", "figure" or a word).
QUESTIONS = [
    ("contract_mission", "je suis intérimaire en contrat de mission, ai-je droit à la Pro-A ?", "verdict"),
    ("contract_cdi_interimaire", "je suis en CDI intérimaire, puis-je faire une Pro-A ?", "verdict"),
    ("diploma", "j'ai une licence, est-ce que je peux faire une Pro-A ?", "verdict"),
    ("metier_bts", "je suis cariste en CDI, puis-je viser un BTS ?", "verdict"),
    ("certifications", "quelles certifications pour un soudeur ?", "figure"),
    ("duration", "combien de temps dure la Pro-A ?", "figure"),
    ("hours", "combien d'heures de formation faut-il ?", "figure"),
    ("funding", "qui finance la formation ?", "prend en charge"),
    ("pay", "suis-je payé pendant la formation ?", "rémunération"),
    ("tutor", "est-ce qu'il faut un tuteur ?", "tuteur"),
    ("procedure", "quelles sont les démarches à faire ?", "OPCO"),
    ("reconversion", "c'est quoi la période de reconversion ?", "période de reconversion"),
    (
        "signed_before_2026",
        "je suis en CDI intérimaire et mon avenant Pro-A a été signé le 15 décembre 2025, ai-je droit à la Pro-A ?",
        "verdict",
    ),
]


def first_answer(messages: list[dict[str, object]]) -> str:
    texts = [str(m["text"]) for m in messages if m.get("text")]
    assert texts, messages
    return texts[0]


def first_screen(text: str) -> str:
    """The text before the first list, or the verdict line and the first part."""
    if "\n1. " in text:
        return text.split("\n1. ")[0]
    return "\n\n".join(text.split("\n\n")[:2])


@pytest.mark.parametrize("name, question, expected", QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_the_first_line_answers_the_question(rasa_server, name, question, expected):
    messages = rasa_server.say(f"shape-{name}-{uuid.uuid4().hex[:8]}", question)
    text = first_answer(messages)
    assert BUSY_TEXT not in text, text
    line = text.split("\n")[0]
    assert len(line) <= VERDICT_LINE_MAX, line
    if expected == "verdict":
        assert VERDICT.search(line), text
    elif expected == "figure":
        assert FIGURE.search(line), text
    elif name == "procedure":
        # A rule sentence longer than the line is cut at a clause; its end is the next
        # line of the first screen.
        assert fold(expected) in fold(first_screen(text)), text
    else:
        assert fold(expected) in fold(line), text
    # The 2026 change never opens the answer.
    assert not line.startswith("Depuis le 1er janvier 2026, la Pro-A est remplacée"), text
    assert len(first_screen(text)) < FIRST_SCREEN_MAX, text


def test_a_pro_a_question_today_says_the_open_route_first(rasa_server):
    text = first_answer(
        rasa_server.say(f"shape-route-{uuid.uuid4().hex[:8]}", "je suis en CDI intérimaire, puis-je faire une Pro-A ?")
    )
    line = text.split("\n")[0]
    # The Pro-A asked about: no new one, and the route in the same line (issue 20), never
    # « Non » first nor beside a « Oui ».
    assert line.startswith("Pour une nouvelle Pro-A, non") and "période de reconversion" in line, text
    assert "Oui" not in line, text
    assert "Prochaine étape" in text and "https://www.akto.fr/" in text, text


def test_the_2026_change_is_explained_once_then_recalled(rasa_server):
    sender = f"shape-change-{uuid.uuid4().hex[:8]}"
    first = first_answer(rasa_server.say(sender, "combien de temps dure la Pro-A ?"))
    assert "Ce qui change en 2026" in first and "même si la formation commence après" in first, first
    second_messages = rasa_server.say(sender, "qui finance la formation ?")
    second = first_answer(second_messages)
    assert "même si la formation commence après" not in second, second
    assert "Rappel : depuis le 1er janvier 2026" in second, second
    buttons = [b.get("title") for m in second_messages for b in (m.get("buttons") or [])]
    assert "Ce qui change en 2026" in buttons, second_messages
    tracker = rasa_server.tracker(sender)
    assert tracker["slots"]["change_2026_explained"] is True


def test_greeting_and_dead_ends_offer_next_steps(rasa_server):
    sender = f"shape-next-{uuid.uuid4().hex[:8]}"
    for question in ("bonjour", "aide"):
        messages = rasa_server.say(sender, question)
        buttons = [b.get("title") for m in messages for b in (m.get("buttons") or [])]
        assert {"Durée", "Financement", "Rémunération", "Mes certifications", "Période de reconversion"} <= set(
            buttons
        ), messages
    messages = rasa_server.say(f"shape-astronaut-{uuid.uuid4().hex[:8]}", "quelles certifications pour un astronaute ?")
    buttons = [b.get("title") for m in messages for b in (m.get("buttons") or [])]
    assert buttons, messages
