"""French text helpers for matching what people type against the knowledge base.

Everything here works on plain strings and is independent of the knowledge files:

- :func:`normalize` / :func:`tokenize`: lower case, accents folded, apostrophes and hyphens
  unified (both become word separators), punctuation and symbols (emoji, HTML brackets…)
  stripped.
- :func:`expand_abbreviations`: word-level expansion from a branch's ``abbreviations``.
- :func:`lemma`: spaCy ``fr_core_news_md`` lemma of one word, folding plural and (most)
  feminine forms; :func:`fold_feminine` is the data-free fallback for the feminine job
  endings the lemmatizer leaves alone.
- :func:`job_segments`: cuts a whole user message into the phrases that may name a job,
  dropping the framing around it ("je suis", "je travaille comme … depuis 5 ans",
  "en tant que", "intérimaire", "en CDI", "puis-je viser un BTS ?").

spaCy is loaded once, lazily, on the first :func:`lemma` call (see :func:`get_nlp`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.lexicon import lexicon_words
from bot.spacy_pipeline import SPACY_MODEL, shared_pipeline

#: Longest user input considered, in characters. A job title plus the usual framing fits
#: easily; anything longer is cut at a word boundary so that matching stays bounded in
#: time whatever is pasted into the chat.
MAX_INPUT_CHARS = 400

#: Most segments (clauses) of one message that are looked at.
MAX_SEGMENTS = 8

#: Most words kept in one segment.
MAX_SEGMENT_WORDS = 16

_APOSTROPHES = "'\u2019\u2018\u02bc\u02b9`\u00b4\u2032\uff07"
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad_"
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss"}

# Characters that end a clause in a chat message (before punctuation is stripped).
_CLAUSE_BREAK = re.compile(r"[.!?;:,()\[\]{}\n\r\t|«»\"“”]+")
_APOSTROPHE_RE = re.compile("[" + re.escape(_APOSTROPHES) + "]")
_HYPHEN_RE = re.compile("[" + re.escape(_HYPHENS) + "]")
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")


# --------------------------------------------------------------------------- normalising


def _build_fold_table() -> dict[int, str]:
    """``str.translate`` table folding the accented Latin letters (computed once)."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):  # Latin-1 Supplement and Latin Extended-A/B
        char = chr(code)
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if plain != char:
            table[code] = plain
    for ligature, plain in _LIGATURES.items():
        table[ord(ligature)] = plain
    table[ord("Œ")] = "OE"
    table[ord("Æ")] = "AE"
    return table


_FOLD_TABLE = _build_fold_table()


def fold_accents(text: str) -> str:
    """Remove diacritics (``é`` → ``e``, ``ç`` → ``c``) and expand ``œ``/``æ`` ligatures."""
    if text.isascii():
        return text
    text = text.translate(_FOLD_TABLE)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalize(text: str) -> str:
    """Lower-case, accent-folded ASCII words separated by single spaces.

    Apostrophes and hyphens of every kind become spaces ("aide-soignante" → "aide
    soignante", "chef d’équipe" → "chef d equipe"); any other character that is not a
    letter or a digit (punctuation, emoji, ``<``/``>`` of HTML…) is dropped as a separator.
    """
    text = fold_accents(text.casefold())
    text = _APOSTROPHE_RE.sub(" ", text)
    text = _HYPHEN_RE.sub(" ", text)
    return _NON_WORD_RE.sub(" ", text).strip()


def tokenize(text: str) -> list[str]:
    """The words of :func:`normalize`."""
    return normalize(text).split()


def truncate(text: str, limit: int = MAX_INPUT_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary when possible."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


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


# ------------------------------------------------------------------------- lemmatising


def get_nlp() -> Any:
    """The process's spaCy pipeline (:func:`bot.spacy_pipeline.shared_pipeline`), loaded
    once on first use.

    The core reads two things from it: the rule lemmatizer, which :func:`spacy_lemma`
    calls alone on a one-word ``Doc`` whose part of speech it sets itself (job titles are
    nouns), and the word vectors of the task scorer, both when the index is built
    (:mod:`bot.index_cache`); a process that reads the index from the cache never loads
    it. The tagging pipes it keeps change no lemma of the core. The lemmatizer's
    word lists are frozensets there, so that a lemma costs microseconds instead of a
    linear scan.
    """
    return shared_pipeline(SPACY_MODEL)


class LazyNlp:
    """Stands for :func:`get_nlp`'s pipeline and loads it on first use.

    The matchers read from the index cache (:mod:`bot.index_cache`) hold this instead of
    the pipeline: a cold ``bot ask`` loads spaCy only if it needs word vectors or a lemma
    the tables of :func:`use_lemma_tables` do not give."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends probe these: no load for them
            raise AttributeError(name)
        return getattr(get_nlp(), name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyNlp, ())


#: spaCy's lemmatizer tables (bot.lemmas.RuleLemmas), installed by the index cache.
_LEMMA_TABLES: Any | None = None


def use_lemma_tables(tables: Any | None) -> None:
    """Answer :func:`spacy_lemma` for the default pipeline from ``tables`` (a
    :class:`bot.lemmas.RuleLemmas`, same lemmas) instead of loading spaCy; None stops."""
    global _LEMMA_TABLES
    _LEMMA_TABLES = tables


def lookup_lemma(word: str) -> str:
    """spaCy's lookup-table lemma of one word, without a part of speech (« peux » →
    « pouvoir », « formations » → « formation »; the word itself when the table has
    none): from the index cache's tables when installed, else from the spaCy pipeline."""
    tables = _LEMMA_TABLES
    string = word.lower()
    if tables is not None:
        return str(tables.lookup(string))
    from spacy.strings import get_string_id

    table = get_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_lookup", {})
    lemmas = table.get(get_string_id(string))
    return str(lemmas[0]) if lemmas else string


def spacy_lemma(word: str, nlp: Any = None, pos: str = "NOUN") -> str:
    """spaCy's rule-based lemma of one lower-case word tagged ``pos`` (default ``NOUN``)."""
    tables = _LEMMA_TABLES
    if tables is not None and (nlp is None or isinstance(nlp, LazyNlp)) and tables.handles(pos):
        return tables.lemma(word, pos).lower() or word
    if isinstance(nlp, LazyNlp):
        nlp = get_nlp()
    from spacy.tokens import Doc

    nlp = nlp or get_nlp()
    doc = Doc(nlp.vocab, words=[word])
    doc[0].pos_ = pos
    doc = nlp.get_pipe("lemmatizer")(doc)
    return doc[0].lemma_.lower() or word


# Feminine job endings → masculine, tried longest first. spaCy's French lemmatizer folds
# plurals and many feminine nouns ("préparatrices" → "préparateur") but only for words in
# its tables and written with their accents: it leaves "mecaniciennes" → "mecanicienne",
# "soudeuse", "chaudronniere", "maconne" unchanged. These endings are grammar, not data, so
# this fold is applied to what the lemmatizer returns, and only when it still ends like a
# feminine job title.
_FEMININE_ENDINGS: tuple[tuple[str, str], ...] = (
    ("trice", "teur"),  # préparatrice, conductrice, formatrice
    ("ienne", "ien"),  # mécanicienne, électricienne, technicienne
    ("iere", "ier"),  # infirmière, chaudronnière, magasinière
    ("euse", "eur"),  # soudeuse, vendeuse, coiffeuse
    ("onne", "on"),  # maçonne
    ("ere", "er"),  # bouchère, boulangère, conseillère
    ("ante", "ant"),  # gouvernante, assistante, accompagnante
    ("ive", "if"),  # éducative
    ("ee", "e"),  # employée, chargée, attachée
)


def fold_feminine(word: str) -> str:
    """Masculine form of an accent-folded feminine job word ("soudeuse" → "soudeur").

    Words shorter than five letters or without one of the endings are returned unchanged.
    """
    if len(word) < 5:
        return word
    for ending, replacement in _FEMININE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            return word[: -len(ending)] + replacement
    return word


@lru_cache(maxsize=65536)
def lemma(word: str, nlp: Any = None) -> str:
    """Canonical form of one accent-folded word: spaCy noun lemma, then feminine fold.

    ``nlp`` defaults to :func:`get_nlp`. Cached: each distinct word costs one lemmatizer
    call per process.
    """
    if len(word) < 3 or not word.isalpha():
        return word
    return fold_feminine(fold_accents(spacy_lemma(word, nlp)))


# ------------------------------------------------------------------------------ framing

# Phrases around a job in a chat message, in normalised form. A *boundary* ends the phrase
# that names the job ("… depuis 5 ans", "… chez Adecco", "… et je voudrais …"); a *frame*
# is dropped where it stands ("je suis", "en tant que", "intérimaire", "en CDI").
_CONTEXT_BOUNDARIES = (
    "depuis",
    "chez",
    "pendant",
    "dans",
    "avec",
    "mais",
    "donc",
    "parce",
    "quand",
    "lorsque",
    "et je",
    "et j",
    "s il",
)
# Boundaries after which the user speaks of a wish or asks a question, no longer of the
# job they have: the phrases before them are preferred by the matcher.
_WISH_BOUNDARIES = (
    "puis je",
    "peux je",
    "pourrais je",
    "est ce que",
    "est ce qu",
    "est il possible",
    "ai je",
    "suis je",
    "voudrais",
    "veux",
    "souhaite",
    "souhaiterais",
    "aimerais",
    "peux",
    "pourrais",
    "vais",
    "cherche",
    "recherche",
    "qu est ce",
    "quelle",
    "quelles",
    "quel",
    "quels",
    "comment",
    "combien",
    "pourquoi",
    "si je",
    "devenir",
    "viser",
    "obtenir",
    "preparer",
    "passer",
    "faire",
    "pour",
    "afin",
)
_BOUNDARIES = _CONTEXT_BOUNDARIES + _WISH_BOUNDARIES
_FRAMES = (
    "bonjour",
    "bonsoir",
    "salut",
    "hello",
    "coucou",
    "merci",
    "svp",
    "stp",
    "madame",
    "monsieur",
    "oui",
    "non",
    "alors",
    "voila",
    "ben",
    "bah",
    "euh",
    "je suis actuellement",
    "je suis",
    "j suis",
    "je travaille en tant que",
    "je travaille comme",
    "je travaille",
    "je bosse comme",
    "je bosse",
    "j exerce",
    "je fais",
    "j ai",
    "travaille comme",
    "travaille",
    "bosse",
    "actuellement",
    "aujourd hui",
    "en ce moment",
    "mon metier c est",
    "mon metier est",
    "mon metier",
    "ma profession",
    "mon poste",
    "mon job",
    "mon emploi",
    "mon travail",
    "c est",
    "en tant que",
    "en tant qu",
    "en qualite de",
    "comme",
    "en cdi interimaire",
    "en cdi",
    "en cdd",
    "en cdii",
    "en interim",
    "en mission",
    "cdi interimaire",
    "cdi",
    "cdd",
    "cdii",
    "interimaire",
    "interimaires",
    "interim",
    "interimeur",
    "en contrat",
    "missions",
    "salarie",
    "salariee",
    "temps plein",
    "temps partiel",
    "je",
    "j",
    "moi",
    "suis",
    "sui",
    "pardon",
    "plutot",
    "enfin",
    "je veux dire",
    # the schemes and what is asked about them name no job
    "pro a",
    "proa",
    "periode de reconversion",
    "reconversion",
    "alternance",
    "formation",
    "formations",
)
# Words such as "poste", "métier" or "service" are not frames on their own: they are part
# of job titles ("chef de poste", "formateur métier", "conseiller service client").
_UNITS = frozenset({"an", "ans", "annee", "annees", "mois", "semaine", "semaines", "jour", "jours", "h", "heures"})


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """Regex matching any of ``phrases`` as whole words, longest first."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![a-z0-9])")


_BOUNDARY_RE = _phrase_pattern(_BOUNDARIES)
_WISH_SET = frozenset(_WISH_BOUNDARIES)
_FRAME_RE = _phrase_pattern(_FRAMES)


@dataclass(frozen=True)
class Segment:
    """A phrase of a message that may name a job.

    ``words`` are normalised; ``wish`` is True when the phrase comes after a wish or a
    question ("je voudrais devenir …", "puis-je …"), where the job a person has is less
    likely to be. ``positions`` are the indexes of ``words`` in the message's words
    (:func:`word_spans`), so that a match can be given back as a character span.
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


#: Cues of a correction of what was just said (normalised, whole words).
_CORRECTION_RE = re.compile(
    r"(?<![a-z0-9])(?:non|pardon|plutot|je veux dire|enfin|je me suis trompe|je me suis trompee|erreur|rectification)(?![a-z0-9])"
)
_WORD_RE = re.compile(r"\S+")


@lru_cache(maxsize=4096)
def normalize_char(char: str) -> str:
    """:func:`normalize` of one character (cached: messages repeat the same few)."""
    return normalize(char)


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, word)`` of every word of :func:`normalize` in ``truncate(text)``.

    The words are exactly those of ``tokenize(truncate(text))``, in order; ``start`` and
    ``end`` are character offsets in ``text`` (a span of the text as typed).
    """
    text = truncate(text)
    spans: list[tuple[int, int, str]] = []
    start = -1
    for index, char in enumerate(text):
        inside = bool(normalize_char(char)) or (start >= 0 and unicodedata.combining(char) > 0)
        if inside and start < 0:
            start = index
        elif not inside and start >= 0:
            spans.append((start, index, normalize(text[start:index])))
            start = -1
    if start >= 0:
        spans.append((start, len(text), normalize(text[start:])))
    # A character whose fold holds a space (rare compatibility forms) splits a word.
    out: list[tuple[int, int, str]] = []
    for begin, end, word in spans:
        for part in word.split():
            out.append((begin, end, part))
    return out


def job_segments(text: str) -> list[Segment]:
    """The phrases of a message that may name a job, framing removed, in message order.

    The input is truncated (:data:`MAX_INPUT_CHARS`), cut into clauses at punctuation and
    at boundary words ("depuis", "chez", "et je voudrais", "puis-je"…), and framing words
    ("je suis", "en tant que", "intérimaire", "en CDI", durations) are removed. Empty
    phrases are dropped; at most :data:`MAX_SEGMENTS` are returned.
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


_NUMBER_WORDS = lexicon_words("number_words")
_EDGE_WORDS = lexicon_words("edge_words")
