#!/usr/bin/env python3
"""Check the reports of `rasa test` against the project's quality gates.

NLU (``rasa test nlu`` → ``results/intent_report.json``): the weighted average F1 of the
intents must be at least 0.90 (``--min-f1``). The entity F1 of each of the project's
extractors (``<Extractor>_report.json``, on the entity types it emits) and the FAQ
response selection F1 (``response_selection_report.json``) are printed.

Dialogue (``rasa test core --stories tests/test_stories.yml`` → ``results/
failed_test_stories.yml`` and ``results/story_report.json``): no test story may fail.

Usage:
    python scripts/check_nlu_report.py                 # both checks, results/
    python scripts/check_nlu_report.py --nlu-only      # after `rasa test nlu`
    python scripts/check_nlu_report.py --core-only     # after `rasa test core`
    python scripts/check_nlu_report.py --results DIR --min-f1 0.9

Exit status: 0 when every check passes, 1 otherwise (a missing report fails its check).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

DEFAULT_MIN_F1 = 0.90
SUMMARY_KEYS = {"accuracy", "macro avg", "micro avg", "weighted avg"}
#: Reports of statistical extractors (none in config.yml today: the project's own
#: components below emit every entity), printed whole when present.
ENTITY_REPORTS = ("DIETClassifier_report.json", "CRFEntityExtractor_report.json")
#: The project's own extractors (nlu/) and the entity types each emits, reported alone
#: (Rasa scores each extractor against every entity of the test set).
COMPONENT_REPORTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("MetierEntityExtractor_report.json", ("metier",)),
    ("ContractEntityExtractor_report.json", ("contract",)),
    # Rasa labels an entity with a role « entity.role ».
    (
        "ProfileEntityExtractor_report.json",
        ("diploma.held", "diploma.target", "level.held", "level.target", "age", "date", "branch"),
    ),
)


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def weighted_f1(report: dict[str, Any]) -> float | None:
    summary = report.get("weighted avg") or {}
    value = summary.get("f1-score")
    return float(value) if value is not None else None


def per_label_f1(report: dict[str, Any]) -> list[tuple[str, float, int]]:
    rows = []
    for label, values in report.items():
        if label in SUMMARY_KEYS or not isinstance(values, dict) or "f1-score" not in values:
            continue
        rows.append((label, float(values["f1-score"]), int(values.get("support", 0))))
    return sorted(rows, key=lambda row: (row[1], row[0]))


def check_nlu(results: Path, min_f1: float) -> bool:
    ok = True
    intent_report = _read_json(results / "intent_report.json")
    if intent_report is None:
        print(f"FAIL intents: {results / 'intent_report.json'} not found (run `rasa test nlu`)")
        return False
    f1 = weighted_f1(intent_report)
    print("Intents (F1, support):")
    for label, value, support in per_label_f1(intent_report):
        print(f"  {label:<35} {value:.3f}  {support}")
    if f1 is None:
        print("FAIL intents: no weighted average in the report")
        ok = False
    else:
        status = "ok  " if f1 >= min_f1 else "FAIL"
        print(f"{status} intents: weighted avg F1 {f1:.3f} (minimum {min_f1:.2f})")
        ok = ok and f1 >= min_f1

    for name in ENTITY_REPORTS:
        entity_report = _read_json(results / name)
        if entity_report is None:
            continue
        print(f"Entities ({name}) (F1, support):")
        for label, value, support in per_label_f1(entity_report):
            print(f"  {label:<35} {value:.3f}  {support}")
        entity_f1 = weighted_f1(entity_report)
        if entity_f1 is not None:
            print(f"info entities: weighted avg F1 {entity_f1:.3f}")
        break
    found_component = False
    for name, labels in COMPONENT_REPORTS:
        component_report = _read_json(results / name)
        for label in labels:
            scores = (component_report or {}).get(label)
            if isinstance(scores, dict) and "f1-score" in scores:
                found_component = True
                print(
                    f"info {label} ({name.split('_')[0]}): precision {scores['precision']:.3f}, "
                    f"recall {scores['recall']:.3f}, F1 {scores['f1-score']:.3f} ({scores.get('support')})"
                )
    if not found_component and not any((results / name).exists() for name in ENTITY_REPORTS):
        print("info entities: no entity report found")

    selection = _read_json(results / "response_selection_report.json")
    if selection is not None and weighted_f1(selection) is not None:
        print(f"info FAQ response selection: weighted avg F1 {weighted_f1(selection):.3f}")
    return ok


def failed_stories(results: Path) -> list[str] | None:
    """Names of the failed test stories, or None when the file is missing."""
    path = results / "failed_test_stories.yml"
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    stories = data.get("stories") if isinstance(data, dict) else None
    return [str(story.get("story", "?")) for story in stories or [] if isinstance(story, dict)]


def check_core(results: Path) -> bool:
    failed = failed_stories(results)
    if failed is None:
        print(f"FAIL stories: {results / 'failed_test_stories.yml'} not found (run `rasa test core`)")
        return False
    report = _read_json(results / "story_report.json")
    if report is not None:
        f1 = weighted_f1(report)
        if f1 is not None:
            print(f"info actions: weighted avg F1 {f1:.3f}")
        low = [(label, value) for label, value, support in per_label_f1(report) if support and value < 1.0]
        for label, value in low:
            print(f"  action {label:<35} F1 {value:.3f}")
    if failed:
        print(f"FAIL stories: {len(failed)} failed test stories:")
        for name in failed:
            print(f"  - {name}")
        return False
    print("ok   stories: no failed test story")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check rasa test reports.")
    parser.add_argument("--results", type=Path, default=Path("results"), help="rasa test output folder")
    parser.add_argument("--min-f1", type=float, default=DEFAULT_MIN_F1, help="minimum intent weighted avg F1")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--nlu-only", action="store_true", help="check the NLU reports only")
    group.add_argument("--core-only", action="store_true", help="check the story results only")
    args = parser.parse_args(argv)

    ok = True
    if not args.core_only:
        ok = check_nlu(args.results, args.min_f1) and ok
    if not args.nlu_only:
        ok = check_core(args.results) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
