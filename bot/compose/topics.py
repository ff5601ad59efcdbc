"""FAQ topics → the rule topics that answer them, for the Pro-A and for the période de
reconversion.

The table is data: ``knowledge/faq_topics.yml`` when present (one home for the FAQ
topics, shared with the NLU), else the built-in table below, which mirrors it. A topic
without specific wording is answered with what the rules of its topics say for the
regime that applies.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping, Tuple

import yaml

#: (Pro-A rule topics, période de reconversion rule topics) per FAQ topic.
TopicRules = Tuple[Tuple[str, ...], Tuple[str, ...]]

FAQ_TOPICS_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "faq_topics.yml"

_BUILT_IN: Mapping[str, TopicRules] = {
    "duration": (("duration", "duration_extension"), ("training_share",)),
    "training_share": (("training_share", "training_outside_working_time"), ("training_share",)),
    "funding": (("funding",), ("funding",)),
    "pay": (("pay",), ("funding",)),
    "tutor": (("tutor",), ()),
    "procedure": (("procedure",), ("procedure",)),
    "vae": (("vae",), ("certifications",)),
    "clea": (("clea",), ("certifications",)),
    "scope_dromcom": (("scope",), ()),
    "what_is_proa": (("definition",), ()),
    "periode_reconversion": ((), ("periode_reconversion", "beneficiaries")),
    "beneficiaries": (("beneficiaries",), ("beneficiaries",)),
    "certification_list_source": (("certifications", "amendment"), ()),
    "level_ceiling": (("ceiling",), ("beneficiaries",)),
}


def _tuple(value: object) -> Tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value or ())


def _from_file(path: Path) -> Dict[str, TopicRules]:
    """Read the topics file: ``topics: [{id, proa: [...], reconversion: [...]}]`` or
    ``topics: {id: {proa: [...], reconversion: [...]}}`` (rule topic lists per regime)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    topics = data.get("topics", data) if isinstance(data, dict) else data
    items = topics.items() if isinstance(topics, dict) else ((t.get("id"), t) for t in topics or [] if isinstance(t, dict))
    table: Dict[str, TopicRules] = {}
    for topic_id, spec in items:
        if not topic_id or not isinstance(spec, dict):
            continue
        proa = spec.get("proa", spec.get("proa_topics", spec.get("proa_rule_topics")))
        new = spec.get("reconversion", spec.get("reconversion_topics", spec.get("reconversion_rule_topics")))
        rules = spec.get("rules")
        if isinstance(rules, dict):  # {rules: {proa: [...], reconversion: [...]}}
            proa, new = rules.get("proa", proa), rules.get("reconversion", rules.get("periode_reconversion", new))
        table[str(topic_id)] = (_tuple(proa), _tuple(new))
    return table


@lru_cache(maxsize=1)
def faq_topics() -> Mapping[str, TopicRules]:
    """Every FAQ topic the assistant answers, with the rule topics of each regime."""
    if FAQ_TOPICS_FILE.is_file():
        table = _from_file(FAQ_TOPICS_FILE)
        if table:
            return table
    return dict(_BUILT_IN)
