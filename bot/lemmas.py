"""spaCy's French rule lemmatizer on plain tables, without loading spaCy.

:func:`bot.text.spacy_lemma` asks spaCy's ``FrenchLemmatizer`` (``rule`` mode) for the
lemma of one word tagged NOUN or VERB. Loading spaCy's French language costs seconds
(``spacy.lang.fr`` builds its tokenizer exceptions at import), which a cold ``bot ask``
cannot afford. :class:`RuleLemmas` holds the lemmatizer's tables for those two parts of
speech (taken once from the loaded pipeline, then kept in the index cache,
:mod:`bot.index_cache`) and applies the same procedure as
``spacy.lang.fr.lemmatizer.FrenchLemmatizer.rule_lemmatize`` (spaCy 3.8): the word
itself when it is in the index, else its exceptions, else the suffix rules (forms in the
index first), and its last resort, the lookup table keyed by spaCy's string hash
(:func:`string_hash`, MurmurHash64A as in ``spacy.strings``), then the word itself.
tests/bot/test_lemmas.py checks it gives spaCy's lemma on every word of the knowledge,
the NLU data and the test sets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The parts of speech :func:`bot.text.spacy_lemma` is called with.
PARTS_OF_SPEECH: tuple[str, ...] = ("NOUN", "VERB")

_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


def string_hash(text: str) -> int:
    """spaCy's hash of a string (``spacy.strings.get_string_id``): MurmurHash64A of its
    UTF-8 bytes with seed 1."""
    data = text.encode("utf-8")
    length = len(data)
    h = (1 ^ (length * _M)) & _MASK
    blocks = length // 8
    for start in range(0, blocks * 8, 8):
        k = (int.from_bytes(data[start : start + 8], "little") * _M) & _MASK
        k ^= k >> 47
        h = ((h ^ ((k * _M) & _MASK)) * _M) & _MASK
    tail = data[blocks * 8 :]
    if tail:
        for shift, byte in enumerate(tail):
            h ^= byte << (8 * shift)
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    return h ^ (h >> 47)


@dataclass(frozen=True)
class _PosTables:
    index: frozenset[str]
    exceptions: Mapping[str, Sequence[str]]
    rules: tuple[tuple[str, str], ...]


class RuleLemmas:
    """The French rule lemmatizer's tables for NOUN and VERB, and its procedure."""

    def __init__(self, tables: dict[str, _PosTables], lookup: Mapping[int, str]) -> None:
        self._tables = tables
        self._lookup = lookup

    @classmethod
    def from_nlp(cls, nlp: Any) -> RuleLemmas:
        """Copy the tables of the ``lemmatizer`` pipe of a loaded spaCy pipeline."""
        lookups = nlp.get_pipe("lemmatizer").lookups
        index, exceptions, rules, lookup = (
            lookups.get_table(name, {}) for name in ("lemma_index", "lemma_exc", "lemma_rules", "lemma_lookup")
        )
        tables = {}
        for pos in PARTS_OF_SPEECH:
            key = pos.lower()
            tables[pos] = _PosTables(
                frozenset(index.get(key, ())),
                {word: tuple(forms) for word, forms in dict(exceptions.get(key, {})).items()},
                tuple((old, new) for old, new in rules.get(key, [])),
            )
        # Keys are string hashes already; the values are lists of lemmas, the first wins.
        return cls(tables, {int(key): value[0] for key, value in lookup.items() if value})

    def handles(self, pos: str) -> bool:
        """True for the parts of speech whose tables are held."""
        return pos in self._tables

    def lemma(self, word: str, pos: str) -> str:
        """spaCy's rule lemma of ``word`` tagged ``pos``."""
        tables = self._tables[pos]
        string = word.lower()
        if string in tables.index:
            return string
        forms: list[str] = list(tables.exceptions.get(string, ()))
        if not forms:
            oov_forms: list[str] = []
            for old, new in tables.rules:
                if string.endswith(old):
                    form = string[: len(string) - len(old)] + new
                    if not form:
                        continue
                    if form in tables.index or not form.isalpha():
                        forms.append(form)
                    else:
                        oov_forms.append(form)
            forms = forms or oov_forms
        if forms:
            return forms[0]
        return self._lookup.get(string_hash(string), string)

    def verbs(self) -> tuple[frozenset[str], Mapping[str, Sequence[str]]]:
        """The VERB tables: the verb lemmas spaCy knows, and its exceptions (an inflected
        form → its lemmas), as :mod:`bot.understanding.verb_forms` reads them."""
        tables = self._tables["VERB"]
        return tables.index, tables.exceptions

    def lookup(self, word: str) -> str:
        """The lemma of ``word`` in spaCy's lookup table (no part of speech; the word
        itself when the table has none)."""
        string = word.lower()
        return self._lookup.get(string_hash(string), string)
