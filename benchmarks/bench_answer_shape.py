"""The shape of the first answers, through the REST channel of a running assistant.

For the first turn of every case of the external sets (``../shared/eval/external_*.yml``,
read for their questions only) and of the team's held-out set, this prints:

- how many answers start with « Non » while the same answer offers a route (a période de
  reconversion, the certification of another métier, the CléA, « vous pouvez … »): a
  person who reads only the first line gives up although they can train;
- how many answers hold a « Oui » and a « Non » at the start of a sentence at once;
- how many answers put more than 600 characters before their first list (for an answer
  without a list: what comes before the folded « Détails et sources », or the verdict
  line and its first paragraph), with the median and the largest;
- how many cut a sentence (an unclosed parenthesis or « ») or say the same figure twice.

The checks read the answer's text only (what every channel shows), never the payload
fields the assistant sets itself, so that a change of the payload cannot move them.

    .venv/bin/python benchmarks/bench_answer_shape.py [--url http://127.0.0.1:5005] [--list 20]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = [ROOT.parent / "shared" / "eval" / "external_a.yml", ROOT.parent / "shared" / "eval" / "external_b.yml"]
HELDOUT = ROOT / "benchmarks" / "data" / "dialogue_heldout.yml"

#: What a phone's first screen may hold before the first list (issue 20).
FIRST_SCREEN_MAX = 600

#: A route the answer offers: the new scheme, another métier's certification, the CléA.
ROUTE = re.compile(
    r"période de reconversion|d'autres métiers|autre métier|\bCléA\b|vous pouvez (demander|viser)",
    re.IGNORECASE,
)
SENTENCE_NO = re.compile(r"(?:^|[.!?;]\s+|\n)Non\b", re.IGNORECASE)
SENTENCE_YES = re.compile(r"(?:^|[.!?;]\s+|\n)Oui\b", re.IGNORECASE)
FIGURE = re.compile(r"\b\d[\d\u202f ,]*\s*(?:mois|heures|€|jours|%)")


def first_turns(path: Path) -> Iterator[str]:
    """The first message of every case of a case file (external or held-out format)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups = data.values() if isinstance(data, dict) else [data]
    for group in groups:
        for case in group if isinstance(group, list) else []:
            if not isinstance(case, dict):
                continue
            turns = case.get("turns") or [case.get("q")]
            first = turns[0] if turns else None
            if isinstance(first, dict):
                first = first.get("user")
            if isinstance(first, str) and first.strip() and first != "@LONG@":
                yield first


def ask(url: str, message: str, timeout: float) -> str:
    body = json.dumps({"sender": f"shape-{uuid.uuid4().hex[:12]}", "message": message}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        messages = json.loads(response.read())
    texts = [str(m["text"]) for m in messages if m.get("text")]
    return texts[0] if texts else ""


#: The heading of what every channel folds (bot/compose/french.py, DETAILS_HEADING).
FOLD = "\n\nDétails et sources\n"


def first_screen(text: str) -> str:
    """What a phone's first screen holds: the text before the first list; for an answer
    without a list, the text before the folded details (« Détails et sources »), or the
    verdict line and the first paragraph when the answer folds nothing."""
    if "\n1. " in text:
        return text.split("\n1. ")[0]
    if FOLD in text:
        return text.split(FOLD)[0]
    return "\n\n".join(text.split("\n\n")[:2])


def cut_sentence(text: str) -> bool:
    """An unclosed parenthesis or quote mark in a paragraph, or a quote mark left alone."""
    for paragraph in text.split("\n\n"):
        if paragraph.count("(") != paragraph.count(")") or paragraph.count("«") != paragraph.count("»"):
            return True
    return bool(re.search(r"(^|\s)[«»](\s|$)", text.replace("« ", "«").replace(" »", "»")))


def figure_twice(text: str) -> bool:
    """The same figure (« 12 mois », « 150 heures ») twice before the sources."""
    body = text.split("\nSources")[0]
    spans = [" ".join(m.group(0).split()) for m in FIGURE.finditer(body)]
    return len(spans) != len(set(spans))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--list", type=int, default=0, help="print up to N offending answers of each kind")
    args = parser.parse_args(argv)

    sets = {
        "external": [q for p in EXTERNAL if p.exists() for q in first_turns(p)],
        "heldout": list(first_turns(HELDOUT)),
    }
    status = 0
    for name, questions in sets.items():
        no_with_route: list[str] = []
        yes_and_no: list[str] = []
        long_screen: list[tuple[int, str]] = []
        cuts: list[str] = []
        twice: list[str] = []
        sizes: list[int] = []
        for question in questions:
            text = ask(args.url, question, args.timeout)
            if not text:
                continue
            line = text.split("\n")[0]
            if line.startswith("Non") and ROUTE.search(text):
                no_with_route.append(f"{question} → {line}")
            if SENTENCE_NO.search(text) and SENTENCE_YES.search(text):
                yes_and_no.append(f"{question} → {line}")
            size = len(first_screen(text))
            sizes.append(size)
            if size > FIRST_SCREEN_MAX:
                long_screen.append((size, question))
            if cut_sentence(text):
                cuts.append(question)
            if figure_twice(text):
                twice.append(question)
        total = len(sizes)
        print(f"== {name}: {total} first turns answered")
        print(f"  starts with « Non » and offers a route: {len(no_with_route)}")
        print(f"  « Oui » and « Non » in one answer:       {len(yes_and_no)}")
        print(
            f"  text before the first list > {FIRST_SCREEN_MAX} chars: {len(long_screen)}"
            f" (median {statistics.median(sizes) if sizes else 0:.0f}, max {max(sizes, default=0)})"
        )
        print(f"  unclosed ( or « / lone quote mark:      {len(cuts)}")
        print(f"  a figure said twice:                    {len(twice)}")
        for label, items in (
            ("Non + route", no_with_route),
            ("Oui + Non", yes_and_no),
            ("long", [f"{s} {q}" for s, q in sorted(long_screen, reverse=True)]),
            ("cut", cuts),
            ("twice", twice),
        ):
            for item in items[: args.list]:
                print(f"    [{label}] {item}")
    return status


if __name__ == "__main__":
    sys.exit(main())
