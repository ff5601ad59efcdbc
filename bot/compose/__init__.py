"""French answers, built from small typed parts (verdict line, parts per regime, list,
2026 change, next steps, sources): the one place where the assistant's wording lives.

- :mod:`bot.compose.parts`: the parts an answer is made of (pure data);
- :mod:`bot.compose.answer`: the :class:`Answer`, with its text and structured payload;
- :mod:`bot.compose.french`: the answers' sentences (``knowledge/wording/``);
- :mod:`bot.compose.builder`: decisions and rules → answers (:class:`Composer`), each
  kind built in its module (:mod:`~bot.compose.eligibility`,
  :mod:`~bot.compose.certifications`, :mod:`~bot.compose.faq`) from the shared pieces
  (:mod:`~bot.compose.shared`) and pure helpers (:mod:`~bot.compose.pieces`);
- :mod:`bot.compose.layout`: an answer as plain text;
- :mod:`bot.compose.next_steps`: quick replies;
- :mod:`bot.compose.topics`: the FAQ topics and the rule topics that answer them.
"""

from bot.compose.answer import Answer
from bot.compose.builder import PAGE_SIZE, Composer, paginate
from bot.compose.parts import Button, CertificationItem, CertificationList, ChangeNote, Part, SourceItem
from bot.compose.topics import faq_topics

__all__ = [
    "PAGE_SIZE",
    "Answer",
    "Button",
    "CertificationItem",
    "CertificationList",
    "ChangeNote",
    "Composer",
    "Part",
    "SourceItem",
    "faq_topics",
    "paginate",
]
