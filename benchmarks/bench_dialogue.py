#!/usr/bin/env python3
"""End-to-end dialogue benchmark: plays YAML conversations through the REST channel and
prints the accuracy per category (a script, not a test; exit code 0).

    .venv/bin/python benchmarks/bench_dialogue.py                   # held-out set
    .venv/bin/python benchmarks/bench_dialogue.py --set dev --only multi_turn
    .venv/bin/python benchmarks/bench_dialogue.py --json /tmp/dialogue.json
    .venv/bin/python benchmarks/bench_dialogue.py --no-stack --url http://127.0.0.1:5005

Sets: benchmarks/data/dialogue_heldout.yml (written before the issue-9 dialogue changes,
never tuned on) and benchmarks/data/dialogue_dev.yml (to work with). The case format and
the fact checks are documented at the top of each file and in benchmarks/dialogue_checks.py.

Unless ``--no-stack``, starts its own action server and ``rasa run`` (tests/e2e/stack.py,
model models/proa.tar.gz, trained by scripts/train.sh first when missing). Cases run one
after the other, each with a new sender id; the branch of a case goes as metadata
{"idcc": …} on its first message. Every request is bounded by ``--timeout``.

Three columns on the same cases:

- REST: the whole assistant (Rasa NLU + dialogue + actions);
- core: ``bot.service.Assistant.default()`` with the built-in parser, every turn of the
  conversation fed with the profile parsed so far (a button payload
  ``/inform{"metier_id": …}`` sets the métier); no Rasa;
- rapidfuzz: plain ``rapidfuzz.process.extractOne`` of the first message over the annex
  métier labels (WRatio, cutoff of benchmarks/bench_matching.py), answering with the
  métier's annex certifications, or a choice when the label is shared by several
  sub-sectors, or a refusal below the cutoff; single-turn IDCC 2378 métier cases and jobs
  not in the annex only.

Targets of issue 9: ≥ 95 % overall, ≥ 95 % on métiers (every metier_* category), 100 % of
jobs not in the annex refused without an invented certification.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from dialogue_checks import Case, CaseResult, Reply, judge, load_cases  # noqa: E402

SETS = {
    "heldout": ROOT / "benchmarks" / "data" / "dialogue_heldout.yml",
    "dev": ROOT / "benchmarks" / "data" / "dialogue_dev.yml",
}
PAYLOAD_PREFIX = "/inform"
TARGETS = {"overall": 95.0, "métiers": 95.0, "not_in_annex": 100.0}


# ----------------------------------------------------------------------------- players
def rest_player(url: str, timeout: float) -> Callable[[Case], list[Reply]]:
    """Plays a case through the REST channel of a running assistant."""

    def play(case: Case) -> list[Reply]:
        sender = f"bench-dialogue-{uuid.uuid4()}"
        replies: list[Reply] = []
        for number, turn in enumerate(case.turns):
            body: dict[str, Any] = {"sender": sender, "message": turn.user}
            if number == 0 and case.idcc:
                body["metadata"] = {"idcc": case.idcc}
            request = urllib.request.Request(
                f"{url.rstrip('/')}/webhooks/rest/webhook",
                data=json.dumps(body).encode("utf-8"),
                headers={"Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    messages = json.load(response)
                reply = Reply.from_messages(messages if isinstance(messages, list) else [])
                if not isinstance(messages, list) or not messages:
                    reply.error = "no bot message"
            except (urllib.error.URLError, OSError, ValueError) as error:
                reply = Reply(error=f"{type(error).__name__}: {error}"[:120])
            replies.append(reply)
        return replies

    return play


def core_player() -> Callable[[Case], list[Reply]]:
    """Plays a case on the core alone (built-in parser, profile carried over the turns)."""
    from bot.profile import Profile
    from bot.service import Assistant
    from bot.understanding.parse import parse_question

    assistant = Assistant.default()

    def to_reply(answer: Any) -> Reply:
        message = {
            "text": answer.text,
            "custom": answer.to_payload(),
            "buttons": [{"title": b.title, "payload": b.payload} for b in answer.buttons],
        }
        return Reply.from_messages([message])

    def play(case: Case) -> list[Reply]:
        profile = Profile(idcc=case.idcc) if case.idcc else Profile()
        replies: list[Reply] = []
        previous: str | None = None  # the question before, as the channels pass it
        for turn in case.turns:
            try:
                if turn.user.startswith(PAYLOAD_PREFIX):
                    payload = json.loads(turn.user[len(PAYLOAD_PREFIX) :] or "{}")
                    profile = profile.with_(metier_id=payload.get("metier_id"))
                    answer = assistant.answer_eligibility(profile)
                else:
                    parsed = parse_question(turn.user, assistant.kb, profile)
                    profile = parsed.profile
                    answer = assistant.route(parsed, context=previous)
                    previous = turn.user
                replies.append(to_reply(answer))
            except Exception as error:  # the benchmark reports a crash as a failed turn
                replies.append(Reply(error=f"{type(error).__name__}: {error}"[:120]))
        return replies

    return play


def rapidfuzz_player() -> Callable[[Case], list[Reply] | None]:
    """Plain label matching of the first message; None for cases it does not apply to."""
    from bench_matching import DEFAULT_BASELINE_CUTOFF
    from rapidfuzz import fuzz, process, utils

    from bot.knowledge.loader import load_knowledge

    branch = load_knowledge().branch(2378)
    by_label: dict[str, list[Any]] = {}
    for metier in branch.metiers:
        by_label.setdefault(metier.label, []).append(metier)
    labels = list(by_label)

    def play(case: Case) -> list[Reply] | None:
        if len(case.turns) != 1 or (case.idcc or 2378) != 2378:
            return None
        if not (case.is_metier or case.category == "not_in_annex"):
            return None
        found = process.extractOne(
            case.turns[0].user,
            labels,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=DEFAULT_BASELINE_CUTOFF,
        )
        if found is None:
            return [Reply()]
        metiers = by_label[found[0]]
        if len(metiers) > 1:
            return [Reply(offered=[m.id for m in metiers])]
        codes = {c.rncp for c in metiers[0].certifications if c.rncp}
        return [Reply(chosen=[metiers[0].id], codes=codes)]

    return play


# ----------------------------------------------------------------------------- report
@dataclass
class Column:
    name: str
    results: dict[str, CaseResult]  # by case id (absent: not applicable)


def _pct(results: Sequence[CaseResult]) -> float | None:
    return 100.0 * sum(r.passed for r in results) / len(results) if results else None


def groups(cases: Sequence[Case]) -> list[tuple]:
    """(label, case ids) per category, then the métiers group and overall."""
    rows = []
    for category in dict.fromkeys(c.category for c in cases):
        rows.append((category, [c.id for c in cases if c.category == category]))
    rows.append(("métiers", [c.id for c in cases if c.is_metier]))
    rows.append(("overall", [c.id for c in cases]))
    return rows


def table(cases: Sequence[Case], columns: Sequence[Column]) -> list[dict[str, Any]]:
    out = []
    for label, case_ids in groups(cases):
        row: dict[str, Any] = {"group": label, "cases": len(case_ids)}
        for column in columns:
            applicable = [column.results[cid] for cid in case_ids if cid in column.results]
            row[column.name] = _pct(applicable)
            row[f"{column.name}_n"] = len(applicable)
        out.append(row)
    return out


def print_table(rows: list[dict[str, Any]], columns: Sequence[Column]) -> None:
    head = f"{'category':<18}{'cases':>6}" + "".join(f"{c.name:>14}" for c in columns) + "   target"
    print(head)
    print("-" * len(head))
    for row in rows:
        if row["group"] == "métiers":
            print("-" * len(head))
        cells = ""
        for column in columns:
            value, n = row[column.name], row[f"{column.name}_n"]
            if value is None:
                cells += f"{'—':>14}"
            else:
                partial = f" ({n})" if n != row["cases"] else ""
                cells += f"{f'{value:.1f} %{partial}':>14}"
        target = TARGETS.get(row["group"])
        mark = "" if not target else f"{'=' if target >= 100 else '≥'} {target:.0f} %"
        print(f"{row['group']:<18}{row['cases']:>6}{cells}   {mark}")


def print_failures(column: Column, limit: int) -> None:
    failed = [r for r in column.results.values() if not r.passed]
    print(f"\nFailures ({column.name}): {len(failed)}")
    for result in failed[:limit]:
        first = result.case.turns[0].user
        print(f"- {result.case.id} [{result.case.category}] « {first[:70]} »")
        for failure in result.failures[:4]:
            print(f"    {failure[:220]}")
    if len(failed) > limit:
        print(f"  … {len(failed) - limit} more (--failures N, or --json)")


def _result_json(result: CaseResult) -> dict[str, Any]:
    """One case's outcome; a failed case keeps what came back (trimmed) to read it later."""
    out: dict[str, Any] = {"passed": result.passed, "category": result.case.category, "failures": result.failures}
    if not result.passed:
        out["turns"] = [
            {
                "user": turn.user,
                "expect": dict(turn.expect),
                "got": [{k: m.get(k) for k in ("text", "buttons") if isinstance(m, dict)} for m in reply.raw][:3]
                if reply.error is None
                else reply.error,
            }
            for turn, reply in zip(result.case.turns, result.replies, strict=False)
        ]
    return out


# ----------------------------------------------------------------------------- stack
def start_stack(workdir: Path):
    """Action server + rasa run on free ports (tests/e2e/stack.py); trains when needed."""
    from tests.e2e.stack import MODEL, ActionServer, RasaServer

    if not MODEL.exists():
        print(f"no model at {MODEL}: running scripts/train.sh …", flush=True)
        subprocess.run(["bash", str(ROOT / "scripts" / "train.sh")], cwd=ROOT, check=True)
    actions = ActionServer(log_path=workdir / "actions.log").start()
    try:
        rasa = RasaServer(workdir=workdir, action_url=actions.url).start()
    except Exception:
        actions.stop()
        raise
    return actions, rasa


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="heldout")
    parser.add_argument("--cases", type=Path, help="another case file (overrides --set)")
    parser.add_argument("--only", metavar="CATEGORY", help="run one category (or 'metier' for every metier_*)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every result to FILE")
    parser.add_argument("--no-stack", action="store_true", help="use a running assistant at --url")
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per REST request")
    parser.add_argument("--no-core", action="store_true", help="skip the core column")
    parser.add_argument("--failures", type=int, default=80, help="failures listed per column")
    args = parser.parse_args(argv)
    # A plain `kill` must still stop the servers this script started (finally below).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    path = args.cases or SETS[args.set]
    cases = load_cases(path)
    if args.only:
        cases = [c for c in cases if c.category == args.only or (args.only == "metier" and c.is_metier)]
    print(f"{len(cases)} cases from {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    columns: list[Column] = []
    workdir = Path(tempfile.mkdtemp(prefix="proa-bench-dialogue-"))
    stack = None
    try:
        url = args.url
        if not args.no_stack:
            started = time.monotonic()
            stack = start_stack(workdir)
            url = stack[1].url
            print(f"stack up in {time.monotonic() - started:.0f} s at {url}", flush=True)
        play = rest_player(url, args.timeout)
        rest = Column("REST", {})
        started = time.monotonic()
        for number, case in enumerate(cases, start=1):
            rest.results[case.id] = judge(case, play(case))
            if number % 25 == 0:
                print(f"  {number}/{len(cases)} cases played ({time.monotonic() - started:.0f} s)", flush=True)
        columns.append(rest)
    finally:
        if stack is not None:
            for server in reversed(stack):
                server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    if not args.no_core:
        play_core = core_player()
        columns.append(Column("core", {c.id: judge(c, play_core(c)) for c in cases}))
    play_fuzz = rapidfuzz_player()
    fuzz_results = {}
    for case in cases:
        replies = play_fuzz(case)
        if replies is not None:
            fuzz_results[case.id] = judge(case, replies)
    columns.append(Column("rapidfuzz", fuzz_results))

    rows = table(cases, columns)
    print()
    print_table(rows, columns)
    for column in columns[:2]:
        print_failures(column, args.failures)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "set": str(path),
                    "table": rows,
                    "results": {
                        column.name: {cid: _result_json(r) for cid, r in column.results.items()} for column in columns
                    },
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
        print(f"\nresults written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
