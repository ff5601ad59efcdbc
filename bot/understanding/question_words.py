"""The words of the rule finder and the question reader (``knowledge/lexicon/questions.yml``).

Read like every word file by :func:`bot.lexicon.read_word_file` (validated by
``knowledge/schema/questions.schema.json``, ``PROA_KNOWLEDGE_DIR`` honoured), the same
reader as the parser's cues (:mod:`bot.understanding.question_cues`). The two files differ
in how their phrases are written, because their readers read the message differently:
here folded and split into words (:func:`bot.text.normalize`: apostrophes and hyphens
as spaces, punctuation gone), there folded with punctuation kept
(:func:`bot.understanding.text_values.fold`). Compiled once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.lexicon import read_word_file
from bot.text import normalize

#: The word file of :func:`default_question_words` (``knowledge/lexicon/<name>.yml``).
WORD_FILE = "questions"


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """Any of ``phrases`` as whole words of a normalised text, longest first."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![a-z0-9])")


@dataclass(frozen=True)
class QuestionWords:
    """The compiled word lists."""

    joined: Mapping[str, str]
    joined_pattern: re.Pattern[str]
    ignored: frozenset[str]
    synonyms: Mapping[str, str]
    scheme_patterns: Mapping[str, re.Pattern[str]]
    #: The schemes' names as typed, folded but not joined (« pro a », « periode de reconversion »).
    scheme_names: re.Pattern[str]
    past_cue: re.Pattern[str]
    past_time: re.Pattern[str]  # time phrases of the past (« l'an dernier »), in ``past_cue`` too
    present_time: re.Pattern[str]  # a question that asks of today (« aujourd'hui »)
    follow_up_cue: re.Pattern[str]
    open_question: re.Pattern[str]
    negative_cue: re.Pattern[str]
    second_question: re.Pattern[str]
    source_patterns: Mapping[str, re.Pattern[str]]
    role_patterns: Mapping[str, re.Pattern[str]]
    #: Asks for the list of certifications (« quelles formations », « que puis-je préparer »)
    #: or names it (« la liste des certifs »).
    list_cue: re.Pattern[str] = re.compile(r"(?!)")
    #: Asks which certifications (``list_cue`` without the words that only name the list).
    list_request: re.Pattern[str] = re.compile(r"(?!)")
    #: Open question words that start a condition when they open a message (« quand …, »).
    condition_words: frozenset[str] = frozenset()
    #: A question on the asker's own case (« je », « mon »).
    own_case: re.Pattern[str] = re.compile(r"(?!)")
    #: An adviser speaking of a worker (« mon intérimaire », « un salarié que j'accompagne »).
    adviser_cue: re.Pattern[str] = re.compile(r"(?!)")
    #: Starts of a message that asks without a « ? » (prefixes of the folded message).
    asking_starts: tuple[str, ...] = ()
    #: Starts of a yes/no question (« est-ce que »).
    closed_starts: tuple[str, ...] = ()
    #: The avenant to an employment contract (« mon avenant »).
    avenant: re.Pattern[str] = re.compile(r"(?!)")
    #: Open question words that are relative pronouns after a noun (« … externe qui ne… »).
    relative_words: frozenset[str] = frozenset()
    #: Words that open a question at the start of a clause only (« que devient… ? »).
    clause_start: re.Pattern[str] = re.compile(r"(?!)")
    #: Words after which a relative word asks (« c'est qui », « de qui »).
    asking_before: re.Pattern[str] = re.compile(r"(?!)")
    #: A choice offered (« moi ou mon employeur qui… ? »), not « … ou pas ? ».
    choice: re.Pattern[str] = re.compile(r"(?!)")
    #: The avenant named is signed now (« puis-je encore signer un avenant ? »).
    signing_now: re.Pattern[str] = re.compile(r"(?!)")

    def asks_openly(self, folded: str) -> bool:
        """Whether ``folded`` (words and clause marks) has an open question word that asks:
        « que » only at the start of a clause (``clause_start``), a relative word (« qui ») only at the start, after a clause mark, after one of
        ``asking_before`` (« c'est qui ? », « de qui ? ») or after a choice (« c'est moi ou
        mon employeur qui… ? »)."""
        if self.clause_start.search(folded):
            return True
        for match in self.open_question.finditer(folded):
            if match.group(0) not in self.relative_words:
                return True
            before = folded[: match.start()].rstrip()
            if not before or before[-1] in ",;:.?!" or self.asking_before.search(before):
                return True
            if self.choice.search(before):  # « c'est moi ou mon employeur qui… ? »
                return True
        return False

    def asks_a_list(self, text: str) -> bool:
        """Whether a message asks for the list of certifications or names it (``list_cue``)."""
        return bool(self.list_cue.search(self.join(normalize(text))))

    def asks_which_certifications(self, text: str) -> bool:
        """Whether a message asks which certifications (« quelles formations… ? »), not
        something about the list it names (« qui met à jour la liste des certifs ? »)."""
        return bool(self.list_request.search(self.join(normalize(text))))

    def join(self, normalised: str) -> str:
        """Multi-word phrases written as one word (« pro a » → « proa »)."""
        return self.joined_pattern.sub(lambda m: self.joined[m.group(0)], normalised)


def compile_question_words(data: Mapping[str, Any]) -> QuestionWords:
    """Compile the file's content (already validated)."""
    joined = dict(data["joined"])
    return QuestionWords(
        joined=joined,
        joined_pattern=phrase_pattern(joined),
        ignored=frozenset(data["ignored_words"]),
        synonyms=dict(data["synonyms"]),
        scheme_patterns={name: phrase_pattern(phrases) for name, phrases in data["schemes"].items()},
        scheme_names=_typed(data["schemes"].values(), joined),
        past_cue=phrase_pattern([*data["past_times"], *data["past_cues"]]),
        past_time=phrase_pattern(data["past_times"]),
        present_time=phrase_pattern(data["present_times"]),
        signing_now=_any_phrase(data.get("signing_now", ())),
        open_question=phrase_pattern(data["open_question_words"]),
        negative_cue=_negative(data["negative_cues"], data.get("negation_frames")),
        source_patterns={name: phrase_pattern(phrases) for name, phrases in data["source_cues"].items()},
        second_question=_second_question(data["second_question_joiners"], data["second_question_starts"]),
        follow_up_cue=re.compile(r"^(?:" + phrase_pattern(data["follow_up_cues"]).pattern + r")"),
        role_patterns={name: phrase_pattern(phrases) for name, phrases in data["date_roles"].items()},
        adviser_cue=phrase_pattern(data["adviser_cues"]) if data.get("adviser_cues") else re.compile(r"(?!)"),
        own_case=_any_phrase(data.get("own_case_words", ())),
        condition_words=frozenset(data.get("condition_words", ())),
        list_cue=_any_phrase([*data.get("list_cues", ()), *data.get("list_mentions", ())]),
        list_request=_any_phrase(data.get("list_cues", ())),
        asking_starts=tuple(data["asking_starts"]),
        closed_starts=tuple(data["closed_question_starts"]),
        avenant=phrase_pattern(data["avenant_words"]),
        relative_words=frozenset(data.get("relative_words", ())),
        clause_start=re.compile(
            r"(?:^|[,;:.?!])\s*(?:" + _any_phrase(data.get("clause_start_words", ())).pattern + ")"
        ),
        choice=_choice(data.get("choice_words", ()), data.get("choice_not_after", ())),
        asking_before=re.compile(
            r"(?:^|(?<![a-z0-9])(?:" + _any_phrase(data.get("asking_before", ())).pattern + r"))\s*$"
        ),
    )


def _typed(phrase_lists: Iterable[Iterable[str]], joined: Mapping[str, str]) -> re.Pattern[str]:
    """The phrases as typed: themselves and the phrases joined into one of them."""
    phrases = {phrase for phrases in phrase_lists for phrase in phrases}
    return phrase_pattern(phrases | {typed for typed, word in joined.items() if word in phrases})


def _negative(cues: Iterable[str], frames: Mapping[str, Any] | None) -> re.Pattern[str]:
    """The negative cues, and a negation around a verb (« ne figurait pas »)."""
    pattern = phrase_pattern(cues).pattern
    if frames:
        starts = "|".join(re.escape(w) for w in frames["starts"])
        ends = "|".join(re.escape(w) for w in frames["ends"])
        between = int(frames["words_between"])
        pattern += (
            rf"|(?<![a-z0-9])(?:{starts})\s+(?:[a-z0-9]+\s+){{0,{between - 1}}}[a-z0-9]+\s+(?:{ends})(?![a-z0-9])"
        )
    return re.compile(pattern)


def _any_phrase(phrases: Iterable[str]) -> re.Pattern[str]:
    """One of ``phrases`` (a pattern that never matches when there is none)."""
    phrases = list(phrases)
    return phrase_pattern(phrases) if phrases else re.compile(r"(?!)")


def _choice(words: Iterable[str], not_after: Iterable[str]) -> re.Pattern[str]:
    """A choice word not followed by one of ``not_after`` (« ou » but not « ou pas »)."""
    words = list(words)
    if not words:
        return re.compile(r"(?!)")
    refused = list(not_after)
    tail = rf"(?!\s+(?:{_any_phrase(refused).pattern}))" if refused else ""
    return re.compile(_any_phrase(words).pattern + tail)


def _second_question(joiners: Iterable[str], starts: Iterable[str]) -> re.Pattern[str]:
    """Where a second question starts: after a « ? » or a « ; », or after a comma or a
    joining word (« et ») followed by a word that starts a question."""
    joiner = "|".join(re.escape(word) for word in sorted(joiners, key=len, reverse=True))
    start = "|".join(re.escape(p) for p in sorted(starts, key=len, reverse=True))
    return re.compile(rf"(?:[?;]|,\s*(?:(?:{joiner})\s+)?|\s+(?:{joiner})\s+)(?=\s*(?:{start})(?![a-z0-9]))")


@cache
def default_question_words() -> QuestionWords:
    """The words of the knowledge folder in use, validated and compiled (once)."""
    return compile_question_words(read_word_file(WORD_FILE))
