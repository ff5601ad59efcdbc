"""Cost per message of the Rasa component ``nlu.metier_entities.MetierEntityExtractor``.

Usage::

    .venv/bin/python benchmarks/bench_metier_component.py [--rounds 3]

Runs the component on whole chat messages: the NLU examples of ``data/nlu/*.yml`` and
``tests/nlu/test_nlu.yml`` (annotations removed) plus the queries of
``benchmarks/data/metier_queries.csv``, after the knowledge and the matchers are loaded.
Prints the mean, p50, p95 and max milliseconds per message of the first pass (word caches
cold) and of the later passes (warm), and how many messages got a ``metier`` entity.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from nlu.metier_entities import MetierEntityExtractor  # noqa: E402

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def messages() -> list[str]:
    """Plain texts of the NLU examples and of the métier benchmark queries."""
    texts: list[str] = []
    for path in [*sorted((ROOT / "data" / "nlu").glob("*.yml")), ROOT / "tests" / "nlu" / "test_nlu.yml"]:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []) or []:
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(_ANNOTATION.sub(r"\1", line[2:]))
    with (ROOT / "benchmarks" / "data" / "metier_queries.csv").open(encoding="utf-8") as handle:
        texts += [row["query"] for row in csv.DictReader(handle)]
    return texts


def timed_pass(component: MetierEntityExtractor, texts: list[str]) -> list[float]:
    """Milliseconds per message for one pass."""
    out = []
    for text in texts:
        message = Message({"text": text})
        start = time.perf_counter()
        component.process([message])
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the messages (first is cold)")
    args = parser.parse_args()
    start = time.perf_counter()
    component = MetierEntityExtractor({"warm_up": True})
    load = time.perf_counter() - start
    texts = messages()
    passes = [timed_pass(component, texts) for _ in range(max(args.rounds, 1))]
    found = 0
    for text in texts:
        message = Message({"text": text})
        component.process([message])
        found += any(e["entity"] == "metier" for e in message.get("entities"))
    print(f"{len(texts)} messages, {found} with a métier entity; load (knowledge + spaCy + matchers): {load:.1f} s")
    for name, times in [
        ("first pass (cold caches)", passes[0]),
        ("later passes (warm)", [t for p in passes[1:] for t in p]),
    ]:
        if not times:
            continue
        ordered = sorted(times)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"{name:26s} mean {statistics.mean(times):.3f} ms  p50 {statistics.median(times):.3f} ms  "
            f"p95 {p95:.3f} ms  max {ordered[-1]:.3f} ms  per message"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
