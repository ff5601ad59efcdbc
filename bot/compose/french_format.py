"""Facts as French writes them: dates in words, decimal commas, thin spaces in thousands,
and a rule's headline figure (« De 6 à 12 mois », « 9,15 € par heure de formation »).

Apart from the sentences (:mod:`bot.compose.french`) because these are computed from
values: the knowledge holds figures as numbers and dates, and every answer, renderer and
reason shows them through here. Their words are in the catalogue (``answers.yml``,
``figures`` and ``dates``); the month names are :data:`bot.knowledge.legi.FRENCH_MONTHS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.knowledge.legi import FRENCH_MONTHS
from bot.wording import text

#: The catalogue section of the answers' wording (``figures`` and ``dates`` groups).
ANSWERS = "answers"


def _figure(key: str, **fields: str) -> str:
    return text(ANSWERS, f"figures.{key}", **fields)


def french_date(day: date | None) -> str:
    """``1er janvier 2026`` style date."""
    if day is None:
        return ""
    number = text(ANSWERS, "dates.first_day") if day.day == 1 else str(day.day)
    return text(ANSWERS, "dates.date", day=number, month=FRENCH_MONTHS[day.month - 1], year=str(day.year))


def french_value(value: Any) -> str:
    """A fact as French writes it: dates in words, decimals with a comma."""
    if isinstance(value, date):
        return french_date(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value >= 1000:
        return f"{value:,}".replace(",", "\u202f")
    return french_value(value)


def _euros(value: Any) -> str:
    """« 17 », « 9,15 »: cents only when there are some."""
    if isinstance(value, (int, float)) and float(value).is_integer():
        return _number(int(value))
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def figure_of(values: Mapping[str, Any]) -> str | None:
    """The headline figure of a rule's values, or None: « De 6 à 12 mois »,
    « De 150 à 450 heures sur 12 mois au plus », « 9,15 € par heure »…"""
    low, high = values.get("min_months"), values.get("max_months")
    hours_low, hours_high = values.get("min_hours"), values.get("max_hours")
    if hours_low is not None and hours_high is not None:
        if high is not None:
            return _figure(
                "hours_range_within_months", low=_number(hours_low), high=_number(hours_high), months=_number(high)
            )
        return _figure("hours_range", low=_number(hours_low), high=_number(hours_high))
    if low is not None and high is not None:
        return _figure("months_range", low=_number(low), high=_number(high))
    if high is not None:
        return _figure("months_up_to", high=_number(high))
    if values.get("min_percent") is not None and values.get("max_percent") is not None:
        return _figure("percent_range", low=_number(values["min_percent"]), high=_number(values["max_percent"]))
    if values.get("min_percent") is not None:
        return _figure("percent_at_least", low=_number(values["min_percent"]))
    if hours_low is not None:
        return _figure("hours_at_least", low=_number(hours_low))
    if values.get("hourly_rate_eur") is not None:
        return _figure("hourly_rate", rate=_euros(values["hourly_rate_eur"]))
    if values.get("min_hourly_rate_eur") is not None and values.get("max_hourly_rate_eur") is not None:
        return _figure(
            "hourly_rate_range", low=_euros(values["min_hourly_rate_eur"]), high=_euros(values["max_hourly_rate_eur"])
        )
    if values.get("max_alternants") is not None:
        return _figure("alternants_per_tutor", count=_number(values["max_alternants"]))
    return None
