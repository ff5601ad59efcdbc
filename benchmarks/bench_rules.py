#!/usr/bin/env python3
"""Rule finder benchmark: CPU per search, and what the thresholds do on a case file
(a script, not a test; exit code 0).

    .venv/bin/python benchmarks/bench_rules.py                                  # the dev set
    .venv/bin/python benchmarks/bench_rules.py --cases benchmarks/data/rules_dev.yml --repeat 20

For every first message of the cases (core only, no Rasa): the rule search of
:meth:`bot.service.Assistant.search_rules` (CPU time per search, median and p95, over
``--repeat`` rounds, measured with ``time.process_time`` so that a busy machine counts only
this process), the best score, whether the answer asks back, and the share of cases whose
answer passes the case's checks at each threshold of ``ASK_BELOW`` (what was used to set it).
Never run it on the blind sets (benchmarks/data/rules_blind*.yml): they are held out.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from dialogue_checks import Reply, check_turn, load_cases  # noqa: E402

from bot.profile import Profile  # noqa: E402
from bot.service import Assistant  # noqa: E402
from bot.understanding import rule_search  # noqa: E402

DEFAULT_CASES = ROOT / "benchmarks" / "data" / "rules_dev.yml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    if "blind" in args.cases.name:
        parser.error("the blind sets are held out: run them end to end with bench_dialogue.py --failures 0")

    assistant = Assistant.default()
    cases = load_cases(args.cases)
    firsts = [(case, case.turns[0]) for case in cases]
    profiles = [Profile(idcc=case.idcc or 2378) for case, _ in firsts]
    assistant.rule_finder  # noqa: B018 - built before timing

    times: list[float] = []
    for _ in range(max(1, args.repeat)):
        for (_, turn), profile in zip(firsts, profiles, strict=True):
            start = time.process_time()
            assistant.search_rules(turn.user, profile)
            times.append((time.process_time() - start) * 1000)
    times.sort()
    print(f"cases: {len(firsts)} first messages of {args.cases.name}")
    print(
        f"rule search CPU per message: median {statistics.median(times):.2f} ms, "
        f"p95 {times[int(0.95 * (len(times) - 1))]:.2f} ms"
    )

    original = rule_search.ASK_BELOW
    print("\nASK_BELOW  asked back  first turn passes")
    for threshold in (0.03, 0.05, 0.07, 0.10, 0.15, 0.20):
        rule_search.ASK_BELOW = threshold
        asked = passed = 0
        for (_, turn), profile in zip(firsts, profiles, strict=True):
            answer = assistant.answer_message(turn.user, profile)
            reply = Reply.from_messages([{"text": answer.text, "custom": answer.to_payload()}])
            asked += answer.verdict == "needs_information"
            passed += not check_turn(turn.expect, reply)
        mark = "  <- in use" if threshold == original else ""
        print(f"  {threshold:.2f}      {asked:4d}        {passed:4d} / {len(firsts)}{mark}")
    rule_search.ASK_BELOW = original
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
