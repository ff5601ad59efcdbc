"""FAQ topics → the rule topics that answer them, for the Pro-A and for the période de
reconversion.

The topics have one home, ``knowledge/faq_topics.yml`` (read by
:mod:`bot.understanding.faq_topics`, shared with the parser and the fallback). A topic
without specific wording is answered with what the rules of its topics say for the
regime that applies.
"""

from __future__ import annotations

from typing import Mapping, Tuple

from bot.understanding.faq_topics import default_faq_topics

#: (Pro-A rule topics, période de reconversion rule topics) per FAQ topic.
TopicRules = Tuple[Tuple[str, ...], Tuple[str, ...]]


def faq_topics() -> Mapping[str, TopicRules]:
    """Every FAQ topic the assistant answers, with the rule topics of each regime."""
    return default_faq_topics().rule_topics()
