"""Loading a rules file (``law/*.yml`` or a branch's ``agreement.yml``): its rules with
their figures, validity, questions and source, each summary checked against its values.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.files import read_yaml, to_date, validate
from bot.knowledge.rule_models import ClosedAsk, Rule
from bot.knowledge.source_files import source_ref
from bot.knowledge.source_models import SourceDocument


def load_rules(
    path: Path, root: Path, sources: Mapping[str, SourceDocument]
) -> tuple[dict[str, Any] | None, tuple[Rule, ...]]:
    """Read a rules file; returns its raw ``agreement`` block (if any) and its rules."""
    data = read_yaml(path)
    validate(data, "rules.schema.json", path, root)
    rules: list[Rule] = []
    for index, raw in enumerate(data["rules"]):
        field = f"rules.{index}"
        rule = Rule(
            id=raw["id"],
            topic=raw["topic"],
            title=raw["title"],
            summary_template=raw["summary"],
            values=_typed_values(raw["values"]),
            valid_from=to_date(raw["valid_from"]),
            valid_until=to_date(raw["valid_until"]),
            source=source_ref(raw["source"], sources, path, f"{field}.source"),
            question=raw.get("question"),
            asks=tuple(raw.get("asks") or ()),
            answer=raw.get("answer"),
            closed_asks=tuple(ClosedAsk(c["ask"], c["answer"]) for c in raw.get("closed_asks") or ()),
            when=dict(raw.get("when") or {}),
            adviser_template=raw.get("adviser_summary"),
        )
        missing = [name for name in rule.placeholders() if name not in rule.values]
        if missing:
            raise KnowledgeError(path, f"values missing for the summary: {', '.join(missing)}", f"{field}.summary")
        rules.append(rule)
    return data.get("agreement"), tuple(rules)


def _typed_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Turn ISO date strings in values into dates; leave everything else as typed."""
    typed: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                typed[key] = date.fromisoformat(value)
                continue
            except ValueError:
                pass
        typed[key] = value
    return typed
