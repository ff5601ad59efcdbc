"""Benchmark of jobs described by their tasks, and of refusals (prints figures).

Usage::

    .venv/bin/python benchmarks/bench_tasks.py [--csv PATH]

The queries (``benchmarks/data/task_queries.csv``, columns ``query,expected,kind``) were
written by hand for this benchmark: descriptions of what a person does (``expected`` is
the annex métier id) and descriptions of jobs the annex does not have or questions that
name no job (``NOT_IN_LIST``). Both methods run on the IDCC 2378 branch:

- ours: :class:`bot.matching.MetierMatcher` (titles, then the task scorer);
- baseline: ``rapidfuzz.process.extractOne`` over the plain annex labels (WRatio, cutoff
  86, as in bench_matching.py).

A description counts when the result is ``matched`` on the expected métier; a refusal
when nothing is matched (``not_in_list`` / ``empty``; ambiguous or suggested counts as a
far-fetched match). Also the refusal queries of metier_queries.csv that get a task match.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.matching import MetierMatcher  # noqa: E402

DEFAULT_CSV = ROOT / "benchmarks" / "data" / "task_queries.csv"
CUTOFF = 86.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    args = parser.parse_args()
    branch = load_knowledge().branch(2378)
    matcher = MetierMatcher(branch)
    labels = {m.label: m.id for m in branch.metiers}
    with args.csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ours = {"description": [0, 0], "refusal": [0, 0]}
    base = {"description": [0, 0], "refusal": [0, 0]}
    failures = []
    times = []
    for row in rows:
        kind, expected = row["kind"], row["expected"]
        start = time.perf_counter()
        result = matcher.match(row["query"])
        times.append((time.perf_counter() - start) * 1000.0)
        if kind == "description":
            ok = result.status == "matched" and result.best.metier.id == expected
        else:
            ok = result.status in ("not_in_list", "empty")
        ours[kind][0] += ok
        ours[kind][1] += 1
        if not ok:
            failures.append(
                (row["query"], expected, result.status, [c.metier.id for c in result.candidates][:3], result.evidence)
            )
        found = process.extractOne(
            row["query"], list(labels), scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=CUTOFF
        )
        got = labels[found[0]] if found else "NOT_IN_LIST"
        base[kind][0] += got == expected
        base[kind][1] += 1
    with (ROOT / "benchmarks" / "data" / "metier_queries.csv").open(encoding="utf-8") as handle:
        refusals = [r["query"] for r in csv.DictReader(handle) if r["expected"] == "NOT_IN_LIST"]
    far_fetched = [q for q in refusals if matcher.match(q).source == "tasks"]
    print(f"{len(rows)} queries from {args.csv.relative_to(ROOT)}")
    print(f"{'':34s}{'MetierMatcher':>18s}{'baseline WRatio≥86':>22s}")
    for kind, name in (("description", "jobs described by tasks (top-1)"), ("refusal", "refusals (nothing matched)")):
        o, b = ours[kind], base[kind]
        print(f"{name:34s}{100 * o[0] / o[1]:8.1f} % ({o[0]}/{o[1]}){100 * b[0] / b[1]:12.1f} % ({b[0]}/{b[1]})")
    print(f"refusal queries of metier_queries.csv with a task match: {len(far_fetched)}/{len(refusals)} {far_fetched}")
    print(f"ms / match: mean {statistics.mean(times):.3f}, max {max(times):.3f}")
    if failures:
        print(f"\nMetierMatcher failures ({len(failures)}):")
        for query, expected, status, got, evidence in failures:
            print(f"  {query!r}: expected {expected}, got {status} {got} {evidence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
