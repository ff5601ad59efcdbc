#!/usr/bin/env python3
"""CPU cost of the profile form's ``required_slots`` per turn (a script, not a test).

Runs ``ValidateProfileForm`` (actions/forms.py) on rasa_sdk trackers of typical form
turns, with the real domain.yml and knowledge, and prints per case: how many times one
``run`` calls ``required_slots``, the CPU (``time.process_time``) of one
``required_slots`` call and of the whole ``run``, and, for comparison, the CPU of
the same calls when the core's answer is memoised per ``(topic, Profile)`` (what
"computing what is missing once per immutable Profile" would give; patched in this
process only).

    .venv/bin/python benchmarks/bench_actions.py
"""

from __future__ import annotations

import asyncio
import functools
import sys
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REPO = Path(__file__).resolve().parents[1]

#: (label, slots, latest intent, latest text, entities, requested slot)
CASES = [
    (
        "eligibility, all known",
        {"contract": "cdi_interimaire", "metier": "cariste", "last_topic": "eligibility"},
        "ask_eligibility",
        "Je suis cariste en CDI intérimaire, ai-je droit à la Pro-A ?",
        [{"entity": "metier", "value": "cariste"}, {"entity": "contract", "value": "CDI intérimaire"}],
        None,
    ),
    (
        "eligibility, contract missing",
        {"metier": "soudeur", "last_topic": "eligibility"},
        "ask_eligibility",
        "Je suis soudeur, ai-je droit à la Pro-A ?",
        [{"entity": "metier", "value": "soudeur"}],
        None,
    ),
    (
        "certifications, métier known",
        {"metier": "préparateur de commandes", "last_topic": "certifications"},
        "ask_certifications",
        "Quelles certifications pour un préparateur de commandes ?",
        [{"entity": "metier", "value": "préparateur de commandes"}],
        None,
    ),
    (
        "certifications, métier asked",
        {"last_topic": "certifications", "contract": "cdi"},
        "inform",
        "magasinier",
        [],
        "metier",
    ),
]


def tracker_for(slots: dict[str, Any], intent: str, text: str, entities: list[dict[str, Any]], requested: str | None):
    from rasa_sdk import Tracker

    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    all_slots = {name: None for name in domain.get("slots", {})}
    all_slots["idcc"] = "2378"
    all_slots.update(slots)
    all_slots["requested_slot"] = requested
    message = {"intent": {"name": intent, "confidence": 0.95}, "text": text, "entities": entities}
    slot_events = [{"event": "slot", "name": k, "value": v} for k, v in slots.items()]
    return domain, Tracker(
        sender_id="bench",
        slots=all_slots,
        latest_message=message,
        events=[{"event": "user", "text": text, "parse_data": message}, *slot_events],
        paused=False,
        followup_action=None,
        active_loop={"name": "profile_form"},
        latest_action_name="action_listen",
    )


def measure(repeat: int = 30) -> list[dict[str, Any]]:
    from rasa_sdk.executor import CollectingDispatcher

    from actions.common import assistant
    from actions.forms import ValidateProfileForm

    form = ValidateProfileForm()
    original = ValidateProfileForm.required_slots
    calls = [0]

    async def counted(self, *args, **kwargs):
        calls[0] += 1
        return await original(self, *args, **kwargs)

    ValidateProfileForm.required_slots = counted
    results = []
    for label, slots, intent, text, entities, requested in CASES:
        domain, tracker = tracker_for(slots, intent, text, entities, requested)
        asyncio.run(form.run(CollectingDispatcher(), tracker, domain))  # warm-up: matchers, caches
        calls[0] = 0
        asyncio.run(form.run(CollectingDispatcher(), tracker, domain))
        per_run = calls[0]
        started = time.process_time()
        for _ in range(repeat):
            asyncio.run(
                original(
                    form, domain["forms"]["profile_form"]["required_slots"], CollectingDispatcher(), tracker, domain
                )
            )
        one_call = (time.process_time() - started) / repeat
        started = time.process_time()
        for _ in range(repeat):
            asyncio.run(form.run(CollectingDispatcher(), tracker, domain))
        one_run = (time.process_time() - started) / repeat
        results.append(
            {
                "case": label,
                "required_slots_calls_per_run": per_run,
                "required_slots_ms": 1000 * one_call,
                "run_ms": 1000 * one_run,
            }
        )

    # The same with the core's answers memoised per (method, Profile): the cost left.
    core = assistant()
    for name in ("answer_eligibility", "answer_certifications"):
        setattr(core, name, functools.lru_cache(maxsize=256)(getattr(core, name)))
    for result, (_label, slots, intent, text, entities, requested) in zip(results, CASES, strict=False):
        domain, tracker = tracker_for(slots, intent, text, entities, requested)
        asyncio.run(form.run(CollectingDispatcher(), tracker, domain))
        started = time.process_time()
        for _ in range(repeat):
            asyncio.run(form.run(CollectingDispatcher(), tracker, domain))
        result["run_ms_memoised"] = 1000 * (time.process_time() - started) / repeat
    ValidateProfileForm.required_slots = original
    return results


def main() -> int:
    from bot.understanding.parse import parse_date  # noqa: F401 - the core imports cleanly first

    for r in measure():
        print(
            f"{r['case']}: required_slots ×{r['required_slots_calls_per_run']} per run, "
            f"{r['required_slots_ms']:.2f} ms each; run {r['run_ms']:.2f} ms, "
            f"with answers memoised per Profile {r['run_ms_memoised']:.2f} ms (CPU)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
