"""The words the answers' composer reads in the knowledge's own French texts (rule
summaries, source titles): abbreviations a sentence does not end at, the quotation marks a
cut never falls inside, the letters of a code's article numbers, the words that name a
scheme or a FAQ topic.

They are word data (``knowledge/lexicon/answer_text.yml``, checked by its schema), read
once here; :mod:`bot.compose.rule_sentences`, :mod:`bot.compose.sentence_cuts`,
:mod:`bot.compose.rule_answer` and :mod:`bot.compose.faq` use them.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.lexicon import read_word_file

WORD_FILE = "answer_text"

_WORDS = read_word_file(WORD_FILE)

#: A full stop after one of these does not end a sentence (« art. », « n° »).
ABBREVIATIONS: tuple[str, ...] = tuple(_WORDS["abbreviations"])
#: The marks that open and close a quotation.
QUOTE_OPEN: str = _WORDS["quotes"]["open"]
QUOTE_CLOSE: str = _WORDS["quotes"]["close"]
#: The letters that open an article number of a code (« L6324-1 »).
CODE_ARTICLE_LETTERS: tuple[str, ...] = tuple(_WORDS["code_article_letters"])
#: The word before the date in a document's short title (« Avenant n° 1 du 7 octobre 2022 »).
TITLE_DATE_WORD: str = _WORDS["title_date_word"]
#: A sentence that holds one of these (case-folded) names its scheme.
SCHEME_NAMES: tuple[str, ...] = tuple(_WORDS["scheme_names"])
#: By FAQ topic, the word its verdict line is about when its rules are shared with another topic.
TOPIC_KEYWORDS: Mapping[str, str] = dict(_WORDS["topic_keywords"])
