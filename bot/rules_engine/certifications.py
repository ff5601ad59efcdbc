"""The certifications of a decision: the branch list (or a métier's) narrowed to the kind
or level of diploma the person aims at, without repeats.

Apart from the verdict so that the certification answers (:mod:`bot.compose`) use the
same narrowing and the same notion of a repeat.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from bot.knowledge.models import Branch, Certification, Diploma


def target_certifications(
    branch: Branch,
    target: Diploma | None,
    target_level: int | None,
    metier_certifications: Sequence[Certification] | None,
    day: date,
) -> tuple[Certification, ...]:
    """The certifications listed on ``day`` (the métier's, else the branch's) that fit the
    diploma kind or level aimed at; with neither, the métier's whole list (none for the branch)."""
    source = metier_certifications if metier_certifications is not None else branch.certifications
    pool = [c for c in source if c.is_listed_on(day)]
    if target is None and target_level is None:
        return tuple(pool) if metier_certifications is not None else ()
    return tuple(unique_certifications(c for c in pool if fits(c, target, target_level)))


def fits(certification: Certification, target: Diploma | None, level: int | None) -> bool:
    """Whether a certification is of the diploma kind aimed at (its title's start), or of its level."""
    if target is not None and target.title_prefixes:
        return target.names(certification)
    wanted = level if level is not None else (target.level if target else None)
    return wanted is not None and certification.level_number == wanted


def unique_certifications(certifications: Iterable[Certification]) -> list[Certification]:
    """Certifications without repeats (same title and RNCP code), in order."""
    seen = set()
    result = []
    for certification in certifications:
        key = (certification.title.casefold(), certification.rncp)
        if key not in seen:
            seen.add(key)
            result.append(certification)
    return result
