"""Figures of a question and the yes/no they give against a rule's bounds
(bot/understanding/quantities.py)."""

from __future__ import annotations

import pytest

from bot.understanding.quantities import (
    AT_LEAST,
    BELOW,
    BEYOND,
    IS_MAX,
    IS_MIN,
    Bounds,
    Quantity,
    bounds_of,
    default_quantity_words,
    read_quantities,
    verdict,
    without_figures,
    yes_no_of,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("une pro-a de 8 mois ?", [Quantity("months", 8)]),
        ("1 500 heures sur 2 ans ?", [Quantity("hours", 1500), Quantity("months", 24)]),
        ("six mois, ça suffit ?", [Quantity("months", 6)]),
        ("dix-huit mois", [Quantity("months", 18)]),
        ("peut-on dépasser 450 heures ?", [Quantity("hours", 450, BEYOND)]),
        ("plus de 25 % du temps ?", [Quantity("percent", 25, BEYOND)]),
        ("moins de 150h ?", [Quantity("hours", 150, BELOW)]),
        ("au moins 150 heures ?", [Quantity("hours", 150, AT_LEAST)]),
        ("c'est 2 ans max ?", [Quantity("months", 24, IS_MAX)]),
        ("150 heures minimum ?", [Quantity("hours", 150, IS_MIN)]),
        # an age is no duration; a date or an amount has no unit here
        ("j'ai 45 ans, 36 mois c'est possible ?", [Quantity("months", 36)]),
        ("le 12 janvier 2026, 9,15 € de l'heure", []),
        # a count of people a tutor follows; « déjà 3 » asks beyond them
        ("il suit déjà 3 apprentis, peut-il en suivre encore ?", [Quantity("alternants", 3, BEYOND)]),
        # the person's past is no figure asked
        ("une VAE au lieu d'une formation ? j'ai 10 ans de métier", []),
        ("au chômage depuis 2 ans, la pro-a peut durer 24 mois ?", [Quantity("months", 24)]),
    ],
)
def test_figures_are_read_with_their_unit_and_direction(text, expected):
    assert list(read_quantities(text)) == expected


def test_the_cues_of_a_figure_do_not_turn_the_question_round():
    assert "moins" not in without_figures("dure-t-elle au moins 150 heures ?")
    assert "moins" in without_figures("est-ce moins payé ?")


SIX_TO_TWELVE = Bounds(low=6, high=12, extended=36)


@pytest.mark.parametrize(
    ("quantity", "answer"),
    [
        (Quantity("months", 8), "yes"),
        (Quantity("months", 12), "yes"),
        (Quantity("months", 4), "no"),
        (Quantity("months", 30), "depends"),
        (Quantity("months", 48), "no"),
        (Quantity("months", 12, BEYOND), "depends"),
        (Quantity("months", 6, BEYOND), "yes"),
        (Quantity("months", 6, BELOW), "no"),
        (Quantity("months", 12, BELOW), "yes"),
        (Quantity("months", 12, IS_MAX), "yes"),
        (Quantity("months", 24, IS_MAX), "no"),
        (Quantity("months", 36, IS_MAX), "depends"),
        (Quantity("months", 6, IS_MIN), "yes"),
        (Quantity("months", 3, AT_LEAST), "yes"),
        (Quantity("months", 9, AT_LEAST), "no"),
    ],
)
def test_a_figure_against_bounds(quantity, answer):
    assert verdict(quantity, SIX_TO_TWELVE) == answer


def test_no_bound_or_an_open_maximum_decides_nothing():
    assert verdict(Quantity("months", 8), Bounds()) is None
    assert verdict(Quantity("percent", 30), Bounds(low=15, high=25), open_above=True) is None
    assert verdict(Quantity("percent", 20), Bounds(low=15, high=25), open_above=True) == "yes"


def test_bounds_come_from_the_rule_values_and_its_extensions():
    bounds = bounds_of({"min_months": 6, "max_months": 12, "opco": "AKTO"}, [{"max_months": 36}])
    assert bounds == {"months": Bounds(6, 12, 36)}
    assert bounds_of({"hourly_rate_eur": 17}) == {}


def test_the_strictest_figure_answers_and_says_which_bound_decided():
    bounds = {"hours": Bounds(150, 450, 2100), "months": Bounds(None, 12, 36)}
    figure = yes_no_of([Quantity("hours", 300), Quantity("months", 24)], bounds)
    assert figure is not None and (figure.answer, figure.decided_by) == ("depends", Quantity("months", 36))
    figure = yes_no_of([Quantity("hours", 3000), Quantity("months", 24)], bounds)
    assert figure is not None and (figure.answer, figure.decided_by) == ("no", Quantity("hours", 450))
    assert yes_no_of([Quantity("percent", 10)], bounds) is None
    assert yes_no_of([], bounds) is None


def test_an_extension_condition_is_stated_or_its_absence():
    words = default_quantity_words()
    assert words.condition_stated("avec un accord d'entreprise, 1 800 heures ?", "agreement") is True
    assert words.condition_stated("sans accord d'entreprise ni de branche, 500 heures ?", "agreement") is False
    assert words.condition_stated("une formation de 500 heures ?", "agreement") is None
    assert words.condition_stated("sans accord, 500 heures ?", "unknown") is None
    # the words of a condition do not turn the question round (« ni de branche »)
    assert "ni" not in words.without_conditions("sans accord d entreprise ni de branche 500 heures").split()
