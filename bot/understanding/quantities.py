"""Figures a question states, and the yes/no they decide against a rule's bounds.

« Une Pro-A de 8 mois, c'est possible ? », « peut-on dépasser 450 heures ? », « c'est 2 ans
max ? »: the answer is « oui », « non » or « cela dépend » by comparing the figure with the
rule's values — ``min_<unit>``, ``max_<unit>`` and ``extended_max_<unit>`` (a maximum an
agreement or some publics may reach) — not by the closest yes/no phrasing, which may have
been written for another figure. Units, number words and the cues « plus de » / « moins
de » are data (``knowledge/lexicon/quantities.yml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bot.lexicon import read_word_file
from bot.understanding.text_values import fold

#: The verdicts a figure gives (the composer words them: bot/compose/french.py YES_NO_OF).
YES, NO, DEPENDS = "yes", "no", "depends"
#: How a question asks of its figure: the value itself (« 8 mois ? »), beyond it (« plus de
#: 12 mois ? »), below it (« moins de 150 heures ? »), whether every case reaches it (« au
#: moins 150 heures ? »), whether it is the maximum (« 12 mois max ? ») or the minimum.
AT, BEYOND, BELOW, AT_LEAST, IS_MAX, IS_MIN = "at", "beyond", "below", "at_least", "is_max", "is_min"


@dataclass(frozen=True)
class Quantity:
    """One figure of a question: its unit (as the rules name it), value and direction."""

    unit: str
    value: float
    direction: str = AT


@dataclass(frozen=True)
class Bounds:
    """What a rule allows in one unit (None: no such bound)."""

    low: float | None = None
    high: float | None = None
    extended: float | None = None  # the highest value an agreement or some publics may reach


@dataclass(frozen=True)
class QuantityWords:
    """The compiled word lists."""

    pattern: re.Pattern[str]
    units: Mapping[str, tuple[str, float, float | None]]  # unit word → (unit, factor, max number)
    numbers: Mapping[str, int]
    not_before: re.Pattern[str]  # right before the number: the person's past (« depuis »)
    not_after: re.Pattern[str]  # right after the unit: the person's past (« de métier »)
    before: Mapping[str, re.Pattern[str]]  # direction → its cues, right before the number
    after: Mapping[str, re.Pattern[str]]  # direction → its cues, right after the unit
    open_above: frozenset[str]
    #: condition → (its words, the words of its absence), as whole-word patterns.
    conditions: Mapping[str, tuple[re.Pattern[str], re.Pattern[str]]] = field(default_factory=dict)

    def condition_stated(self, text: str, condition: str) -> bool | None:
        """Whether ``text`` states ``condition`` (True), its absence (False), or neither."""
        if condition not in self.conditions:
            return None
        present, absent = self.conditions[condition]
        folded = " ".join(fold(text).replace("-", " ").replace("'", " ").split())
        if absent.search(folded):
            return False
        return True if present.search(folded) else None

    def without_conditions(self, folded: str) -> str:
        """``folded`` without the words that state a condition or its absence (« sans accord
        d'entreprise ni de branche »): they do not turn the question round."""
        for present, absent in self.conditions.values():
            folded = absent.sub(" ", folded)
            folded = present.sub(" ", folded)
        return folded


def compile_quantity_words(data: Mapping[str, Any]) -> QuantityWords:
    """Compile the word file's content (already validated)."""
    units = {
        word: (unit, float(entry["factor"]), entry.get("max_number"))
        for unit, entries in data["units"].items()
        for entry in entries
        for word in entry["words"]
    }
    numbers = dict(data["number_words"])
    number = r"\d{1,3}(?:[  .]\d{3})+(?!\d)|\d+(?:,\d+)?|" + _alternatives(numbers)
    unit = _alternatives(units)
    pattern = re.compile(rf"(?<![\w,])(?P<number>{number})\s*(?P<unit>{unit})(?![\w%])")
    return QuantityWords(
        pattern=pattern,
        units=units,
        numbers=numbers,
        not_before=re.compile(rf"(?<![a-z])(?:{_alternatives(data['not_a_figure_before'])})\s*$"),
        not_after=re.compile(rf"\s*(?:{_alternatives(data['not_a_figure_after'])})(?![a-z])"),
        before={
            direction: re.compile(rf"(?<![a-z])(?:{_alternatives(data[key])})\s*$")
            for direction, key in (
                (BEYOND, "more_cues"),
                (BELOW, "less_cues"),
                (AT_LEAST, "at_least_cues"),
                (IS_MAX, "maximum_cues"),
            )
        },
        after={
            direction: re.compile(rf"\s*(?:{_alternatives(data[key])})(?![a-z])")
            for direction, key in ((IS_MAX, "maximum_cues"), (IS_MIN, "minimum_cues"))
        },
        open_above=frozenset(data["open_above"]),
        conditions={
            name: (_whole_words(entry["present"]), _whole_words(entry["absent"]))
            for name, entry in data.get("extension_conditions", {}).items()
        },
    )


def _whole_words(phrases: Iterable[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z])(?:{_alternatives(phrases)})(?![a-z])")


def _alternatives(phrases: Iterable[str]) -> str:
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in ordered)


@cache
def default_quantity_words() -> QuantityWords:
    return compile_quantity_words(read_word_file("quantities"))


def read_quantities(text: str, words: QuantityWords | None = None) -> tuple[Quantity, ...]:
    """The figures of ``text`` with a unit (« 8 mois », « 1 500 heures », « deux ans »)."""
    return tuple(quantity for quantity, _ in _figures(text, words or default_quantity_words()))


def without_figures(text: str, words: QuantityWords | None = None) -> str:
    """``text`` (folded) without its figures and their cues: « au moins 150 heures » says
    nothing of whether the question is turned round (« moins » alone may)."""
    words = words or default_quantity_words()
    folded = list(fold(text).replace("-", " "))
    for _, (start, end) in _figures(text, words):
        folded[start:end] = " " * (end - start)
    return "".join(folded)


def _figures(text: str, words: QuantityWords) -> list[tuple[Quantity, tuple[int, int]]]:
    """Each figure of ``text`` and its span in the folded text, cues included."""
    folded = fold(text).replace("-", " ")
    found = []
    for match in words.pattern.finditer(folded):
        unit, factor, largest = words.units[re.sub(r"\s+", " ", match.group("unit"))]
        written = re.sub(r"\s+", " ", match.group("number"))
        if written in words.numbers:
            value = float(words.numbers[written])
        else:
            value = float(re.sub(r"[  .]", "", written).replace(",", "."))
        if largest is not None and value > largest:
            continue
        start, end, direction = match.start(), match.end(), AT
        window = max(0, start - 20)
        if words.not_after.match(folded, end) or words.not_before.search(folded[window:start]):
            continue  # « 10 ans de métier », « depuis 2 ans »: the person's past
        for name, cue in words.after.items():
            after = cue.match(folded, end)
            if after is not None:
                end, direction = after.end(), name
                break
        else:
            for name, cue in words.before.items():
                before = cue.search(folded[window:start])
                if before is not None:
                    start, direction = window + before.start(), name
                    break
        found.append((Quantity(unit, value * factor, direction), (start, end)))
    return found


def rule_bounds(values: Mapping[str, Any], unit: str) -> Bounds:
    """A rule's bounds in ``unit`` (``min_<unit>``, ``max_<unit>``, ``extended_max_<unit>``)."""

    def number(key: str) -> float | None:
        value = values.get(f"{key}_{unit}")
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    return Bounds(number("min"), number("max"), number("extended_max"))


def verdict(quantity: Quantity, bounds: Bounds, open_above: bool = False) -> str | None:
    """« oui » when the figure is within the bounds, « cela dépend » when only an extended
    maximum reaches it, « non » when it is out of them (for « 12 mois max ? »: whether it
    is the maximum); None when the bounds say nothing of it (no such bound, or beyond a
    maximum that an agreement may raise: ``open_above``)."""
    low, high, extended = bounds.low, bounds.high, bounds.extended
    value, direction = quantity.value, quantity.direction
    if direction == IS_MAX:
        if high is None:
            return None
        return YES if value == high else DEPENDS if value == extended else NO
    if direction in (IS_MIN, AT_LEAST):
        if low is None:
            return None
        return YES if value == low or (direction == AT_LEAST and value < low) else NO
    if low is None and high is None:
        return None
    if direction == BELOW:  # « moins de 150 heures ? »
        return YES if low is None or value > low else NO
    if low is not None and value < low:
        return NO
    if high is None or (value < high if direction == BEYOND else value <= high):
        return YES
    if extended is not None and (value < extended if direction == BEYOND else value <= extended):
        return DEPENDS
    return None if open_above else NO


@dataclass(frozen=True)
class FigureAnswer:
    """The yes/no the figures of a question give, and the bound that decided it (the
    sentence that states it answers: « … dans la limite de 2 100 heures »)."""

    answer: str
    decided_by: Quantity | None = None


def yes_no_of(
    quantities: Iterable[Quantity], values_of: Mapping[str, Bounds], words: QuantityWords | None = None
) -> FigureAnswer | None:
    """The answer the figures of a question give against a rule's bounds per unit: « non »
    when one is out, « cela dépend » when one needs an extension, else « oui »; None when
    no figure is in a unit the rule bounds, or one of them is not decided."""
    words = words or default_quantity_words()
    found = []
    for quantity in quantities:
        if quantity.unit not in values_of:
            continue
        bounds = values_of[quantity.unit]
        answer = verdict(quantity, bounds, quantity.unit in words.open_above)
        if answer is None:
            return None
        found.append(FigureAnswer(answer, _deciding_bound(quantity, bounds, answer)))
    for answer in (NO, DEPENDS, YES):
        for figure in found:
            if figure.answer == answer:
                return figure
    return None


def _deciding_bound(quantity: Quantity, bounds: Bounds, answer: str) -> Quantity | None:
    """The rule's figure that gave ``answer`` (the extended maximum for « cela dépend »)."""
    if answer == DEPENDS and bounds.extended is not None:
        return Quantity(quantity.unit, bounds.extended)
    if answer == NO:
        low = bounds.low is not None and quantity.direction != IS_MAX and quantity.value <= bounds.low
        bound = bounds.low if low else bounds.high
        return Quantity(quantity.unit, bound) if bound is not None else None
    return None


def bounds_of(
    rule_values: Mapping[str, Any], extensions: Iterable[Mapping[str, Any]] = (), words: QuantityWords | None = None
) -> dict[str, Bounds]:
    """Per unit, the bounds of a rule's values; the ``max_<unit>`` of rules that extend it
    (« jusqu'à 36 mois pour certains publics ») raise its extended maximum."""
    words = words or default_quantity_words()
    units = {unit for unit, _, _ in words.units.values()}
    found = {}
    for unit in units:
        bounds = rule_bounds(rule_values, unit)
        if bounds.low is None and bounds.high is None:
            continue
        reach = [b for b in (rule_bounds(v, unit).high for v in extensions) if b is not None]
        if bounds.extended is None and reach and bounds.high is not None and max(reach) > bounds.high:
            bounds = Bounds(bounds.low, bounds.high, max(reach))
        found[unit] = bounds
    return found
