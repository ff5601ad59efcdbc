"""The phrases of a message that may name the person's job: after a job cue (« je suis
… », « en tant que … »), the speciality of a diploma (« un CAP pâtissier »), or a short
answer that is only a job (« ambulancier en CDI »).

The métier finder decides whether such a phrase is a métier of the annex; the NLU keeps
it as a refused métier when it is not (« je suis ambulancier »,
``nlu/metier_entities.py``), and the assistant reads a question that names one as a
métier question. The cue words and the words that are no job are data
(``knowledge/lexicon/profile_words.yml``, ``knowledge/lexicon/fr.yml``).
"""

from __future__ import annotations

from bot.contracts import default_contracts
from bot.knowledge.models import KnowledgeBase
from bot.lexicon import lexicon_words
from bot.profile_words import profile_words
from bot.text import job_segments, normalize, word_spans
from bot.understanding.profile_facts import DIPLOMA, find_facts
from bot.understanding.text_values import fold
from bot.understanding.verb_forms import default_verb_forms

#: Most words of a message taken as a bare answer naming a job (« ambulancier en CDI »).
_SHORT_ANSWER_WORDS = 4
#: Most words of the job phrase of such an answer.
_SHORT_ANSWER_JOB_WORDS = 3
#: Most words of a phrase proposed as a job.
_JOB_PHRASE_WORDS = 5
_EDGE_WORDS = lexicon_words("edge_words")


def job_phrases(
    text: str, kb: KnowledgeBase | None = None, short_answer: bool = False, stated: bool = False
) -> list[tuple[int, int]]:
    """Spans of ``text`` that follow a job cue (« je suis … », « en tant que … », « pour
    un … », the speciality of a diploma: « un CAP pâtissier ») and may name a job: the
    phrase up to the next clause break or boundary word, framing removed, without
    numbers, profile facts, nor only words that are no job (« je suis éligible »); with
    ``short_answer`` (the message answers a question), also a short message that is only
    such a phrase (« ambulancier en CDI »). The métier finder decides whether such a
    phrase is a métier of the annex; the NLU keeps it as a refused métier when it is not
    (« je suis ambulancier »). ``kb`` lets a branch named (« je dépends du travail
    temporaire ») rule its phrase out. With ``stated``, only the phrases the person states
    as a job (« je suis … », « en tant que … »): not those after a cue that also introduces
    what is no job (« pris comme un accident du travail », « pour financer »)."""
    if not isinstance(text, str) or not text.strip():
        return []
    words = profile_words()
    masked = default_contracts().mask(text)
    facts = find_facts(text, kb)
    spans = word_spans(masked)
    folded = fold(masked)
    plain = fold(text)  # cues may be contract words (« mon intérimaire frigoriste »)
    if len(plain) != len(text):
        plain = folded
    out: list[tuple[int, int]] = []
    segments = job_segments(masked)
    # A short answer that is only a job (« ambulancier », « ambulancier, CDD, 29 ans »).
    short = (
        short_answer
        and len(segments) == 1
        and len([w for w in spans if not w[2].isdigit()]) <= _SHORT_ANSWER_WORDS
        and all(any(f.start <= i < f.end for f in facts) for i, c in enumerate(text) if c.isdigit())
    )
    for segment in segments:
        if not segment.positions:
            continue
        positions = list(segment.positions)
        cued = False
        # A cue inside the segment (« savoir si mon intérimaire frigoriste »): after it.
        begin, finish = spans[positions[0]][0], spans[positions[-1]][1]
        cues = list(words.job_cue_inside.finditer(plain, begin, finish))
        weak = False
        if cues:
            positions = [p for p in positions if spans[p][0] >= cues[-1].end()]
            cued = True
            weak = _is_weak(cues[-1].group(), words.weak_job_cues)
        # The first run of adjacent words: framing or a contract inside the segment (« agent
        # de tri en cdii jpeu ») ends the phrase, as does a verb (« frigoriste peut … »).
        phrase: list[tuple[int, int, str]] = []
        for index, position in enumerate(positions):
            word = spans[position]
            if index and (position != positions[index - 1] + 1 or "  " in masked[phrase[-1][1] : word[0]]):
                break
            phrase.append(word)
        cut = next((i for i, w in enumerate(phrase) if i and w[2] in words.phrase_end_words), None)
        phrase = phrase[:cut] if cut is not None else phrase
        while phrase and phrase[-1][2] in _EDGE_WORDS:
            phrase.pop()
        # A diploma's speciality (« un CAP pâtissier »): the words after it.
        for fact in facts:
            inside = [w for w in phrase if fact.start <= w[0] < fact.end]
            if not inside:
                continue
            after = [w for w in phrase if w[0] >= fact.end]
            if fact.entity == DIPLOMA and phrase[0] in inside and after:
                phrase, cued, weak = after, True, False
            else:
                phrase = [w for w in phrase if w[1] <= fact.start]
        if not phrase or len(phrase) > _JOB_PHRASE_WORDS:
            continue
        if all(w[2] in words.non_job_words or len(w[2]) < 3 or not w[2].isalpha() for w in phrase):
            continue
        if kb is not None and _starts_with_a_verb(phrase[0][2], kb):
            continue  # « mon salarié arrête sa période… »: a verb, no job
        start, end = phrase[0][0], phrase[-1][1]
        if not cued:
            before = words.job_cue_before.search(plain[max(0, start - 40) : start])
            cued = before is not None
            weak = before is not None and _is_weak(before.group(), words.weak_job_cues)
        if (short and len(phrase) <= _SHORT_ANSWER_JOB_WORDS) or (cued and not (stated and weak)):
            out.append((start, end))
    return out


def _starts_with_a_verb(word: str, kb: KnowledgeBase) -> bool:
    """Whether a phrase's first word is a conjugated verb that no métier's name holds
    (« arrête », « était »; not « aide » of « aide-soignant », « garde », « pilote »)."""
    return default_verb_forms().conjugated(word) is not None and word not in _job_name_words(kb)


#: The words of the métiers' names of a knowledge base, by its id (one per process).
_JOB_NAME_WORDS: dict[int, frozenset[str]] = {}


def _job_name_words(kb: KnowledgeBase) -> frozenset[str]:
    """The folded words of every métier's label and variants, of every branch."""
    words = _JOB_NAME_WORDS.get(id(kb))
    if words is None:
        names = (n for b in kb.branches.values() for m in b.metiers for n in (m.label, *m.variants))
        words = frozenset(w for name in names for w in normalize(name).split())
        _JOB_NAME_WORDS.clear()
        _JOB_NAME_WORDS[id(kb)] = words
    return words


def _is_weak(cue: str, weak_cues: frozenset[str]) -> bool:
    """Whether a matched cue (« pour un  », « comme ») is one of the weak cues."""
    return " ".join(cue.replace("'", " ").replace("-", " ").replace(".", " ").split()) in weak_cues
