#!/usr/bin/env python3
"""Where a cold ``bot ask`` spends its time, phase by phase (a script, not a test).

Runs, in a fresh process, what ``bot ask`` does on its first call (import, knowledge
files and their schema, spaCy, the métier index of each branch, the answer) and prints
the wall and CPU time of each phase. Then pickles the indexes and the knowledge, and
times loading them back: what a cache of the index keyed by the knowledge files' hash
would cost instead (the matcher without its spaCy pipeline, loaded only for a word the
index does not know).

    .venv/bin/python benchmarks/bench_ask.py "je suis cariste en CDI"
"""

from __future__ import annotations

import copy
import pickle
import sys
import time
from pathlib import Path
from typing import List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: List[str]) -> int:
    question = argv[0] if argv else "je suis cariste en CDI"
    phases: List[Tuple[str, float, float]] = []
    wall, cpu = time.perf_counter(), time.process_time()

    def mark(name: str) -> None:
        nonlocal wall, cpu
        now_wall, now_cpu = time.perf_counter(), time.process_time()
        phases.append((name, now_wall - wall, now_cpu - cpu))
        wall, cpu = now_wall, now_cpu

    from bot.knowledge.loader import load_knowledge
    from bot.service import Assistant
    from bot.text import get_nlp

    mark("import bot")
    load_knowledge()
    mark("knowledge files + JSON Schema")
    import spacy  # noqa: F401

    mark("import spacy")
    get_nlp()
    mark("spacy.load (lemmatizer only; spacy.lang.fr compiles its tokenizer regexes)")
    assistant = Assistant.default()
    matchers = {idcc: assistant.matcher(idcc) for idcc in sorted(assistant.kb.branches)}
    mark(f"métier indexes ({len(matchers)} branches)")
    assistant.ask(question)
    mark("the answer")

    blobs = []
    for matcher in matchers.values():
        light = copy.copy(matcher)
        light._nlp = None
        blobs.append(pickle.dumps(light, protocol=pickle.HIGHEST_PROTOCOL))
    blobs.append(pickle.dumps(assistant.kb, protocol=pickle.HIGHEST_PROTOCOL))
    wall, cpu = time.perf_counter(), time.process_time()
    for blob in blobs:
        pickle.loads(blob)
    mark(f"cache instead: unpickle indexes + knowledge ({sum(map(len, blobs)) // 1024} KiB)")
    for name, seconds, cpu_seconds in phases:
        print(f"{name}: wall {seconds:.2f} s, CPU {cpu_seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
