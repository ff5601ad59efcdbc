#!/usr/bin/env python3
"""Where a cold ``bot ask`` spends its time, phase by phase (a script, not a test).

Runs, in a fresh process, what ``bot ask`` does on its first call (import, knowledge
files and their schema, spaCy, the métier index of each branch, the answer) and prints
the wall and CPU time of each phase. Then writes what ``bot/index_cache.py`` keeps
(knowledge, métier indexes, spaCy's lemma tables; the pipeline itself as a lazy
reference) and times reading it back: what a cold ``bot ask`` spends instead once the
cache is built. ``bot ask`` itself uses the cache unless ``PROA_INDEX_CACHE=off``.

    .venv/bin/python benchmarks/bench_ask.py "je suis cariste en CDI"
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["PROA_INDEX_CACHE"] = "off"  # the phases below are what the cache saves


def main(argv: list[str]) -> int:
    question = argv[0] if argv else "je suis cariste en CDI"
    phases: list[tuple[str, float, float]] = []
    wall, cpu = time.perf_counter(), time.process_time()

    def mark(name: str) -> None:
        nonlocal wall, cpu
        now_wall, now_cpu = time.perf_counter(), time.process_time()
        phases.append((name, now_wall - wall, now_cpu - cpu))
        wall, cpu = now_wall, now_cpu

    from bot.knowledge.loader import load_knowledge
    from bot.lemmas import RuleLemmas
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

    import tempfile

    from bot import index_cache

    with tempfile.TemporaryDirectory(prefix="proa-bench-ask-") as folder:
        path = Path(folder) / "assistant.pickle"
        index_cache.write(path, (assistant.kb, matchers, RuleLemmas.from_nlp(get_nlp())))
        wall, cpu = time.perf_counter(), time.process_time()
        index_cache.read(path)
        mark(f"what bot/index_cache.py reads instead ({path.stat().st_size // 1024} KiB pickle)")
    for name, seconds, cpu_seconds in phases:
        print(f"{name}: wall {seconds:.2f} s, CPU {cpu_seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
