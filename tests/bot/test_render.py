"""Tests of ``bot.render``: the structured answer rendered for each input channel.

Two sample answers: ``answer_eligible.json``, a version 1 payload (prose only: verdict
eligible for « Soudeur », 3 of its 7 annex certifications, 1 Légifrance source, 2 quick
replies, 4 more), which the renderers must still show; and ``answer_v2.json``, the
current shape (verdict line, a part per regime with its figure, a list of other métiers'
BTS with a repeated title, the 2026 change recalled, next steps, dated sources).
How Rasa sends these messages on the real channels is tested in tests/channels/.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.render import plain as plain_render
from bot.render import slack as slack_render
from bot.render import teams as teams_render
from bot.render.payload import AnswerPayload

REPO_ROOT = Path(__file__).resolve().parents[2]
PAYLOAD: dict[str, Any] = json.loads(
    (REPO_ROOT / "tests/fixtures/render/answer_eligible.json").read_text(encoding="utf-8")
)
PAYLOAD_V2: dict[str, Any] = json.loads(
    (REPO_ROOT / "tests/fixtures/render/answer_v2.json").read_text(encoding="utf-8")
)
MORE = {"title": "Voir plus", "payload": "/show_more"}


@pytest.fixture
def payload() -> dict[str, Any]:
    return copy.deepcopy(PAYLOAD)


def test_fixture_is_the_kind_of_answer_described_in_the_design(payload):
    assert payload["type"] == "proa_answer" and payload["verdict"] == "eligible"
    assert len(payload["certifications"]) == 3
    assert payload["more"] == {"remaining": 4, "hint": "Il y en a 4 autres : écrivez « voir plus ».", "button": MORE}
    assert payload["sources"][0]["url"].startswith("https://www.legifrance.gouv.fr/")
    assert len(payload["buttons"]) == 2


def test_render_does_not_import_rasa():
    code = (
        "import sys, bot.render; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk', 'sanic')]; "
        "sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT)
    assert result.returncode == 0


# --- Slack ------------------------------------------------------------------------


def slack_message(payload: dict[str, Any]) -> dict[str, Any]:
    return slack_render.render(payload)["json_message"]


def test_slack_blocks(payload):
    message = slack_message(payload)

    # Only chat.postMessage arguments, never `channel` / `thread_ts` (set by Rasa).
    assert set(message) == {"text", "blocks"}
    assert message["text"] == PAYLOAD["text"]
    blocks = message["blocks"]
    assert [b["type"] for b in blocks] == ["section", "section", "actions", "context"]
    assert blocks[0]["text"] == {"type": "mrkdwn", "text": PAYLOAD["text"]}
    assert blocks[1]["text"]["type"] == "mrkdwn"
    assert blocks[1]["text"]["text"].splitlines() == [
        "*Certifications :*",
        "• *TP Soudeur* — <https://www.francecompetences.fr/recherche/rncp/9467/|RNCP9467> (niveau 3)",
        "• *TP Soudeur assembleur industriel* — "
        "<https://www.francecompetences.fr/recherche/rncp/34502/|RNCP34502> (niveau 3)",
        "• *CQP/CQPM Soudeur industriel* — RNCP19460 (sans niveau)",
    ]
    # « Voir plus » is the first button: no « écrivez « voir plus » » line beside it.
    assert "écrivez" not in json.dumps(blocks, ensure_ascii=False)
    assert blocks[2]["elements"] == [
        {
            "type": "button",
            "action_id": "proa_button_0",
            "text": {"type": "plain_text", "text": "Voir plus", "emoji": True},
            "value": "/show_more",
        },
        {
            "type": "button",
            "action_id": "proa_button_1",
            "text": {"type": "plain_text", "text": "Opérateur de production", "emoji": True},
            "value": '/inform{"metier_id": "industrie/machines/operateur-de-production"}',
        },
        {
            "type": "button",
            "action_id": "proa_button_2",
            "text": {"type": "plain_text", "text": "Durée de la formation", "emoji": True},
            "value": "/ask_duration",
        },
    ]
    assert blocks[3]["elements"] == [
        {
            "type": "mrkdwn",
            "text": "Source :\n• <https://www.legifrance.gouv.fr/conv_coll/id/"
            "KALITEXT000043688159|Accord du 22 janvier 2021 (IDCC 2378), art. 2>",
        }
    ]


def test_slack_escapes_control_characters_in_payload_text(payload):
    payload["text"] = payload["summary"] = "Salut <@U123> <!channel> & <https://evil.example|cliquez>"
    payload["certifications"][0]["title"] = "Titre <b> & co"
    payload["sources"] = [
        {"label": "Texte > résumé", "url": "https://example.org/a?b=1&c=<2>|x y"},
        {"label": "Sans lien <ici>", "url": None},
        {"label": "Pas http", "url": "javascript:alert(1)"},
    ]

    message = slack_message(payload)
    rendered = json.dumps(message, ensure_ascii=False)

    assert "<@U123>" not in rendered and "<!channel>" not in rendered
    assert "<https://evil.example" not in rendered
    assert message["text"] == ("Salut &lt;@U123&gt; &lt;!channel&gt; &amp; &lt;https://evil.example|cliquez&gt;")
    assert message["blocks"][0]["text"]["text"] == message["text"]
    assert "• *Titre &lt;b&gt; &amp; co* — " in message["blocks"][1]["text"]["text"]
    sources = message["blocks"][-1]["elements"][0]["text"]
    assert sources.splitlines() == [
        "Sources :",
        "• <https://example.org/a?b=1&amp;c=%3C2%3E%7Cx%20y|Texte &gt; résumé>",
        "• Sans lien &lt;ici&gt;",
        "• Pas http",
    ]


def test_slack_escape_and_link_helpers():
    assert slack_render.escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert slack_render.link(None, "x<y") == "x&lt;y"
    assert slack_render.link("ftp://example.org", "x") == "x"
    assert slack_render.link("https://example.org/p", "a|b") == "<https://example.org/p|a|b>"


def test_slack_more_is_a_button_only_and_absent_for_none(payload):
    payload["more"] = {"remaining": 1, "hint": "Il y en a 1 autre : écrivez « voir plus ».", "button": MORE}
    blocks = slack_message(payload)["blocks"]
    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert actions["elements"][0]["text"]["text"] == "Voir plus"
    assert "écrivez" not in json.dumps(blocks, ensure_ascii=False)

    payload["more"] = {"remaining": 0}
    assert "voir plus" not in json.dumps(slack_message(payload), ensure_ascii=False)
    payload["more"] = None
    assert "voir plus" not in json.dumps(slack_message(payload), ensure_ascii=False)


def test_slack_without_buttons_or_sources_has_no_empty_blocks(payload):
    payload.update(buttons=[], sources=[], certifications=[], more={"remaining": 0})
    assert [b["type"] for b in slack_message(payload)["blocks"]] == ["section"]


def test_slack_empty_payload_is_still_a_valid_message():
    message = slack_message({})
    assert message == {"text": " "}  # no empty `blocks` list, which Slack refuses


def test_slack_respects_block_kit_limits(payload):
    payload["text"] = payload["summary"] = "\n".join(f"Paragraphe {i} " + "x" * 180 for i in range(40))
    payload["buttons"] = [{"title": f"Bouton {i} " + "y" * 100, "payload": f'/choice{{"i": {i}}}'} for i in range(30)]

    blocks = slack_message(payload)["blocks"]

    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) >= 3
    assert all(len(b["text"]["text"]) <= slack_render.SECTION_TEXT_MAX for b in sections)
    assert "\n".join(b["text"]["text"] for b in sections[:-1]) == payload["text"]
    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert len(actions["elements"]) == slack_render.ACTIONS_MAX
    assert all(len(e["text"]["text"]) <= slack_render.BUTTON_TEXT_MAX for e in actions["elements"])
    assert len({e["action_id"] for e in actions["elements"]}) == len(actions["elements"])


# --- Microsoft Teams ----------------------------------------------------------------


def teams_activity(payload: dict[str, Any]) -> dict[str, Any]:
    message = teams_render.render(payload)
    return message["json_message"]


def test_teams_activity_with_adaptive_card(payload):
    activity = teams_activity(payload)

    assert activity["type"] == "message"
    assert activity["text"] == ""  # the text is in the card, not printed twice
    assert activity["summary"] == PAYLOAD["text"]
    [attachment] = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.5"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["fallbackText"] == PAYLOAD["text"]

    text_block, certifications, toggle, details = card["body"][:4]
    assert text_block == {"type": "TextBlock", "text": PAYLOAD["text"], "wrap": True}
    assert certifications["type"] == "Container"
    assert all(item["type"] == "TextBlock" and item["wrap"] for item in certifications["items"])
    assert [item["text"] for item in certifications["items"]] == [
        "Certifications :",
        "• **TP Soudeur** — [RNCP9467](https://www.francecompetences.fr/recherche/rncp/9467/) (niveau 3)",
        "• **TP Soudeur assembleur industriel** — "
        "[RNCP34502](https://www.francecompetences.fr/recherche/rncp/34502/) (niveau 3)",
        "• **CQP/CQPM Soudeur industriel** — RNCP19460 (sans niveau)",
    ]
    # « Voir plus » is the first button, never also a « écrivez « voir plus » » line.
    assert not any("écrivez" in str(block) for block in card["body"])
    assert toggle["actions"][0]["type"] == "Action.ToggleVisibility"
    assert [item["text"] for item in details["items"]] == [
        "Source :",
        "• [Accord du 22 janvier 2021 (IDCC 2378), art. 2]"
        "(https://www.legifrance.gouv.fr/conv_coll/id/KALITEXT000043688159)",
    ]
    assert card["actions"][0]["data"]["msteams"]["text"] == "/show_more"
    assert card["actions"][1:] == [
        {
            "type": "Action.Submit",
            "title": "Opérateur de production",
            "data": {
                "msteams": {
                    "type": "messageBack",
                    "displayText": "Opérateur de production",
                    "text": '/inform{"metier_id": "industrie/machines/operateur-de-production"}',
                }
            },
        },
        {
            "type": "Action.Submit",
            "title": "Durée de la formation",
            "data": {
                "msteams": {
                    "type": "messageBack",
                    "displayText": "Durée de la formation",
                    "text": "/ask_duration",
                }
            },
        },
    ]


def test_teams_links_are_kept_well_formed(payload):
    payload["sources"] = [
        {"label": "Code [version 2025]", "url": "https://example.org/a (b)"},
        {"label": "Sans lien", "url": None},
        {"label": "Pas http", "url": "javascript:alert(1)"},
    ]
    card = teams_activity(payload)["attachments"][0]["content"]
    details = next(b for b in card["body"] if b.get("id") == teams_render.DETAILS_ID)
    lines = [i["text"] for i in details["items"] if i.get("type") == "TextBlock"]
    start = lines.index("Sources :")
    assert lines[start + 1 : start + 4] == [
        "• [Code (version 2025)](https://example.org/a%20%28b%29)",
        "• Sans lien",
        "• Pas http",
    ]
    assert teams_render.md_link("https://example.org", "x") == "[x](https://example.org)"


def test_teams_card_without_buttons_has_no_actions(payload):
    payload.update(buttons=[], sources=[], certifications=[], more={})
    card = teams_activity(payload)["attachments"][0]["content"]
    assert "actions" not in card
    assert [b["type"] for b in card["body"]] == ["TextBlock"]


def test_teams_actions_are_capped(payload):
    payload["buttons"] = [{"title": f"B{i}", "payload": f"/b{i}"} for i in range(10)]
    card = teams_activity(payload)["attachments"][0]["content"]
    assert len(card["actions"]) == teams_render.ACTIONS_MAX
    # Three in view (no truncation at 540 px), the others in the overflow menu.
    shown = [a for a in card["actions"] if a.get("mode") != "secondary"]
    assert len(shown) == teams_render.ACTIONS_SHOWN == 3
    assert all(a["mode"] == "secondary" for a in card["actions"][3:])


def test_card_channels_show_the_list_once(payload):
    """Slack and Teams render the certifications and sources themselves: the text part
    is the summary, so the list is not shown twice."""
    payload = dict(
        payload, text=payload["summary"] + "\n1. listed again\nSources : cited again", summary=payload["summary"]
    )
    slack = json.dumps(slack_render.render(payload), ensure_ascii=False)
    teams = json.dumps(teams_render.adaptive_card(AnswerPayload.from_wire(payload)), ensure_ascii=False)
    for rendered in (slack, teams):
        assert "listed again" not in rendered and "cited again" not in rendered
        assert payload["certifications"][0]["rncp"] in rendered


# --- version 2: verdict line, parts, whose list, change, next steps ---------------------


@pytest.fixture
def answer() -> dict[str, Any]:
    return copy.deepcopy(PAYLOAD_V2)


def test_v2_slack_opens_with_the_verdict_then_the_part_with_its_figure(answer):
    blocks = slack_message(answer)["blocks"]
    assert blocks[0] == {
        "type": "section",
        "block_id": "proa_verdict",
        "text": {"type": "mrkdwn", "text": f"*{PAYLOAD_V2['verdict_line']}*"},
    }
    part = blocks[1]["text"]["text"].splitlines()
    assert part[0] == "*Période de reconversion (depuis 2026)* : *De 150 à 450 heures de formation sur 12 mois au plus*"
    assert part[1].startswith("La période de reconversion est ouverte")


def test_v2_slack_list_says_whose_it_is_and_explains_a_repeated_title(answer):
    blocks = slack_message(answer)["blocks"]
    listing = blocks[2]["text"]["text"].splitlines()
    assert listing[0] == "*BTS prévus pour d'autres métiers de la liste :*"
    assert listing[1].endswith("(niveau 5) — pour « Responsable d'exploitation de transport de marchandise »")
    assert "Ce titre figure 2 fois dans la liste" in listing[3]


def test_v2_slack_has_a_voir_plus_button_first_and_the_dated_sources_last(answer):
    blocks = slack_message(answer)["blocks"]
    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert [(e["text"]["text"], e["value"]) for e in actions["elements"]] == [("Voir plus", "/show_more")] + [
        (b["title"], b["payload"]) for b in PAYLOAD_V2["buttons"]
    ]
    assert blocks[-1]["block_id"] == "proa_sources"
    sources = blocks[-1]["elements"][0]["text"]
    # One line per source, the day they were checked said once, in French.
    assert sources.splitlines()[-1] == "Vérifié le 20 novembre 2026" and "2026-11-20" not in sources
    assert "Loi n° 2025-989 du 24 octobre 2025 (période de reconversion), art. 11" in sources
    [details] = [b for b in blocks if b.get("block_id") == "proa_details"]
    assert details["elements"][0]["text"] == "*Détails et sources*"
    assert sum("Rappel" in e["text"] for e in details["elements"]) == 1


def test_v2_slack_never_has_more_than_50_blocks_and_keeps_buttons_and_sources(answer):
    answer["parts"] = [{"heading": f"Partie {i}", "figure": None, "text": "texte"} for i in range(80)]
    blocks = slack_message(answer)["blocks"]
    assert len(blocks) == slack_render.BLOCKS_MAX
    assert blocks[0]["block_id"] == "proa_verdict"
    assert blocks[-1]["block_id"] == "proa_sources"
    assert blocks[-2]["block_id"] == "proa_details"
    assert blocks[-3]["block_id"] == "proa_quick_replies"
    assert "Réponse abrégée" in blocks[-4]["elements"][0]["text"]


def test_slack_split_never_cuts_a_link():
    url = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000051234567"
    line = " ".join(f"<{url}|lien {i}>" for i in range(120))  # one line of ~9 000 characters
    parts = slack_render._chunks(line, 3000)
    assert len(parts) > 2
    assert all(len(p) <= 3000 for p in parts)
    for part in parts:
        # Every « < » opens a whole link that closes in the same part.
        assert "<" not in re.sub(r"<https://[^<>|]+\|lien \d+>", "", part)
        assert ">" not in re.sub(r"<https://[^<>|]+\|lien \d+>", "", part)
    assert " ".join(parts) == line


def test_slack_after_choice_shows_the_choice_and_removes_the_buttons(answer):
    blocks = slack_message(answer)["blocks"]
    updated = slack_render.after_choice(blocks, "Durée")
    assert not [b for b in updated if b["type"] == "actions"]
    assert "Vous avez choisi : Durée" in json.dumps(updated, ensure_ascii=False)
    assert len(updated) == len(blocks)
    assert updated[0] == blocks[0]


def test_v2_teams_verdict_is_the_first_text_block(answer):
    card = teams_activity(answer)["attachments"][0]["content"]
    first = card["body"][0]
    assert first["type"] == "TextBlock" and first["text"] == PAYLOAD_V2["verdict_line"]
    assert first["weight"] == "Bolder"
    part = card["body"][1]
    assert [i["text"] for i in part["items"]][:2] == [
        "Période de reconversion (depuis 2026)",
        "De 150 à 450 heures de formation sur 12 mois au plus",
    ]
    listing = card["body"][2]
    assert listing["items"][0]["text"] == "BTS prévus pour d'autres métiers de la liste :"
    assert "— pour « Conseiller clientèle assurance à distance »" in listing["items"][2]["text"]
    assert card["actions"][0]["title"] == "Voir plus"
    # The details are folded (shown by « Détails et sources »), with the day the sources
    # were checked said once, in French.
    toggle = next(
        b for b in card["body"] if b["type"] == "ActionSet" and b["actions"][0]["type"] == "Action.ToggleVisibility"
    )
    assert toggle["actions"][0]["title"] == "Détails et sources"
    details = next(b for b in card["body"] if b.get("id") == teams_render.DETAILS_ID)
    assert details["isVisible"] is False and toggle["actions"][0]["targetElements"] == [teams_render.DETAILS_ID]
    texts = [i.get("text", "") for i in details["items"]]
    assert "Vérifié le 20 novembre 2026" in texts and not any("2026-11-20" in t for t in texts)


def test_v2_rest_text_is_the_composed_text_and_the_payload_travels_with_it(answer):
    message = plain_render.render(answer, include_json=True)
    assert message["text"].splitlines()[0] == PAYLOAD_V2["verdict_line"]
    assert message["json_message"]["parts"] == PAYLOAD_V2["parts"]
