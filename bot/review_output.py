"""How ``bot review`` prints a review: an aligned table for the terminal, CSV, and YAML
ready to paste as a rule's ``asks`` or as NLU examples.

Part of :mod:`bot.review` (which re-exports every name).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime, timezone
from typing import Any

import yaml

from bot import wording
from bot.review_groups import Group, Review


def _day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")


def _counts(counter: Counter[str], limit: int = 3) -> str:
    return ", ".join(f"{name} ×{count}" if count > 1 else name for name, count in counter.most_common(limit))


def _row(group: Group) -> dict[str, str]:
    return {
        "count": str(group.count),
        "last_seen": _day(group.last_seen),
        "outcomes": _counts(group.outcomes, 6),
        "message": group.text,
        "variants": " | ".join(group.variants[1:6]),
        "intent": _counts(group.intents, 2),
        "topic": _counts(group.topics, 2),
        "reading": _counts(group.readings, 2),
        "rules": _counts(group.rules, 4),
        "channels": _counts(group.channels),
        "comments": " | ".join(group.comments[:5]),
    }


COLUMNS = (
    "count",
    "last_seen",
    "outcomes",
    "message",
    "variants",
    "intent",
    "topic",
    "reading",
    "rules",
    "channels",
    "comments",
)


def summary(result: Review) -> str:
    """How many messages to review, in how many groups, over which period (the page's
    and the terminal's first line)."""
    return wording.text(
        "review",
        "summary",
        messages=result.messages,
        turns=result.turns,
        groups=len(result.groups),
        since=f"{result.since:%Y-%m-%d %H:%M}",
        until=f"{result.until:%Y-%m-%d %H:%M}",
    )


def _header(result: Review) -> str:
    return f"{summary(result)} ; {wording.text('review', 'anonymised_terminal')}"


def as_table(result: Review, width: int = 60) -> str:
    lines = [_header(result), ""]
    shown = ("count", "last_seen", "outcomes", "message", "reading", "rules")
    rows = [_row(g) for g in result.groups]

    def cut(value: str) -> str:
        return value if len(value) <= width else value[: width - 1] + "…"

    widths = {col: max([len(col)] + [len(cut(r[col])) for r in rows]) for col in shown}
    lines.append("  ".join(col.ljust(widths[col]) for col in shown).rstrip())
    lines.append("  ".join("-" * widths[col] for col in shown))
    lines += ["  ".join(cut(r[col]).ljust(widths[col]) for col in shown).rstrip() for r in rows]
    return "\n".join(lines) + "\n"


def as_csv(result: Review) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for group in result.groups:
        writer.writerow(_row(group))
    return out.getvalue()


def as_yaml(result: Review) -> str:
    """One entry per group: its phrasings as a rule's ``asks`` and as NLU ``examples``."""
    entries = []
    for group in result.groups:
        entry: dict[str, Any] = {
            "message": group.text,
            "count": group.count,
            "last_seen": _day(group.last_seen),
            "outcomes": dict(group.outcomes.most_common()),
        }
        if group.intents:
            entry["intent"] = group.intents.most_common(1)[0][0]
        if group.readings:
            entry["reading"] = group.readings.most_common(1)[0][0]
        if group.rules:
            entry["rules"] = [rule for rule, _ in group.rules.most_common(4)]
        if group.comments:
            entry["comments"] = list(group.comments)
        entry["asks"] = list(group.variants)
        entry["examples"] = "".join(f"- {v}\n" for v in group.variants)
        entries.append(entry)
    head = "".join(f"# {line}\n" for line in [_header(result), *wording.entry("review", "yaml_instructions")])
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000) if entries else "[]\n"
    return head + body


FORMATS = {"table": as_table, "csv": as_csv, "yaml": as_yaml}
