"""Benchmark of the métier matcher against a plain rapidfuzz baseline (prints figures).

Usage::

    .venv/bin/python benchmarks/bench_matching.py [--csv PATH] [--baseline-cutoff 85]

The queries (``benchmarks/data/metier_queries.csv``, columns ``query,expected,kind``) were
written by hand for this benchmark; ``expected`` is a métier id, ``NOT_IN_LIST``,
``ENJEUX:<enjeux id>`` or ``AMBIGUOUS:<id1>|<id2>|…``.

Both methods run in the same process on the same queries:

- ours: :class:`bot.matching.MetierMatcher` on the IDCC 2378 branch;
- baseline: ``rapidfuzz.process.extractOne(query, annex_labels, scorer=fuzz.WRatio,
  processor=utils.default_process, score_cutoff=CUTOFF)`` over the plain annex métier
  labels. Below the cutoff it refuses (returns None). It cannot say "ambiguous" nor
  recognise an OIR métier à enjeux: a refusal counts as correct for both kinds of
  unknown job.

Figures: top-1 accuracy on known jobs (expected is a métier id: the method must return
exactly that métier, ``matched`` for ours), accuracy of refusals (``not_in_list``, or
``enjeux_without_certification`` with the right enjeux for ours), ambiguous queries
handled (ours: ``ambiguous`` with exactly the expected métiers), time per match after
loading (first pass over the queries, so the per-word caches start cold), load time, and
every failure.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from bot.knowledge.errors import KnowledgeError  # noqa: E402
from bot.knowledge.loader import knowledge_dir, load_knowledge, load_knowledge_from  # noqa: E402
from bot.knowledge.models import Branch  # noqa: E402

DEFAULT_CSV = ROOT / "benchmarks" / "data" / "metier_queries.csv"
IDCC = 2378
#: WRatio cutoff of the baseline: the best of the sweep printed at the end (70–95) for the
#: mean of its known-job accuracy and refusals. It sits just above 85.5, the score WRatio
#: gives (0.9 × 95) to a short query found inside a longer label by partial ratio, which
#: is where the baseline starts to refuse unknown jobs.
DEFAULT_BASELINE_CUTOFF = 86.0


@dataclass(frozen=True)
class Query:
    """One labelled benchmark query."""

    text: str
    expected: str
    kind: str

    @property
    def category(self) -> str:
        """``known``, ``refusal`` or ``ambiguous``."""
        if self.expected == "NOT_IN_LIST" or self.expected.startswith("ENJEUX:"):
            return "refusal"
        if self.expected.startswith("AMBIGUOUS:"):
            return "ambiguous"
        return "known"


@dataclass(frozen=True)
class Outcome:
    """What a method answered for one query, and whether it is right."""

    query: Query
    answer: str
    correct: bool
    seconds: float


def load_branch() -> Branch:
    """The IDCC 2378 branch; if another branch's folder is half-written, load without it."""
    try:
        return load_knowledge().branch(IDCC)
    except KnowledgeError as error:
        print(f"(knowledge/ does not load as a whole: {error}; loading idcc{IDCC} alone)")
        source = knowledge_dir()
        target = Path(tempfile.mkdtemp(prefix="bench-knowledge-")) / "knowledge"
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("idcc*"))
        shutil.copytree(source / f"idcc{IDCC}", target / f"idcc{IDCC}")
        return load_knowledge_from(target).branch(IDCC)


def read_queries(path: Path) -> list[Query]:
    """The labelled queries of the CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [Query(row["query"], row["expected"], row["kind"]) for row in csv.DictReader(handle)]


def judge_ours(query: Query, result) -> tuple[str, bool]:
    """Answer text and correctness of a :class:`bot.matching.MatchResult`."""
    ids = [c.metier.id for c in result.candidates]
    if result.status == "enjeux_without_certification":
        answer = f"ENJEUX:{result.enjeux.id if result.enjeux else '?'}"
    elif result.status in ("not_in_list", "empty"):
        answer = "NOT_IN_LIST" if result.status == "not_in_list" else "EMPTY"
    elif result.status == "ambiguous":
        answer = "AMBIGUOUS:" + "|".join(ids)
    else:
        answer = ids[0]
    expected = query.expected
    if expected.startswith("AMBIGUOUS:"):
        wanted = set(expected.split(":", 1)[1].split("|"))
        correct = result.status == "ambiguous" and set(ids) == wanted
    elif expected.startswith("ENJEUX:"):
        correct = answer == expected
    elif expected == "NOT_IN_LIST":
        correct = result.status == "not_in_list"
    else:
        correct = result.status == "matched" and ids[0] == expected
    return answer, correct


def judge_baseline(query: Query, metier_id: str | None) -> tuple[str, bool]:
    """Answer text and correctness of the baseline's single answer (or refusal)."""
    answer = metier_id or "NOT_IN_LIST"
    if query.category == "refusal":
        return answer, metier_id is None
    if query.category == "ambiguous":
        return answer, False  # one label cannot offer a choice
    return answer, metier_id == query.expected


def run(queries: Sequence[Query], answer: Callable[[str], object], judge) -> list[Outcome]:
    """Time each call of ``answer`` and judge it."""
    outcomes = []
    for query in queries:
        start = time.perf_counter()
        result = answer(query.text)
        seconds = time.perf_counter() - start
        text, correct = judge(query, result)
        outcomes.append(Outcome(query, text, correct, seconds))
    return outcomes


def rate(outcomes: Sequence[Outcome], category: str) -> tuple[int, int]:
    """(correct, total) over one category of queries."""
    chosen = [o for o in outcomes if o.query.category == category]
    return sum(o.correct for o in chosen), len(chosen)


def percent(pair: tuple[int, int]) -> str:
    correct, total = pair
    return f"{100.0 * correct / total:5.1f} % ({correct}/{total})" if total else "n/a"


def timing(outcomes: Sequence[Outcome]) -> tuple[float, float, float]:
    """Mean, p95 and max time per query, in milliseconds."""
    times = sorted(o.seconds * 1000.0 for o in outcomes)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.fmean(times), p95, times[-1]


def ambiguous_in_set(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """Baseline: ambiguous queries whose single answer is at least one of the choices."""
    chosen = [o for o in outcomes if o.query.category == "ambiguous"]
    hits = sum(o.answer in o.query.expected.split(":", 1)[1].split("|") for o in chosen)
    return hits, len(chosen)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--baseline-cutoff", type=float, default=DEFAULT_BASELINE_CUTOFF)
    args = parser.parse_args(argv)
    queries = read_queries(args.csv)

    start = time.perf_counter()
    branch = load_branch()
    knowledge_seconds = time.perf_counter() - start

    from bot.matching import MetierMatcher

    start = time.perf_counter()
    matcher = MetierMatcher(branch)
    matcher_seconds = time.perf_counter() - start

    start = time.perf_counter()
    labels = [m.label for m in branch.metiers]
    label_ids = [m.id for m in branch.metiers]
    baseline_seconds = time.perf_counter() - start

    def baseline(text: str, cutoff: float = args.baseline_cutoff) -> str | None:
        found = process.extractOne(
            text, labels, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=cutoff
        )
        return label_ids[found[2]] if found else None

    ours = run(queries, lambda t: matcher.match(t, limit=10), judge_ours)
    base = run(queries, baseline, lambda q, r: judge_baseline(q, r))
    warm = run(queries, lambda t: matcher.match(t, limit=10), judge_ours)

    kinds: dict[str, int] = {}
    for query in queries:
        kinds[query.kind] = kinds.get(query.kind, 0) + 1
    print(f"{len(queries)} queries from {args.csv.relative_to(ROOT) if args.csv.is_relative_to(ROOT) else args.csv}")
    print("  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(
        f"  known jobs {rate(ours, 'known')[1]}, refusals {rate(ours, 'refusal')[1]} "
        f"(not in list {sum(q.expected == 'NOT_IN_LIST' for q in queries)}, "
        f"enjeux {sum(q.expected.startswith('ENJEUX:') for q in queries)}), "
        f"ambiguous {rate(ours, 'ambiguous')[1]}"
    )
    print()
    mean, p95, worst = timing(ours)
    wmean, wp95, _ = timing(warm)
    bmean, bp95, bworst = timing(base)
    header = f"{'':34}{'MetierMatcher':>26}{'baseline WRatio≥' + format(args.baseline_cutoff, 'g'):>28}"
    print(header)
    print("-" * len(header))
    rows = [
        ("top-1 on known jobs", percent(rate(ours, "known")), percent(rate(base, "known"))),
        ("correct refusals", percent(rate(ours, "refusal")), percent(rate(base, "refusal"))),
        ("ambiguous handled", percent(rate(ours, "ambiguous")), "0 (one answer only)"),
        ("  (baseline answer in the choices)", "", percent(ambiguous_in_set(base))),
        (
            "all queries",
            percent((sum(o.correct for o in ours), len(ours))),
            percent((sum(o.correct for o in base), len(base))),
        ),
        ("mean ms / match (first pass)", f"{mean:.3f}", f"{bmean:.3f}"),
        ("p95 ms / match (first pass)", f"{p95:.3f}", f"{bp95:.3f}"),
        ("max ms / match (first pass)", f"{worst:.3f}", f"{bworst:.3f}"),
        ("mean / p95 ms (second pass)", f"{wmean:.3f} / {wp95:.3f}", ""),
        ("load: knowledge (s)", f"{knowledge_seconds:.2f}", f"{knowledge_seconds:.2f}"),
        ("load: index build incl. spaCy (s)", f"{matcher_seconds:.2f}", f"{baseline_seconds:.4f}"),
    ]
    for name, left, right in rows:
        print(f"{name:34}{left:>26}{right:>28}")

    slowest = sorted(ours, key=lambda o: -o.seconds)[:5]
    print("\nslowest (first pass): " + ", ".join(f"{o.query.text[:30]!r} {o.seconds * 1000:.2f} ms" for o in slowest))

    print("\nMetierMatcher by kind:")
    for kind in sorted(kinds):
        chosen = [o for o in ours if o.query.kind == kind]
        print(f"  {kind:13} {sum(o.correct for o in chosen):3}/{len(chosen)}")

    print(f"\nMetierMatcher failures ({sum(not o.correct for o in ours)}):")
    for outcome in ours:
        if not outcome.correct:
            print(
                f"  [{outcome.query.kind}] {outcome.query.text!r}\n      expected {outcome.query.expected}\n      got      {outcome.answer}"
            )

    print(f"\nBaseline failures ({sum(not o.correct for o in base)}):")
    for outcome in base:
        if not outcome.correct:
            print(
                f"  [{outcome.query.kind}] {outcome.query.text!r} → {outcome.answer} (expected {outcome.query.expected})"
            )

    print("\nBaseline cutoff sweep (known top-1 / correct refusals):")
    for cutoff in (70, 75, 80, 85, 86, 88, 90, 95):
        sweep = run(queries, lambda t, c=cutoff: baseline(t, c), lambda q, r: judge_baseline(q, r))
        print(f"  WRatio ≥ {cutoff:>3}: {percent(rate(sweep, 'known'))}  /  {percent(rate(sweep, 'refusal'))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
