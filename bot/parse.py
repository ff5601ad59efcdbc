"""A simple built-in parser of French questions, so the core can be tried without Rasa.

It recognises the contract (from ``knowledge/contracts.yml``), diplomas held or aimed at, level, age, branch, the date of a
Pro-A avenant and the FAQ topic with regular expressions. The métier is left to the
matcher, which gets the whole message. Rasa's NLU replaces this parser in the assistant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.knowledge.models import KnowledgeBase
from bot.profile import Profile
from bot.text import fold_accents
from bot.understanding.contracts import default_contracts
from bot.understanding.faq_topics import default_faq_topics

#: Diploma words (folded, lower case) → diploma codes of knowledge/diplomas.yml.
_DIPLOMA_PATTERNS: tuple[tuple[str, str], ...] = (
    ("licence_pro", r"licence\s+pro\w*|\blp\b"),
    ("bac_pro", r"\bbac\s*pro\w*"),
    ("bts", r"\bbts\b|brevet de technicien superieur"),
    ("dut", r"\bdut\b"),
    ("but", r"\bbut\b(?!\s+de)"),
    ("cap", r"\bcap\b|\bcapa\b"),
    ("bep", r"\bbep\b"),
    ("bp", r"\bbp\b|brevet professionnel"),
    ("master", r"\bmaster\b|\bbac\s*\+\s*5\b"),
    ("licence", r"\blicence\b|\bbac\s*\+\s*3\b"),
    ("ingenieur", r"diplome d'?\s*ingenieur"),
    ("titre_pro", r"titre pro\w*"),
    ("cqp", r"\bcqp\w*"),
    ("bac", r"\bbac\b(?!\s*\+)"),
)

_TARGET_CUES = r"(?:viser|vise|visant|preparer|prepare|passer|faire|obtenir|avoir|suivre|acceder|reprendre|pour|vers)"
_HELD_CUES = r"(?:j'?\s*ai|titulaire|diplome d'?\s*un|deja|obtenu|j'?\s*possede)"

_MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORD_DATE = re.compile(r"\b(?:(\d{1,2})(?:er)?\s+)?([a-z]+)\s+(\d{4})\b")
_AGE = re.compile(r"\b(\d{2})\s*ans\b")
_LEVEL = re.compile(r"\bniv(?:eau)?\.?\s*([3-7])\b")
_MORE = re.compile(r"\bvoir plus\b|\bla suite\b")


def fold(text: str) -> str:
    """Lower case without accents, apostrophes unified (keeps punctuation, unlike
    :func:`bot.text.normalize`, because the patterns here read it)."""
    return fold_accents(text.lower().replace("’", "'"))


def parse_date(value: Any) -> date | None:
    """A French date written ``2025-12-20``, ``20/12/2025``, ``20/12/25``, ``20 décembre
    2025`` or ``décembre 2025`` (first day of the month); None when unreadable."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = fold(value)
    try:
        match = _ISO_DATE.search(text)
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _NUMERIC_DATE.search(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        match = _WORD_DATE.search(text)
        if match and match.group(2) in _MONTHS:
            day = int(match.group(1)) if match.group(1) else 1
            return date(int(match.group(3)), _MONTHS[match.group(2)], day)
    except ValueError:  # 31/02/2025 and the like
        return None
    return None


def parse_int(value: Any, low: int, high: int) -> int | None:
    """An integer in [low, high] from a value such as ``"23"``, ``23.0`` or ``"23 ans"``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = int(value)
    else:
        match = re.search(r"\d+", str(value))
        if not match:
            return None
        number = int(match.group(0))
    return number if low <= number <= high else None


@dataclass(frozen=True)
class ParsedQuestion:
    """What the built-in parser understood."""

    kind: str  # "eligibility" | "certifications" | "faq" | "more"
    profile: Profile
    faq_topic: str | None = None


def parse_branch(text: str, kb: KnowledgeBase) -> int | None:
    """IDCC named in ``text``: an alias of a branch of the knowledge base, or its number."""
    folded = fold(text)
    for idcc, branch in kb.branches.items():
        for alias in sorted(branch.agreement.aliases, key=len, reverse=True):
            if re.search(r"(?<!\w)" + re.escape(fold(alias)) + r"(?!\w)", folded):
                return idcc
    return None


def _find(patterns: tuple[tuple[str, str], ...], text: str) -> str | None:
    for code, pattern in patterns:
        if re.search(pattern, text):
            return code
    return None


def _diplomas(text: str) -> dict[str, str]:
    """Diplomas held and aimed at, from cue words before each mention."""
    found: dict[str, str] = {}
    for code, pattern in _DIPLOMA_PATTERNS:
        for hit in re.finditer(pattern, text):
            before = text[max(0, hit.start() - 40) : hit.start()]
            role = (
                "held"
                if re.search(_HELD_CUES + r"[^,.;?!]*$", before)
                and not re.search(_TARGET_CUES + r"\s+(?:un|une|le|la|l')?\s*$", before)
                else "target"
            )
            if role not in found:
                found[role] = code
            text = text[: hit.start()] + " " * (hit.end() - hit.start()) + text[hit.end() :]
    return found


def parse_targets(text: str) -> tuple[str | None, int | None]:
    """The diploma code and the level aimed at in ``text`` (either may be None)."""
    folded = fold(text)
    target = _diplomas(folded).get("target")
    level = _LEVEL.search(folded)
    return target, (int(level.group(1)) if level and target is None else None)


def parse_question(text: str, kb: KnowledgeBase, base: Profile) -> ParsedQuestion:
    """Parse one French question into a profile (completing ``base``) and a kind."""
    folded = fold(text)
    changes: dict[str, object] = {"metier_text": text}
    contract = default_contracts().code(text)
    if contract:
        changes["contract"] = contract
    diplomas = _diplomas(folded)
    if "held" in diplomas:
        changes["held_diploma"] = diplomas["held"]
    if "target" in diplomas:
        changes["target_diploma"] = diplomas["target"]
    level = _LEVEL.search(folded)
    if level and "target_diploma" not in changes:
        changes["target_level"] = int(level.group(1))
    age = _AGE.search(folded)
    if age and 14 <= int(age.group(1)) <= 80:
        changes["age"] = int(age.group(1))
    idcc = parse_branch(text, kb)
    if idcc:
        changes["idcc"] = idcc
    if re.search(r"avenant|signe|commence|debut", folded):
        when = parse_date(folded)
        if when:
            changes["avenant_signed_on"] = when
    profile = base.with_(**changes)

    if _MORE.search(folded):
        return ParsedQuestion("more", profile)
    topic = default_faq_topics().find(folded)
    asks_eligibility = re.search(
        r"\bpuis[- ]je\b|\bpeux[- ]je\b|\bai[- ]je droit|\beligible|\bj'?\s*ai droit|\best[- ]ce que je peux|\bje peux\b",
        folded,
    )
    asks_list = re.search(
        r"quel(?:le)?s? (?:formations?|certifications?|diplomes?|titres?)|liste des|quoi comme (?:formation|diplome)",
        folded,
    )
    # « puis-je utiliser mon CPF ? » asks about a topic, not whether the person is
    # eligible: a topic wins over « puis-je » when nothing of the person's situation
    # (contract, diploma or level aimed at) comes with it.
    situation = any(k in changes for k in ("contract", "target_diploma", "target_level"))
    if topic and not asks_list and (not asks_eligibility or not situation):
        return ParsedQuestion("faq", profile, topic)
    if asks_list and not asks_eligibility:
        return ParsedQuestion("certifications", profile)
    return ParsedQuestion("eligibility", profile)
