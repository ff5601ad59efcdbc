"""Facts as French writes them: dates in words, decimal commas, thin spaces in thousands,
and a rule's headline figure (« De 6 à 12 mois », « 9,15 € par heure de formation »).

Apart from the sentences (:mod:`bot.compose.french`) because these are computed from
values, not looked up: the knowledge holds figures as numbers and dates, and every
answer, renderer and reason shows them through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.knowledge.legi import FRENCH_MONTHS


def french_date(day: date | None) -> str:
    """``1er janvier 2026`` style date."""
    if day is None:
        return ""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {FRENCH_MONTHS[day.month - 1]} {day.year}"


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
        text = f"De {_number(hours_low)} à {_number(hours_high)} heures de formation"
        if high is not None:
            text += f" sur {_number(high)} mois au plus"
        return text
    if low is not None and high is not None:
        return f"De {_number(low)} à {_number(high)} mois"
    if high is not None:
        return f"Jusqu'à {_number(high)} mois"
    if values.get("min_percent") is not None and values.get("max_percent") is not None:
        return f"De {_number(values['min_percent'])} à {_number(values['max_percent'])} % de la durée totale"
    if values.get("min_percent") is not None:
        return f"Au moins {_number(values['min_percent'])} % de la durée totale"
    if hours_low is not None:
        return f"Au moins {_number(hours_low)} heures de formation"
    if values.get("hourly_rate_eur") is not None:
        return f"{_euros(values['hourly_rate_eur'])} € par heure de formation"
    if values.get("min_hourly_rate_eur") is not None and values.get("max_hourly_rate_eur") is not None:
        return f"De {_euros(values['min_hourly_rate_eur'])} à {_euros(values['max_hourly_rate_eur'])} € par heure de formation"
    if values.get("max_alternants") is not None:
        return f"{_number(values['max_alternants'])} alternants au plus par tuteur"
    return None
