#!/usr/bin/env python3
"""How the métier matcher and the job-segment finder cope with very long messages
(a script that prints figures; the unit tests only check the results are bounded).

Times, after a warm-up, the inputs of tests/bot/test_matching.py and
tests/bot/test_text.py (10 000 characters of noise after « cariste », a job repeated
1 250 times, 2 000 filler words) and 200 ordinary queries, and prints the median and the
worst of a few runs. Figures depend on the machine: compare them on one machine only.

    .venv/bin/python benchmarks/bench_long_input.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ORDINARY = ["soudeuse", "chef d'équipe", "je suis cariste depuis 5 ans", "boulanger", "aide-soigant"] * 40


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and worst wall time of ``work`` over ``runs`` runs, in milliseconds."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1000, max(seconds) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    from bot.service import Assistant
    from bot.text import job_segments

    matcher = Assistant.default().matcher(2378)
    matcher.match("cariste")  # loads spaCy and the index: not part of the figures

    cases: list[tuple[str, Callable[[], object]]] = [
        ("match: « je suis cariste » + 10 000 × « x »", lambda: matcher.match("je suis cariste " + "x" * 10_000)),
        ("match: « soudeur » × 1 250", lambda: matcher.match("soudeur " * 1250)),
        (
            "job_segments: 2 000 filler words",
            lambda: job_segments("je suis cariste " + "blabla " * 2000 + "et soudeur"),
        ),
        ("match: 200 ordinary queries", lambda: [matcher.match(q) for q in ORDINARY]),
    ]
    print(f"{'input':48}{'median ms':>12}{'worst ms':>12}  ({args.runs} runs)")
    for name, work in cases:
        median, worst = timed(work, args.runs)
        print(f"{name:48}{median:12.1f}{worst:12.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
