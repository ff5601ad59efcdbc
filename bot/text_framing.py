"""The phrases of a chat message that may name a job, the framing around them removed.

:func:`job_segments` cuts a whole user message into clauses (at punctuation and at
boundary phrases such as « depuis », « chez », « et je voudrais », « puis-je ») and drops
the framing of each (« je suis », « je travaille comme », « en tant que »,
« intérimaire », « en CDI », durations such as « 5 ans »), so that the matcher looks only
at what may be a job title. The phrases are data (``knowledge/lexicon/job_framing.yml``,
numbers and edge words in ``knowledge/lexicon/fr.yml``), read once at import. Imported
through :mod:`bot.text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.lexicon import lexicon_words, read_word_file
from bot.text_normalize import normalize, truncate

#: Most segments (clauses) of one message that are looked at.
MAX_SEGMENTS = 8

#: Most words kept in one segment.
MAX_SEGMENT_WORDS = 16

_WORD_RE = re.compile(r"\S+")


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """Regex matching any of ``phrases`` as whole words, longest first."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![a-z0-9])")


# Phrases around a job, in normalised form. A *boundary* ends the phrase that names the
# job; after a *wish* boundary the person speaks of a wish or asks a question, no longer
# of the job they have (the phrases before it are preferred by the matcher); a *frame* is
# dropped where it stands; a *unit* is dropped after a number; a *correction cue* makes
# what follows replace what was said before.
_FRAMING = read_word_file("job_framing")
_BOUNDARY_RE = _phrase_pattern([*_FRAMING["context_boundaries"], *_FRAMING["wish_boundaries"]])
_WISH_SET = frozenset(_FRAMING["wish_boundaries"])
_FRAME_RE = _phrase_pattern(_FRAMING["frames"])
_UNITS = frozenset(_FRAMING["duration_units"])
_CORRECTION_RE = _phrase_pattern(_FRAMING["correction_cues"])
# Characters that end a clause in a chat message (before punctuation is stripped): the
# file's punctuation marks, line breaks and tabs.
_CLAUSE_BREAK = re.compile("[" + re.escape("".join(_FRAMING["clause_marks"])) + r"\n\r\t]+")
_NUMBER_WORDS = lexicon_words("number_words")
_EDGE_WORDS = lexicon_words("edge_words")


@dataclass(frozen=True)
class Segment:
    """A phrase of a message that may name a job.

    ``words`` are normalised; ``wish`` is True when the phrase comes after a wish or a
    question ("je voudrais devenir …", "puis-je …"), where the job a person has is less
    likely to be. ``positions`` are the indexes of ``words`` in the message's words
    (:func:`bot.text.word_spans`), so that a match can be given back as a character span.
    ``correction`` is True when the phrase follows a correction cue (« non, pardon,
    plutôt … »): it then replaces what was said before it.
    """

    words: tuple[str, ...]
    wish: bool
    positions: tuple[int, ...] = ()
    correction: bool = False

    @property
    def text(self) -> str:
        """The words joined by spaces."""
        return " ".join(self.words)


def job_segments(text: str) -> list[Segment]:
    """The phrases of a message that may name a job, framing removed, in message order.

    The input is truncated (:data:`bot.text.MAX_INPUT_CHARS`), cut into clauses at
    punctuation and at boundary words ("depuis", "chez", "et je voudrais", "puis-je"…), and
    framing words ("je suis", "en tant que", "intérimaire", "en CDI", durations) are
    removed. Empty phrases are dropped; at most :data:`MAX_SEGMENTS` are returned.
    """
    segments: list[Segment] = []
    wish = False
    correction = False
    base = 0  # index of the clause's first word in the message's words
    for clause in _CLAUSE_BREAK.split(truncate(text)):
        normalised = normalize(clause)
        if not normalised:
            continue
        word_index = {m.start(): i for i, m in enumerate(_WORD_RE.finditer(normalised))}
        start = 0
        pieces: list[tuple[int, int, bool, bool]] = []
        for found in _BOUNDARY_RE.finditer(normalised):
            piece_correction = correction or bool(_CORRECTION_RE.search(normalised[start : found.start()]))
            pieces.append((start, found.start(), wish, piece_correction))
            wish = wish or found.group(0) in _WISH_SET
            start = found.end()
        pieces.append((start, len(normalised), wish, correction or bool(_CORRECTION_RE.search(normalised[start:]))))
        for piece_start, piece_end, piece_wish, piece_correction in pieces:
            kept = _strip_frames_at(normalised, piece_start, piece_end)
            if _CORRECTION_RE.search(normalised[piece_start:piece_end]) or piece_correction:
                correction = True
            if kept:
                kept = kept[:MAX_SEGMENT_WORDS]
                segments.append(
                    Segment(
                        tuple(w for w, _ in kept),
                        piece_wish,
                        tuple(base + word_index[o] for _, o in kept),
                        piece_correction and bool(segments),
                    )
                )
                if len(segments) >= MAX_SEGMENTS:
                    return segments
        base += len(word_index)
    return segments


def strip_framing(text: str) -> str:
    """The words of ``text`` that may name a job, framing removed (all segments joined)."""
    return " ".join(segment.text for segment in job_segments(text))


def _strip_frames(piece: str) -> list[str]:
    """Words of a normalised phrase without framing words, numbers, durations ("5 ans")
    and the articles or pronouns left at its edges."""
    return [word for word, _ in _strip_frames_at(piece, 0, len(piece))]


def _strip_frames_at(text: str, begin: int, end: int) -> list[tuple[str, int]]:
    """:func:`_strip_frames` of ``text[begin:end]``, each word with its offset in ``text``."""
    piece = text[begin:end]
    framed = [(m.start(), m.end()) for m in _FRAME_RE.finditer(piece)]
    words: list[tuple[str, int]] = []
    previous = ""
    for found in _WORD_RE.finditer(piece):
        word = found.group(0)
        if any(s <= found.start() < e for s, e in framed):
            continue  # a framing phrase, dropped where it stands
        is_number = word.isdigit() or word in _NUMBER_WORDS
        if not is_number and not (word in _UNITS and (previous.isdigit() or previous in _NUMBER_WORDS)):
            words.append((word, begin + found.start()))
        previous = word
    while words and words[0][0] in _EDGE_WORDS:
        words.pop(0)
    while words and words[-1][0] in _EDGE_WORDS:
        words.pop()
    return words
