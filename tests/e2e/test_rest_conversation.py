"""Real conversations through the REST channel of a running ``rasa run`` (trained model,
action server, SQLite tracker store): the answers come from the NLU model, the dialogue
policies, the custom actions and the domain core together.

The checks are made against the knowledge base (codes, ids, sources), not against
answer texts copied from a previous run.
"""

from __future__ import annotations

import uuid

import pytest

from bot.knowledge.loader import load_knowledge
from tests.e2e.talk import BUSY_TEXT, fold, joined, looks_french

pytestmark = pytest.mark.e2e


def _sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def payloads(messages: list[dict[str, object]]) -> list[dict[str, object]]:
    """The structured answers (``json_message``, shown as ``custom`` by the REST channel)."""
    return [
        m["custom"] for m in messages if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "proa_answer"
    ]


def the_payload(messages: list[dict[str, object]]) -> dict[str, object]:
    found = payloads(messages)
    assert len(found) == 1, messages
    return found[0]


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def annex_codes(kb, idcc: int) -> set:
    return {c.rncp for m in kb.branch(idcc).metiers for c in m.certifications if c.rncp}


def test_cariste_bts_then_another_metier_keeps_the_context(rasa_server, kb):
    sender = _sender("cariste")
    first = rasa_server.say(sender, "je suis cariste en CDI, puis-je viser un BTS ?")
    text = joined(first)
    assert looks_french(text) and BUSY_TEXT not in text, text
    payload = the_payload(first)
    assert payload["topic"] == "eligibility"
    assert payload["branch"]["idcc"] == 2378
    metier = kb.branch(2378).metier(payload["metier"]["id"])
    assert "cariste" in fold(metier.label)
    # Today the Pro-A cannot start any more: the answer names the new scheme and its law.
    assert "periode de reconversion" in fold(text), text
    assert any("2025-989" in s["label"] for s in payload["sources"]), payload["sources"]
    # The BTS of the branch list, each with a code of the annex and a level.
    assert payload["certifications"], payload
    for certification in payload["certifications"]:
        assert certification["title"].upper().startswith("BTS")
        assert certification["rncp"] in annex_codes(kb, 2378)
        assert certification["level"]

    tracker = rasa_server.tracker(sender)
    assert tracker["slots"]["contract"] in ("cdi", "cdi_interimaire")
    assert tracker["slots"]["target_diploma"] == "bts"

    second = rasa_server.say(sender, "et pour un chaudronnier ?")
    payload = the_payload(second)
    assert "chaudronnier" in fold(payload["metier"]["label"])
    assert payload["branch"]["idcc"] == 2378
    after = rasa_server.tracker(sender)["slots"]
    assert after["contract"] == tracker["slots"]["contract"]
    assert after["target_diploma"] == "bts"


def test_ambiguous_metier_asks_which_one_and_the_button_answers(rasa_server, kb):
    sender = _sender("electricien")
    first = rasa_server.say(sender, "quelles formations pour un électricien ?")
    buttons = [b for m in first for b in (m.get("buttons") or [])]
    assert len(buttons) >= 2, first
    assert all("electricien" in fold(str(b["title"])) for b in buttons), buttons
    assert the_payload(first)["verdict"] == "needs_information"

    second = rasa_server.say(sender, str(buttons[0]["payload"]))
    payload = the_payload(second)
    metier = kb.branch(2378).metier(payload["metier"]["id"])
    assert payload["topic"] == "certifications"
    listed = {c["rncp"] for c in payload["certifications"]}
    assert listed and listed <= {c.rncp for c in metier.certifications}
    assert all(f"({c['rncp']}, {c['level']})" in joined(second) for c in payload["certifications"])


def test_long_list_goes_on_with_voir_plus(rasa_server, kb):
    sender = _sender("soudeur")
    first = the_payload(rasa_server.say(sender, "quelles certifications pour un soudeur ?"))
    remaining = first["more"]["remaining"]
    assert remaining > 0, first
    second = the_payload(rasa_server.say(sender, "voir plus"))
    shown = [c["rncp"] for c in first["certifications"] + second["certifications"]]
    assert len(second["certifications"]) == remaining
    metier = kb.branch(2378).metier(first["metier"]["id"])
    assert sorted(shown) == sorted({c.rncp for c in metier.certifications})


def test_metier_of_the_study_without_listed_certification(rasa_server):
    answer = rasa_server.say(_sender("plaquiste"), "je suis plaquiste, quelles certifications ?")
    text = fold(joined(answer))
    assert "metiers a enjeux" in text and "aucune certification" in text, text
    assert any("art. 3-2" in s["label"] for s in the_payload(answer)["sources"])


def test_faq_in_the_sdlm_branch_cites_its_agreement(rasa_server):
    sender = _sender("sdlm")
    answer = rasa_server.say(sender, "je travaille dans une entreprise SDLM, qui est mon tuteur pendant la pro-a ?")
    payload = the_payload(answer)
    assert payload["branch"]["idcc"] == 1404
    assert any("IDCC 1404" in s["label"] for s in payload["sources"]), payload["sources"]
    assert looks_french(joined(answer))


def test_pro_a_signed_before_2026_goes_on_under_the_agreement(rasa_server, kb):
    sender = _sender("ongoing")
    answer = rasa_server.say(
        sender, "mon avenant pro-a a été signé le 10 décembre 2025, je suis soudeur en CDI intérimaire, ai-je droit ?"
    )
    payload = the_payload(answer)
    assert payload["verdict"] == "eligible", joined(answer)
    assert any(s["label"].startswith("Accord Pro-A du 22 janvier 2021") for s in payload["sources"])


def test_out_of_scope_and_gibberish_get_the_french_scope_message(rasa_server):
    for message in ("quelle est la météo demain ?", "azertyuiop qsdfg"):
        text = joined(rasa_server.say(_sender("scope"), message))
        assert looks_french(text), text
        assert "pro-a" in fold(text), text


def test_the_channel_can_start_the_conversation_in_another_branch(rasa_server):
    """Metadata ``{"idcc": 1404}`` on the first message (REST ``metadata``, socket.io
    ``metadata`` of ``user_uttered``) starts the conversation in the SDLM branch."""
    import json

    sender = _sender("preset")
    body = json.dumps(
        {"sender": sender, "message": "combien de temps dure la pro-a ?", "metadata": {"idcc": 1404}}
    ).encode("utf-8")
    status, answer = rasa_server.post("/webhooks/rest/webhook", body)
    assert status == 200, answer
    assert the_payload(answer)["branch"]["idcc"] == 1404
    assert rasa_server.tracker(sender)["slots"]["idcc"] == "1404"
    # Without metadata, the default branch.
    default = rasa_server.say(_sender("default"), "combien de temps dure la pro-a ?")
    assert the_payload(default)["branch"]["idcc"] == 2378
