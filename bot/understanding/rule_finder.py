"""Finds the rules that answer a question: the rule finder.

Every rule of ``knowledge/`` states the question it answers (``question``) and how people
ask it (``asks``). The finder ranks the rules for a message by TF-IDF cosine similarity
(scikit-learn) over two views of the same words, so that both a reworded question and a
misspelt one find their rule:

- words: folded, joined (« pro a » → « proa »), lemmatised with spaCy's lookup table
  (:func:`bot.text.lookup_lemma`), mapped through the lexicon's synonyms, without the
  words that say nothing of the rule asked (``knowledge/lexicon/questions.yml``); unigrams
  and bigrams;
- characters: 3- to 5-grams inside words, for typos and word forms.

Each phrasing (the question, each ask, each closed ask, the title) is a row; a rule scores
the best of its rows, plus a share of the similarity of its whole document. A row that is
a yes/no question carries its answer (the rule's ``answer`` to its ``question``, each
closed ask's own): a hit says the answer of its closest such row, for the first line. The
finder knows nothing of branches or dates: the caller filters the ranking
(:meth:`RuleFinder.rank` takes a predicate).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.knowledge.models import Rule
from bot.text import fold_accents, lookup_lemma, normalize
from bot.understanding.quantities import Quantity, read_quantities
from bot.understanding.question_words import QuestionWords, default_question_words

#: Weight of the word view against the character view.
WORD_WEIGHT = 0.6
#: Share of the summary's similarity added to a rule's best phrasing.
SUMMARY_WEIGHT = 0.0
#: Share of the similarity to the rule's whole document (every phrasing and the summary
#: together) added to its best phrasing: a long question touches several phrasings.
DOC_WEIGHT = 2.0
#: Share of the similarity of the asked words (:meth:`RuleFinder.focus`) added to a rule's
#: score, and how many terms after the question word they are.
FOCUS_WEIGHT = 0.2
FOCUS_TERMS = 3
#: A later sentence of a rule opens the answer when it is this much closer to the question
#: than the first (« … et combien d'heures ? » reads the sentence with the hours).
SENTENCE_MARGIN = 0.05


@dataclass(frozen=True)
class RuleHit:
    """One rule of the ranking and its score (0–1.25)."""

    rule: Rule
    score: float
    #: The answer of the rule's yes/no phrasing closest to the message (« oui », « non »,
    #: « cela dépend »), that phrasing, and its similarity as a share of the rule's
    #: closest phrasing (1.0: the closest phrasing is that yes/no question).
    answer: str | None = None
    answered: str | None = None
    answer_share: float = 0.0
    #: The similarity of the rule's closest phrasing alone (the score adds its whole document).
    phrasing: float = 0.0


class RuleFinder:
    """Ranks rules for a message (built once per knowledge base)."""

    def __init__(
        self,
        rules: Sequence[Rule],
        words: QuestionWords | None = None,
        lemma: Callable[[str], str] = lookup_lemma,
    ) -> None:
        self.rules = tuple(rules)
        self._words = words or default_question_words()
        self._lemma = lru_cache(maxsize=16384)(lemma)
        rows: list[str] = []
        owners: list[int] = []
        #: Per rule, its yes/no rows: (row index, answer, phrasing, turned negative, the
        #: figures it asks of: « …de 11 salariés ? »).
        self._answered: list[list[tuple[int, str, str, bool, frozenset[Quantity]]]] = [[] for _ in self.rules]
        for index, rule in enumerate(self.rules):
            phrasings = [(rule.question, rule.answer), (rule.title, None)]
            phrasings += [(ask, None) for ask in rule.asks]
            phrasings += [(closed.ask, closed.answer) for closed in rule.closed_asks]
            for phrasing, answer in phrasings:
                if phrasing:
                    if answer is not None:
                        row = (
                            len(rows),
                            answer,
                            phrasing,
                            self.negative(phrasing),
                            frozenset(read_quantities(phrasing)),
                        )
                        self._answered[index].append(row)
                    rows.append(self.terms(phrasing))
                    owners.append(index)
        summaries = [self.terms(rule.summary) for rule in self.rules]
        documents = [
            " ".join(row for row, owner in zip(rows, owners, strict=True) if owner == index) + " " + summaries[index]
            for index in range(len(self.rules))
        ]
        self._owners = np.asarray(owners, dtype=np.int64)
        corpus = rows + summaries
        word_view = TfidfVectorizer(analyzer=_words_and_pairs, sublinear_tf=True).fit(corpus)
        char_view = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(corpus)
        self._words_of = _QueryView(word_view, rows=rows, summaries=summaries, documents=documents)
        self._chars_of = _QueryView(char_view, rows=rows)

    def terms(self, text: str) -> str:
        """The words of ``text`` as the finder compares them (space separated)."""
        words = self._words
        lemmas = []
        for word in words.join(normalize(text)).split():
            lemma = fold_accents(self._lemma(word)) if word.isalpha() and len(word) > 3 else word
            lemma = words.synonyms.get(lemma, words.synonyms.get(word, lemma))
            if lemma not in words.ignored and word not in words.ignored:
                lemmas.append(lemma)
        return " ".join(lemmas)

    def negative(self, text: str) -> bool:
        """Whether ``text`` has a word that may turn a yes/no question the other way round
        (« interdit », « ne peut pas »: the lexicon's negative cues)."""
        return bool(self._words.negative_cue.search(self._words.join(normalize(text))))

    def rank(
        self,
        text: str,
        keep: Callable[[Rule], bool] | None = None,
        limit: int = 8,
        negative: bool | None = None,
    ) -> list[RuleHit]:
        """The rules for ``text``, best first (only those ``keep`` accepts), at most ``limit``;
        ``negative``: whether the question is turned round, when its reading already says
        (:attr:`Reading.negative`), else read here (:meth:`negative`). The words right after
        an open question word (« quel *forfait horaire* … ? », « qui *fixe* … ? ») are what is
        asked: the rules whose phrasings have them gain a share of that similarity."""
        terms = self.terms(text)
        negative = self.negative(text) if negative is None else negative
        if not terms:
            return []
        words = self._words_of.query(terms)
        row_scores, best = self._row_scores(terms, words)
        summary = self._words_of.scores("summaries", words) if SUMMARY_WEIGHT else 0.0
        document = self._words_of.scores("documents", words)
        # On the scale of a cosine (0–1): thresholds read it (bot/understanding/rule_search.py).
        scores = (best + SUMMARY_WEIGHT * summary + DOC_WEIGHT * document) / (1 + SUMMARY_WEIGHT + DOC_WEIGHT)
        focus = self.focus(text)
        if focus and FOCUS_WEIGHT:
            scores = scores + FOCUS_WEIGHT * self._row_scores(focus)[1]
        figures = frozenset(read_quantities(text))
        hits = []
        for index in np.argsort(-scores, kind="stable"):
            rule = self.rules[int(index)]
            if scores[index] <= 0:
                break
            if keep is None or keep(rule):
                hits.append(
                    self._hit(int(index), float(scores[index]), row_scores, float(best[index]), negative, figures)
                )
                if len(hits) >= limit:
                    break
        return hits

    def _row_scores(self, terms: str, words: Query | None = None) -> tuple[Vector, Vector]:
        """Each phrasing's similarity to ``terms`` (both views), and each rule's best;
        ``words``: the word view's query of ``terms``, when the caller has it already."""
        words = self._words_of.query(terms) if words is None else words
        row_scores = WORD_WEIGHT * self._words_of.scores("rows", words)
        row_scores += (1 - WORD_WEIGHT) * self._chars_of.scores("rows", self._chars_of.query(terms))
        best = np.zeros(len(self.rules))
        np.maximum.at(best, self._owners, row_scores)
        return row_scores, best

    def focus(self, text: str) -> str:
        """The first terms after the first open question word of the message's first
        question (« quel forfait horaire maximum … ? » → « forfait horaire maximum »), not a
        « quand » that opens a condition (« quand je me forme…, on me paie sur quelle
        base ? » → « base »), or "" when it asks none."""
        words = self._words
        mark = text.find("?")
        first = text[: mark + 1] if mark >= 0 else text
        joined = words.join(normalize(first))
        matches = list(words.open_question.finditer(joined))
        if matches and matches[0].start() == 0 and matches[0].group(0) in words.condition_words and "," in first:
            matches = matches[1:]  # « quand …, » is the condition; the question follows
        if not matches:
            return ""
        return " ".join(self.terms(joined[matches[0].end() :]).split()[:FOCUS_TERMS])

    def _hit(
        self,
        index: int,
        score: float,
        row_scores: Vector,
        best_row: float,
        negative: bool,
        figures: frozenset[Quantity] = frozenset(),
    ) -> RuleHit:
        """The hit of rule ``index``, with the answer of its closest yes/no row turned the
        same way as the message (« peut-il baisser… ? » is no answer to « garde-t-il… ? »)
        and asking no figure the message does not (« le seuil était-il de 11 salariés ? »
        is no answer to « les dépenses au-delà du forfait pouvaient-elles… ? »)."""
        rule = self.rules[index]
        same_way = [row for row in self._answered[index] if row[3] == negative and row[4] <= figures]
        answered = max(same_way, key=lambda row: row_scores[row[0]], default=None)
        if answered is None or best_row <= 0:
            return RuleHit(rule, score, phrasing=best_row)
        row, answer, phrasing, _, _ = answered
        return RuleHit(rule, score, answer, phrasing, float(row_scores[row]) / best_row, best_row)

    def closest(self, text: str, sentences: Sequence[str]) -> int:
        """The index of the sentence closest to ``text`` (word view), 0 when none is closer."""
        terms = self.terms(text)
        if not terms or len(sentences) < 2:
            return 0
        question = dict(zip(*self._words_of.query(terms), strict=True))
        scores = []
        for sentence in sentences:
            columns, weights = self._words_of.query(self.terms(sentence))
            scores.append(sum(question.get(c, 0.0) * w for c, w in zip(columns, weights, strict=True)))
        best = int(np.argmax(scores))
        return best if scores[best] > scores[0] + SENTENCE_MARGIN else 0


#: A vector of floats, and a query: the columns of its known features and their weights.
Vector = npt.NDArray[np.float64]
Query = tuple[list[int], Vector]


class _QueryView:
    """A fitted TF-IDF view, and its matrices, with a fast path for a short query.

    A message has a handful of terms: its vector is computed here as scikit-learn's
    ``transform`` would (counts of the known features, ``1 + log(tf)``, times idf, L2
    norm), then multiplied with only the columns it uses (CSC matrices): a tenth of the
    time of ``transform`` and a sparse product per message."""

    def __init__(self, vectorizer: TfidfVectorizer, **corpora: list[str]) -> None:
        self._analyzer = vectorizer.build_analyzer()
        self._vocabulary: dict[str, int] = dict(vectorizer.vocabulary_)
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self._matrices = {name: vectorizer.transform(texts).tocsc() for name, texts in corpora.items()}

    def query(self, terms: str) -> Query:
        """The columns of the query's known features and their weights."""
        counts = Counter(self._analyzer(terms))
        columns = [self._vocabulary[f] for f in counts if f in self._vocabulary]
        if not columns:
            return [], np.zeros(0)
        tf = np.asarray([counts[f] for f in counts if f in self._vocabulary], dtype=np.float64)
        weights = (1.0 + np.log(tf)) * self._idf[columns]
        return columns, weights / np.linalg.norm(weights)

    def scores(self, name: str, query: Query) -> Vector:
        """Cosine similarity of the query with every row of the matrix ``name``."""
        columns, weights = query
        matrix = self._matrices[name]
        if not columns:
            return np.zeros(matrix.shape[0])
        return np.asarray(matrix[:, columns] @ weights).ravel()


def _words_and_pairs(terms: str) -> list[str]:
    """Unigrams and bigrams of a terms string (the word view's analyzer)."""
    words = terms.split()
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
