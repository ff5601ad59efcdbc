"""Word-level expansion of a branch's abbreviations (``pl`` → ``poids lourd``).

The abbreviations themselves are a branch's knowledge (``abbreviations`` of its files);
this module only normalises them once (:class:`AbbreviationTable`) and replaces the words
of a message by their expansion. Imported through :mod:`bot.text`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from bot.text_normalize import tokenize


def expand_abbreviations(words: Sequence[str], abbreviations: Mapping[str, str]) -> list[str]:
    """Replace each word that is an abbreviation key by its (normalised) expansion.

    ``abbreviations`` maps a word to its expansion (e.g. ``pl`` → ``poids lourd``); keys and
    values may be written with accents or capitals, they are normalised here. Pass an
    :class:`AbbreviationTable` to normalise them once for many calls.
    """
    table = abbreviations if isinstance(abbreviations, AbbreviationTable) else AbbreviationTable(abbreviations)
    return table.expand(words)


class AbbreviationTable(Mapping[str, tuple[str, ...]]):
    """Normalised abbreviation map: one word → the words of its expansion."""

    def __init__(self, abbreviations: Mapping[str, str]) -> None:
        """Normalise ``abbreviations``; keys of several words are ignored (word level)."""
        self._map: dict[str, tuple[str, ...]] = {}
        for key, value in abbreviations.items():
            key_words = tokenize(key)
            value_words = tuple(tokenize(value))
            if len(key_words) == 1 and value_words:
                self._map[key_words[0]] = value_words

    def __getitem__(self, key: str) -> tuple[str, ...]:
        """The expansion's words of an abbreviation."""
        return self._map[key]

    def __iter__(self) -> Iterator[str]:
        """The abbreviations."""
        return iter(self._map)

    def __len__(self) -> int:
        """How many abbreviations."""
        return len(self._map)

    def expand(self, words: Sequence[str]) -> list[str]:
        """``words`` with every abbreviation replaced by its expansion."""
        out: list[str] = []
        for word in words:
            out.extend(self._map.get(word, (word,)))
        return out
