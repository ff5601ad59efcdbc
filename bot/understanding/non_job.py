"""Spans of a message that can never be a job word: e-mails, web addresses, phone
numbers, postcodes and any other bare number.

« je suis cariste, mon numéro est 06 12 34 56 78 » names one job (« cariste »): the
digits are a phone number, not a métier « 34 » nor an age of 34, and the « serveur » of
« jean.serveur@exemple.fr » is part of an address, not the job « Serveur ». The matcher
blanks these spans out before it looks for jobs (offsets kept), and the slot checks
refuse an age read inside one of them.

These are formats, not vocabulary, so they live here as patterns rather than in
``knowledge/``.
"""

from __future__ import annotations

import re

#: An e-mail address (kept loose: anything with an @ between two word runs).
_EMAIL = r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
#: A web address.
_URL = r"(?:https?://|www\.)\S+"
#: A phone number: French (0X XX XX XX XX, +33 X XX XX XX XX, 0033…) or any run of at
#: least 8 digits with the usual separators.
_PHONE = r"(?:(?:\+|00)\d{2,3}[\s.-]?(?:\(0\)[\s.-]?)?|0)\d(?:[\s.-]?\d{2}){4}|\d(?:[\s.-]?\d){7,}"
#: A bare number (postcodes, house numbers, amounts, ages: « 75011 », « 34 », « 3,5 »).
_NUMBER = r"\d+(?:[.,]\d+)?"

#: Longest alternatives first, so that a phone number is one span, not five numbers.
_NON_JOB_RE = re.compile(
    r"(?<![\w@])(?:" + "|".join((_EMAIL, _URL, _PHONE)) + r")|(?<![\w.,])" + _NUMBER + r"(?![\w])",
    re.UNICODE,
)
_PHONE_RE = re.compile(r"(?<![\w@])(?:" + _PHONE + r")(?!\d)")


def non_job_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` that are never job words, in order."""
    if not isinstance(text, str) or not text:
        return []
    return [m.span() for m in _NON_JOB_RE.finditer(text)]


def mask_non_job(text: str) -> str:
    """``text`` with every non-job span blanked out (same length: offsets still hold)."""
    if not isinstance(text, str) or not text:
        return ""
    chars = list(text)
    for start, end in non_job_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def phone_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the phone numbers (and other long digit runs) of ``text``."""
    if not isinstance(text, str) or not text:
        return []
    return [m.span() for m in _PHONE_RE.finditer(text)]


def inside_phone_or_address(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies in a phone number, an e-mail or a web address
    (where a number is no age and a word no job)."""
    spans = phone_spans(text) + [
        m.span() for m in re.finditer(r"(?<![\w@])(?:" + _EMAIL + "|" + _URL + ")", text or "")
    ]
    return any(s < end and start < e for s, e in spans)


def has_job_word(text: str) -> bool:
    """Whether ``text`` keeps any letter once its non-job spans are blanked out (« 34 »,
    « 06 12 34 56 78 » and « a@b.fr » do not)."""
    return any(ch.isalpha() for ch in mask_non_job(text))
