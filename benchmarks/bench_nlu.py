#!/usr/bin/env python3
"""CPU cost per message of a trained model's NLU, per component, and its intent/entity
agreement with the labelled held-out set (a script, not a test).

Loads a model with Rasa's ``Agent`` (as ``rasa run`` does), parses every example of
``tests/nlu/test_nlu.yml`` plus the benchmark's conversation texts ``--repeat`` times, and
prints the CPU (``time.process_time``: every thread of this process) per message, split
by graph node (each ``GraphNode`` call is timed), the intent accuracy and the entity
F1 (exact entity, value after synonym mapping on both sides, and role: lower than
Rasa's report, which counts tokens) on the held-out set, FAQ examples counted right only with the right
topic, and the load time and peak RSS.

``--spacy`` changes what Rasa's ``SpacyNLP`` loads, for a model trained with it (the
project's own pipeline, ``nlu/word_vectors.py``, loads no spaCy model), without
retraining (it only changes how spaCy is loaded, patched in this process):

- ``shared`` (default): nothing patched;
- ``rasa``: as Rasa 3.6.21 does, ``spacy.load(model, disable=["parser"])``, a second
  copy beside the core's;
- ``no-ner``: ``exclude=["parser", "ner", "senter"]`` (same tokens, tags, lemmas and
  vectors as ``rasa``: the features, hence the predictions, are unchanged);
- ``vectors-only``: ``exclude`` every pipe (tokenizer and static vectors only: no POS,
  no lemma; Rasa's tokens then carry the text as lemma, so CountVectorsFeaturizer
  features change and the model would have to be retrained with it).

    .venv/bin/python benchmarks/bench_nlu.py --model models/proa.tar.gz --spacy no-ner
    .venv/bin/python benchmarks/bench_nlu.py --model /tmp/logreg.tar.gz --json /tmp/logreg.json
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

REPO = Path(__file__).resolve().parents[1]

SPACY_LOADS = {
    "rasa": {"disable": ["parser"]},
    "no-ner": {"exclude": ["parser", "ner", "senter"]},
    "vectors-only": {
        "exclude": ["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner", "senter"]
    },
}


def patch_spacy(variant: str) -> None:
    """Make Rasa's SpacyNLP load spaCy with the given variant's arguments; ``shared``
    patches nothing."""
    if variant == "shared":
        return
    import spacy
    from rasa.nlu.utils import spacy_utils

    arguments = SPACY_LOADS[variant]

    def load_model(name: str) -> spacy_utils.SpacyModel:
        return spacy_utils.SpacyModel(model=spacy.load(name, **arguments), model_name=name)

    spacy_utils.SpacyNLP.load_model = staticmethod(load_model)


def quiet_logs() -> None:
    """Warnings only: Rasa's structlog would print every parse (CPU charged to the parse)."""
    import logging

    import structlog

    logging.getLogger().setLevel(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def time_graph_nodes(totals: dict[str, float]) -> None:
    """Add each graph node's CPU seconds to ``totals`` (by node name)."""
    from rasa.engine.graph import GraphNode

    original = GraphNode.__call__

    def timed(self, *args, **kwargs):
        started = time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            totals[self._node_name] += time.process_time() - started

    GraphNode.__call__ = timed


def training_synonyms() -> dict[str, str]:
    """The entity synonyms of the training data (text as typed, lower case → value)."""
    from rasa.shared.nlu.training_data.loading import load_data

    return {str(k).lower(): str(v) for k, v in load_data(str(REPO / "data" / "nlu")).entity_synonyms.items()}


def held_out(path: Path, synonyms: dict[str, str] | None = None) -> list[tuple[str, str, frozenset]]:
    """(text, intent, entities) of the labelled examples; retrieval intents kept whole.

    Expected entity values are mapped through ``synonyms`` (default: the training data's,
    as Rasa's EntitySynonymMapper maps the predicted ones): « CAP » is expected as ``cap``,
    « SDLM » as ``1404``."""
    from rasa.shared.nlu.training_data.loading import load_data

    if synonyms is None:
        synonyms = training_synonyms()
    data = load_data(str(path))
    examples = []
    for message in data.intent_examples:
        # A retrieval intent's label is "faq/<topic>" (the response selector's key).
        intent = message.get("intent_response_key") or message.get("intent")
        entities = frozenset(
            (e["entity"], synonyms.get(str(e.get("value")).lower(), str(e.get("value"))), e.get("role"))
            for e in message.get("entities") or []
        )
        examples.append((message.get("text"), intent, entities))
    return examples


def _peak_rss_mib(field: str = "VmHWM") -> float:
    """This process's peak (``VmHWM``) or current (``VmRSS``) resident memory, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


async def measure(model: Path, spacy_variant: str, repeat: int) -> dict[str, object]:
    from rasa.core.agent import Agent

    from benchmarks.bench_load import SCENARIOS

    quiet_logs()
    patch_spacy(spacy_variant)
    started = time.perf_counter()
    agent = Agent.load(str(model))
    load_seconds = time.perf_counter() - started
    rss_after_load = _peak_rss_mib("VmRSS")
    quiet_logs()  # again: loading may configure logging
    examples = held_out(REPO / "tests" / "nlu" / "test_nlu.yml")
    texts = [text for text, _, _ in examples] + [t for s in SCENARIOS for t in s]
    for text in texts[:20]:  # warm-up (first calls build TensorFlow functions)
        await agent.parse_message(text)

    nodes: dict[str, float] = collections.defaultdict(float)
    time_graph_nodes(nodes)
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            await agent.parse_message(text)
    cpu = time.process_time() - cpu_started
    wall = time.perf_counter() - wall_started
    timed_nodes = dict(nodes)  # the held-out pass below is not part of the timing
    parses = repeat * len(texts)

    right_intents = 0
    true_positive = predicted_count = expected_count = 0
    predictions = []
    for text, intent, entities in examples:
        parsed = await agent.parse_message(text)
        name = (parsed.get("intent") or {}).get("name")
        # Rasa puts the response selector's choice ("faq/duration") in the intent.
        predicted_intent = (parsed.get("intent") or {}).get("full_retrieval_intent_name") or name
        right_intents += predicted_intent == intent
        found = frozenset(
            (e["entity"], str(e.get("value")), e.get("role"))
            for e in parsed.get("entities") or []
            if e.get("extractor") != "RegexEntityExtractor"
        )
        true_positive += len(found & entities)
        predicted_count += len(found)
        expected_count += len(entities)
        predictions.append({"text": text, "intent": predicted_intent, "entities": sorted(map(list, found))})
    precision = true_positive / predicted_count if predicted_count else 0.0
    recall = true_positive / expected_count if expected_count else 0.0
    return {
        "model": str(model),
        "spacy": spacy_variant,
        "load_s": load_seconds,
        "parses": parses,
        "cpu_ms_per_msg": 1000 * cpu / parses,
        "wall_ms_per_msg": 1000 * wall / parses,
        "cpu_ms_per_msg_by_node": {k: 1000 * v / parses for k, v in sorted(timed_nodes.items(), key=lambda kv: -kv[1])},
        "held_out_examples": len(examples),
        "intent_accuracy": right_intents / len(examples),
        "entity_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "rss_after_load_mib": rss_after_load,
        "peak_rss_mib": _peak_rss_mib(),
        "predictions": predictions,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=REPO / "models" / "proa.tar.gz")
    parser.add_argument("--spacy", choices=["shared", *sorted(SPACY_LOADS)], default="shared")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the texts (default 2)")
    parser.add_argument("--json", type=Path, help="also write the figures and predictions to this JSON file")
    parser.add_argument("--baseline", type=Path, help="a JSON of this script: print how many predictions differ")
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.model, args.spacy, args.repeat))
    print(
        f"model {result['model']}, spaCy {result['spacy']}: load {result['load_s']:.1f} s, "
        f"RSS after load {result['rss_after_load_mib']:.0f} MiB, peak RSS {result['peak_rss_mib']:.0f} MiB"
    )
    print(
        f"NLU CPU {result['cpu_ms_per_msg']:.1f} ms/msg (wall {result['wall_ms_per_msg']:.1f}) over {result['parses']} parses"
    )
    print(
        "by node (ms/msg): "
        + ", ".join(f"{k} {v:.2f}" for k, v in result["cpu_ms_per_msg_by_node"].items() if v >= 0.05)
    )
    print(
        f"held-out ({result['held_out_examples']} examples): intent accuracy {result['intent_accuracy']:.3f}, "
        f"entity F1 {result['entity_f1']:.3f}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.baseline and args.baseline.exists() and args.baseline != args.json:
        base = {p["text"]: p for p in json.loads(args.baseline.read_text(encoding="utf-8"))["predictions"]}
        differ = [p["text"] for p in result["predictions"] if base.get(p["text"]) != p]
        print(f"predictions differing from {args.baseline}: {len(differ)} of {len(result['predictions'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
