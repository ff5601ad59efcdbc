"""Time of ``bot review --since 30d`` over a generated SQLite tracker store (issue 22).

    .venv/bin/python -m benchmarks.bench_review                 # 10,000 conversations, goal < 5 s
    .venv/bin/python -m benchmarks.bench_review --conversations 2000 --keep /tmp/review.db

Each generated conversation looks like a stored one (session start, slots, actions, the
user message, the structured answer with its ``understood`` part): about 15 events, a
quarter of them turns to review (fallback, question back, refusal, « Non », low score),
spread over the last 30 days.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from bot.review import FORMATS, review

SCHEMA = (
    "CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, "
    "timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT, PRIMARY KEY (id))"
)
QUESTIONS = (
    "qui finance la formation pendant ma pro-a ?",
    "combien de temps dure la période de reconversion",
    "je suis cariste en CDI, puis-je viser un BTS ?",
    "mon tuteur doit-il être formé ?",
    "c'est quoi la certification cléa",
    "je suis astronaute, j'ai droit à quoi ?",
    "écrivez-moi à jean.dupont@example.org",
    "est-ce que je suis payé pendant la formation en 2026 ?",
)
ANSWERS = (
    ("info", "De 6 à 12 mois, jusqu'à 36 mois pour certains publics."),
    ("needs_information", "Je veux être sûr de répondre à votre question : de quoi parlez-vous ?"),
    ("info", "Ce métier ne figure pas dans la liste de la branche Travail temporaire."),
    ("not_eligible", "Non, votre situation ne permet pas une Pro-A dans la branche Travail temporaire."),
)


def generate(path: Path, conversations: int, days: int = 30, seed: int = 22) -> int:
    """Write ``conversations`` conversations; returns the number of events."""
    rng = random.Random(seed)
    now = time.time()
    db = sqlite3.connect(path)
    db.execute(SCHEMA)
    db.execute("CREATE INDEX ix_events_sender_id ON events (sender_id)")
    rows = []
    for n in range(conversations):
        sender, t = f"bench-{n:06d}", now - rng.random() * days * 86400
        events: list[tuple[str, str | None, str | None, dict[str, object]]] = [
            ("action", None, "action_session_start", {"name": "action_session_start"}),
            ("session_started", None, None, {}),
            ("action", None, "action_listen", {"name": "action_listen"}),
        ]
        for _ in range(rng.choice((1, 1, 2, 3))):
            text = rng.choice(QUESTIONS) + rng.choice(("", " ?", " svp", f" {rng.randint(1, 99)}"))
            confidence = rng.choice((0.99, 0.97, 0.5, 0.2))
            intent = "nlu_fallback" if confidence < 0.3 else "faq"
            parse = {"intent": {"name": intent, "confidence": confidence}, "entities": []}
            events.append(("user", intent, None, {"text": text, "parse_data": parse, "input_channel": "rest"}))
            events.append(("user_featurization", None, None, {"use_text_for_featurization": False}))
            if intent == "nlu_fallback":
                events.append(("action", None, "action_two_stage_fallback", {"name": "action_two_stage_fallback"}))
                events.append(
                    (
                        "bot",
                        None,
                        None,
                        {
                            "text": "Pouvez-vous reformuler ?",
                            "data": {},
                            "metadata": {"utter_action": "utter_ask_rephrase"},
                        },
                    )
                )
            else:
                verdict, line = rng.choice(ANSWERS) if rng.random() < 0.3 else ANSWERS[0]
                score = round(rng.uniform(0.1, 0.7), 3)
                custom = {
                    "type": "proa_answer",
                    "verdict": verdict,
                    "verdict_line": line,
                    "topic": "faq:duration",
                    "text": line + " " + "Source : accord de branche. " * 20,
                    "understood": {
                        "topic": "faq:duration",
                        "rules": ["idcc2378.duration"],
                        "reading": {"regime": "proa_ongoing", "scheme": "proa", "scores": {"idcc2378.duration": score}},
                    },
                }
                events.append(("action", None, "action_answer_faq", {"name": "action_answer_faq"}))
                events.append(("bot", None, None, {"text": line, "data": {"custom": custom}, "metadata": {}}))
                events.append(("slot", None, "faq_topic", {"name": "faq_topic", "value": "duration"}))
                events.append(("slot", None, "last_topic", {"name": "last_topic", "value": "faq"}))
            events.append(("action", None, "action_listen", {"name": "action_listen"}))
        for type_name, intent_name, action_name, data in events:
            t += 0.01
            rows.append(
                (
                    sender,
                    type_name,
                    t,
                    intent_name,
                    action_name,
                    json.dumps({"event": type_name, "timestamp": t, **data}, ensure_ascii=False),
                )
            )
    db.executemany(
        "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.commit()
    db.close()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, default=None, help="write the database here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "trackers.db"
        started = time.perf_counter()
        events = generate(path, args.conversations)
        print(f"generated {args.conversations} conversations, {events} events in {time.perf_counter() - started:.1f} s")
        from datetime import datetime, timedelta, timezone

        now = datetime.now(timezone.utc)
        started = time.perf_counter()
        result = review(str(path), now - timedelta(days=30), now)
        output = FORMATS["table"](result)
        elapsed = time.perf_counter() - started
        print(
            f"bot review --since 30d: {elapsed:.2f} s ({result.messages} messages to review of {result.turns}, "
            f"{len(result.groups)} groups, {len(output)} characters of table); goal < 5 s"
        )


if __name__ == "__main__":
    main()
