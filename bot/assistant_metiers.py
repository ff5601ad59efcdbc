"""The métier side of :class:`bot.service.Assistant`: the matchers of the branches, the
métier a profile names, and the jobs a message names.

It is a mixin, not an object of its own: the assistant stays one object whose methods
the actions, the NLU components and the benchmarks call (and sometimes wrap, on the
instance), with the state :meth:`bot.service.Assistant.__init__` sets (the knowledge
base, the matchers the index cache built, the lock that guards building more).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from bot.knowledge.models import KnowledgeBase, Metier
from bot.matching import STATUS_MATCHED, STATUS_NOT_IN_LIST, MatchResult, MetierMatcher
from bot.metier_finder import FOUND_STATUSES, MetierFinder
from bot.profile import Profile
from bot.understanding.job_phrase_spans import job_phrases
from bot.understanding.profile_facts import DIPLOMA, find_facts

#: Candidates a match returns by default (:meth:`bot.matching.MetierMatcher.match`).
MATCH_LIMIT = 5

#: Matches kept by :meth:`MetierLookup.match_metier` (a few kilobytes each): enough for
#: every text of the turns under way, so that the form and the answer of one turn, which
#: each resolve the profile's métier, match its text once.
METIER_MATCH_CACHE_SIZE = 512


class MetierLookup:
    """Métiers for :class:`bot.service.Assistant` (the state is the assistant's)."""

    kb: KnowledgeBase
    _matchers: dict[int, MetierMatcher]
    _lock: threading.Lock
    _metier_finder: MetierFinder | None
    #: :meth:`_match_text` behind a bounded ``functools.lru_cache`` (set by the assistant).
    _metier_matches: Callable[[str, int, str | None, int | None, int], MatchResult]

    def matcher(self, idcc: int) -> MetierMatcher:
        """The métier matcher of a branch (built once, thread-safe)."""
        with self._lock:
            if idcc not in self._matchers:
                self._matchers[idcc] = MetierMatcher(self.kb.branch(idcc))
            return self._matchers[idcc]

    def match_metier(
        self, text: str, idcc: int, profile: Profile | None = None, limit: int = MATCH_LIMIT
    ) -> MatchResult:
        """Rank the branch's métiers for what the person typed; the diploma or level the
        profile aims at picks among similar métiers the one whose list has it. The same
        text, branch and target are matched once (results are frozen, the knowledge never
        changes while the assistant lives): the form, the slot checks and the answer of a
        turn each ask for it."""
        target = profile.target_diploma if profile and profile.target_diploma in self.kb.diplomas else None
        level = profile.target_level if profile else None
        return self._metier_matches(text, idcc, target, level, limit)

    def _match_text(self, text: str, idcc: int, target: str | None, level: int | None, limit: int) -> MatchResult:
        """The branch matcher's result (uncached; :meth:`match_metier` caches it)."""
        diploma = self.kb.diplomas[target] if target is not None else None
        return self.matcher(idcc).match(text, limit=limit, target=diploma, target_level=level)

    def resolve_metier(self, profile: Profile, listing: bool = False) -> tuple[MatchResult | None, Metier | None]:
        """The métier of the profile: by id when chosen, else by matching its text. A text
        the list does not have is a job refused only when it states one
        (:meth:`states_a_job`); ``listing``: the message asks for a list, so that a weak
        cue introduces a job too (« quelles formations pour un astronaute ? »)."""
        branch = self.kb.branch(profile.idcc)
        if profile.metier_id:
            try:
                return None, branch.metier(profile.metier_id)
            except KeyError:
                pass  # an id from another branch: fall back to the text
        if not profile.metier_text:
            return None, None
        match = self.match_metier(profile.metier_text, profile.idcc, profile)
        if match.status == STATUS_MATCHED and match.best is not None:
            return match, match.best.metier
        if match.status == STATUS_NOT_IN_LIST and not self.states_a_job(profile.metier_text, listing):
            # « c'est qui qui met à jour la liste ? » names no job: there is none to refuse.
            return None, None
        return match, None

    def states_a_job(self, text: str, listing: bool = False) -> bool:
        """Whether ``text`` states a job, in the list or not: a short answer (« ambulancier
        en CDI ») or a phrase after a job cue (« je suis prothésiste »), not after a cue that
        also introduces what is no job (« pris comme un accident du travail »), unless the
        message asks for a list (``listing``: « des certifs pour un prothésiste ? »)."""
        return bool(job_phrases(text, self.kb, short_answer=True, stated=not listing))

    def without_jobs(self, text: str, idcc: int) -> str:
        """``text`` without the jobs the métier finder sees in it (their spans blanked),
        except a job that is a certification's speciality (« CQP technicien de… »)."""
        with self._lock:
            if self._metier_finder is None:
                self._metier_finder = MetierFinder(self.kb, self.matcher, idcc)
        finder = self._metier_finder
        chars = list(text)
        # A job named as a certification's speciality (« le CQP magasinier/vendeur en pièces
        # de rechange… ») names the certification asked about: its words are searched.
        diplomas = [f.end for f in find_facts(text) if f.entity == DIPLOMA]
        for found in finder.find(text):
            if any(0 <= found.start - end <= 1 for end in diplomas):
                continue
            chars[found.start : found.end] = " " * (found.end - found.start)
        return "".join(chars)

    def names_a_job(self, profile: Profile, listing: bool = False) -> bool:
        """Whether the profile's text names a job: of the list (or close to one), or a
        job stated after a cue (« je suis prothésiste ») that the list does not have
        (``listing``: the message asks for a list, :meth:`resolve_metier`)."""
        if profile.metier_id:
            return True
        match, metier = self.resolve_metier(profile, listing)
        if metier is not None or (match is not None and match.status in FOUND_STATUSES):
            return True
        return match is not None and match.status == STATUS_NOT_IN_LIST
