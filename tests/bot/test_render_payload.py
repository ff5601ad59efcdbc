"""``bot.render.payload``: the wire payload read once into typed parts, tolerantly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.compose.parts import Button, ChangeKind
from bot.render.payload import AnswerPayload, part_text, safe_url

REPO_ROOT = Path(__file__).resolve().parents[2]
PAYLOAD: dict[str, Any] = json.loads((REPO_ROOT / "tests/fixtures/render/answer_v2.json").read_text(encoding="utf-8"))


def test_an_empty_payload_reads_as_an_empty_answer():
    assert AnswerPayload.from_wire({}) == AnswerPayload()


def test_a_real_payload_is_read_whole():
    answer = AnswerPayload.from_wire(PAYLOAD)
    assert answer.text == PAYLOAD["text"] and answer.summary == PAYLOAD["summary"]
    assert answer.verdict_line == PAYLOAD["verdict_line"].strip()
    assert [c.rncp for c in answer.certifications] == [c["rncp"] for c in PAYLOAD["certifications"]]
    assert [s.label for s in answer.sources] == [s["label"] for s in PAYLOAD["sources"]]
    assert len(answer.parts) == len(PAYLOAD["parts"]) and answer.list_heading == PAYLOAD["list"]["heading"]
    assert answer.change is not None and answer.change.button is not None and answer.remaining == 1
    # « Voir plus » first when the list goes on, then the payload's buttons.
    assert answer.quick_replies[0] == Button(PAYLOAD["more"]["button"]["title"], PAYLOAD["more"]["button"]["payload"])
    assert answer.quick_replies[1:] == tuple(Button(b["title"], b["payload"]) for b in PAYLOAD["buttons"])


def test_a_version_1_payload_keeps_its_prose():
    answer = AnswerPayload.from_wire({"version": 1, "text": "Tout", "buttons": [{"title": "A", "payload": "/a"}]})
    assert answer.verdict_line == "" and answer.summary == "Tout" and answer.parts == ()
    assert answer.buttons == (Button("A", "/a"),)


def test_parts_are_cleaned_and_empty_ones_dropped():
    wire = {
        "parts": [
            {"heading": " Pro-A ", "figure": None, "text": " t ", "detail": False},
            {"heading": "", "figure": "", "text": ""},
            {"heading": None, "text": "détail", "detail": True},
            "junk",
        ]
    }
    answer = AnswerPayload.from_wire(wire)
    assert [(p.heading, p.figure, part_text(p)) for p in answer.main_parts] == [("Pro-A", None, "t")]
    assert [part_text(p) for p in answer.detail_parts] == ["détail"]


def test_unsafe_urls_are_dropped():
    wire = {
        "certifications": [{"title": "CAP", "rncp": "RNCP1", "url": "javascript:alert(1)"}],
        "sources": [{"label": "Accord", "url": " https://example.org/a "}],
        "next_step": {"text": "x", "contacts": [{"name": "A", "url": "data:x"}, {"name": "B", "url": "https://b.org"}]},
    }
    answer = AnswerPayload.from_wire(wire)
    assert answer.certifications[0].url is None
    assert answer.sources[0].url == "https://example.org/a"
    assert answer.next_step is not None and [c.name for c in answer.next_step.contacts] == ["B"]
    assert safe_url("ftp://example.org") is None and safe_url(3) is None


@pytest.mark.parametrize("odd", [None, "x", 3, True, {"a": 1}])
def test_ill_typed_values_hold_nothing(odd: Any):
    keys = ("parts", "certifications", "sources", "buttons", "list", "more", "change", "next_step", "feedback")
    answer = AnswerPayload.from_wire({key: odd for key in keys})
    assert answer == AnswerPayload()


def test_entries_that_cannot_be_shown_are_dropped():
    answer = AnswerPayload.from_wire(
        {
            "certifications": [{"title": "", "rncp": None}, {"rncp": "RNCP2", "level": None, "metier": " "}],
            "sources": [{"url": "https://example.org"}],
            "buttons": [{"title": "A"}, {"payload": "/b"}],
            "more": {"remaining": 0, "button": {"title": "Voir plus", "payload": "/show_more"}},
            "feedback": {"question": " ", "answer_id": "0123456789ab", "buttons": [{"title": "Oui", "payload": "/f"}]},
            "change": {"kind": "unknown", "text": " Rappel "},
        }
    )
    [cert] = answer.certifications
    assert (cert.title, cert.rncp, cert.level, cert.metier) == ("", "RNCP2", "", None)
    assert answer.sources == () and answer.buttons == () and answer.quick_replies == ()
    assert answer.feedback is None and answer.answer_id == "0123456789ab"
    assert answer.change is not None and answer.change.kind == ChangeKind.RECALLED and answer.change.text == "Rappel"


def test_details_of_a_record_read_as_detail_parts():
    answer = AnswerPayload.from_details({"parts": [{"heading": "Avant 2026", "text": "t"}], "notes": ["n"]})
    assert answer.main_parts == () and [p.heading for p in answer.detail_parts] == ["Avant 2026"]
    assert answer.list_notes == ("n",)
