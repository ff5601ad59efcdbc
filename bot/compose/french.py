"""The answers' French, read from the wording catalogue (``knowledge/wording/answers.yml``,
and ``adviser.yml`` for the third person), under the names the composer uses.

The figures and the rules' sentences come from ``knowledge/`` (a rule's ``summary`` filled
with its ``values``); the catalogue holds the glue: headings, verdict lines and sentences,
and the French of the rules engine's reason codes, addressed to the person. Each name here
is its catalogue key in upper case (``HEADING_RECONVERSION`` ← ``heading_reconversion``);
:func:`worded` picks a sentence's third-person wording for an adviser.

The rest of the answers' French lives beside it, one module per job: dates, numbers and
figures (:mod:`bot.compose.french_format`) and where a sentence may be cut
(:mod:`bot.compose.sentence_cuts`). Their names are re-exported here (the ``X as X``
imports, mypy's explicit form), so that ``french.X`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.compose.french_format import figure_of as figure_of
from bot.compose.french_format import french_date as french_date
from bot.compose.french_format import french_value as french_value
from bot.compose.sentence_cuts import balanced as balanced
from bot.compose.sentence_cuts import capitalised as capitalised
from bot.compose.sentence_cuts import cut_at_word as cut_at_word
from bot.compose.sentence_cuts import first_sentence as first_sentence
from bot.compose.sentence_cuts import lowered as lowered
from bot.compose.sentence_cuts import sentence_with as sentence_with
from bot.compose.voice import said, to_adviser
from bot.rules import Reason, ReasonCode
from bot.wording import WordingError, entry, section, text

#: The catalogue sections: the person's own answers, and the third person for an adviser.
ANSWERS = "answers"
ADVISER = "adviser"


def _say(key: str) -> str:
    return text(ANSWERS, key)


def _table(key: str, name: str = ANSWERS) -> Mapping[str, str]:
    """A group of sentences of the catalogue (by verdict, by topic, by code…)."""
    table = entry(name, key)
    if not isinstance(table, Mapping) or not all(isinstance(value, str) for value in table.values()):
        raise WordingError(f"wording {name}:{key} is not a group of sentences")
    return dict(table)


# -- headings --------------------------------------------------------------------------
HEADING_RECONVERSION = _say("heading_reconversion")
HEADING_PROA_BEFORE = _say("heading_proa_before")
HEADING_PROA = _say("heading_proa")
HEADING_PROA_YOURS = _say("heading_proa_yours")
HEADING_CHANGE = _say("heading_change")
HEADING_METIER = _say("heading_metier")

LIST_OWN = _say("list_own")
LIST_OWN_TARGET = _say("list_own_target")
LIST_OTHERS = _say("list_others")
LIST_BRANCH = _say("list_branch")
LIST_BRANCH_TARGET = _say("list_branch_target")
LIST_NEXT = _say("list_next")
#: Where the list comes from (a note of the list, folded with the details).
LIST_FROM = _say("list_from")
DUPLICATE_NOTE = _say("duplicate_note")
#: A line of a list page whose certification is another métier's.
LIST_ITEM_OTHER_METIER = _say("list_item_other_metier")

# -- words the renderers add (bot/render) -------------------------------------------------
CERTIFICATIONS_HEADING = _say("certifications_heading")
SOURCE_HEADING_ONE = _say("source_heading_one")
SOURCE_HEADING_MANY = _say("source_heading_many")
CHOSEN = _say("chosen")
CHECKED_ON = _say("checked_on")
#: The fold of what is not the answer itself: caveats, history, the 2026 change, sources.
DETAILS_HEADING = _say("details_heading")

# -- small words -----------------------------------------------------------------------
AND = _say("and")
OR = _say("or")
QUOTED = _say("quoted")
YES_PREFIX = _say("yes_prefix")
ANNEX = _say("annex")
CERTIFICATIONS_WORD = _say("certifications_word")
CERTIFICATION_OF_LEVEL = _say("certification_of_level")
METIER_WITH_SUB_SECTOR = _say("metier_with_sub_sector")
MONTHS_RANGE = _say("figures.months_range")

# -- 2026 change -----------------------------------------------------------------------
CHANGE_RECALL = _say("change_recall")
#: An explicit label: it says what follows (the 2026 change explained in full).
MORE_ABOUT_CHANGE = _say("more_about_change")

# -- next steps ------------------------------------------------------------------------
#: Titles of the quick replies, by FAQ topic (topics without a title get no button).
TOPIC_BUTTONS = _table("topic_buttons")
MY_CERTIFICATIONS = _say("my_certifications")

# -- what the person does first (Answer.next_step) --------------------------------------
NEXT_STEP_HEADING = _say("next_step_heading")
#: By who employs the branch's workers (``employer`` of the agreement).
NEXT_STEP_BY_EMPLOYER = _table("next_step_by_employer")
NEXT_STEP_CPF = _say("next_step_cpf")
CONTACT_LINE = _say("contact_line")

# -- verdict lines ---------------------------------------------------------------------
VERDICT_RECONVERSION = _say("verdict_reconversion")
VERDICT_RECONVERSION_TO_CONFIRM_PROA_ASKED = _say("verdict_reconversion_to_confirm_proa_asked")
VERDICT_RECONVERSION_PROA_ASKED = _say("verdict_reconversion_proa_asked")
VERDICT_RECONVERSION_BOTH_ASKED = _say("verdict_reconversion_both_asked")
PART_RECONVERSION = _say("part_reconversion")
VERDICT_TOO_LATE = _say("verdict_too_late")
#: By the verdict of the rules engine.
VERDICT_PROA = _table("verdict_proa")
VERDICT_RECONVERSION_TO_CONFIRM = _say("verdict_reconversion_to_confirm")
VERDICT_ONGOING = _say("verdict_ongoing")
VERDICT_NO_TARGET = _say("verdict_no_target")
VERDICT_NO_TARGET_RECONVERSION = _say("verdict_no_target_reconversion")
VERDICT_NO_TARGET_OTHERS = _say("verdict_no_target_others")
#: ``one`` (one certification or none) and ``many``: :func:`verdict_list`.
VERDICT_LIST = _table("verdict_list")
VERDICT_LIST_TARGET = _say("verdict_list_target")
VERDICT_LIST_BRANCH = _say("verdict_list_branch")
VERDICT_LIST_NEXT = _say("verdict_list_next")
VERDICT_LIST_NEXT_BRANCH = _say("verdict_list_next_branch")
VERDICT_NOTHING_MORE = _say("verdict_nothing_more")
VERDICT_LIST_DONE = _say("verdict_list_done")
VERDICT_UNKNOWN_LIST = _say("verdict_unknown_list")
VERDICT_NOT_IN_LIST = _say("verdict_not_in_list")
VERDICT_ENJEUX = _say("verdict_enjeux")
VERDICT_AMBIGUOUS = _say("verdict_ambiguous")
VERDICT_DID_YOU_MEAN = _say("verdict_did_you_mean")
VERDICT_WHICH_METIER = _say("verdict_which_metier")
VERDICT_NO_RULE = _say("verdict_no_rule")
VERDICT_UNKNOWN_TOPIC = _say("verdict_unknown_topic")
VERDICT_FIGURE = _say("verdict_figure")

SCHEME_RECONVERSION = _say("scheme_reconversion")
SCHEME_PROA = _say("scheme_proa")

# -- answers found by the rule finder (bot/compose/rule_answer.py) ----------------------
HEADING_PROA_PAST = _say("heading_proa_past")
HEADING_BRANCH = _say("heading_branch")
HEADING_PROA_SAID = _say("heading_proa_said")
CITE_LAW = _say("cite_law")
CITE_AGREEMENT = _say("cite_agreement")
CITE_DOCUMENT = _say("cite_document")
CITED = _say("cited")
#: A closed question's answer in front of the rule's sentence (« Oui. Pro-A signée avant
#: 2026 : … »), by the rule's ``answer`` (« oui », « non », « cela dépend »): the catalogue
#: writes each answer capitalised with its full stop.
YES_NO: Mapping[str, str] = {answer.rstrip(".").lower(): answer for answer in entry(ANSWERS, "yes_no")}
#: The yes/no answer (a key of :data:`YES_NO`) of a verdict code, in the catalogue's order
#: (oui, non, cela dépend): the figures' verdicts (bot/understanding/quantities.py).
YES_NO_OF: Mapping[str, str] = dict(zip(("yes", "no", "depends"), YES_NO, strict=True))
ANSWERED = _say("answered")
ASK_WHICH_RULE = _say("ask_which_rule")
ASK_NO_RULE = _say("ask_no_rule")
AVENANT_TOO_LATE = _say("avenant_too_late")
AVENANT_ON_TIME = _say("avenant_on_time")
ASK_AVENANT_DATE = _say("ask_avenant_date")
PAST_NOTE = _say("past_note")

# -- sentences -------------------------------------------------------------------------
ASSUMED_CONTRACT = _say("assumed_contract")
DURATION_EXTENDED_YOU = _say("duration_extended_you")
DURATION_EXTENDED_SOME = _say("duration_extended_some")
NOT_IN_LIST_HELP = _say("not_in_list_help")
CLOSEST = _say("closest")
ENJEUX_HELP = _say("enjeux_help")
#: The same ways out for a branch without a CléA rule (the CléA is named only where a rule says so).
NOT_IN_LIST_HELP_NO_CLEA = _say("not_in_list_help_no_clea")
ENJEUX_HELP_NO_CLEA = _say("enjeux_help_no_clea")
OPCO_CONFIRM = _say("opco_confirm")
UNKNOWN_LIST_NOTE = _say("unknown_list_note")
UNKNOWN_LIST_OPCO = _say("unknown_list_opco")
WITH_OPCO = _say("with_opco")
TOPICS_AVAILABLE = _say("topics_available")
# -- « voir plus »: the one wording of a list that goes on (text, renderers, button) --------
MORE_BUTTON = _say("more_button")
MORE_ONE = _say("more_one")
MORE_MANY = _say("more_many")

# -- reason codes of the rules engine --------------------------------------------------
#: The French of every reason code of the rules engine, filled from the reason's params
#: (dates as « 1er janvier 2026 », decimals with a comma). ``None`` for the codes named
#: ``*_RULE``: the reason states its rule, whose summary is the sentence. Any other code
#: without its sentence in the catalogue fails here, at import.
REASON_TEXTS: Mapping[ReasonCode, str | None] = {
    code: None if code.name.endswith("_RULE") else _say(f"reasons.{code.value}") for code in ReasonCode
}
#: Their third-person wording, for the codes that address the person.
ADVISER_REASON_TEXTS: Mapping[ReasonCode, str] = {
    ReasonCode(code): sentence for code, sentence in _table("reasons", ADVISER).items()
}


def _wording(name: str) -> Any:
    key = name.lower()
    return entry(ADVISER if to_adviser() and key in section(ADVISER) else ANSWERS, key)


def worded(name: str) -> str:
    """The sentence ``name`` of this module (its catalogue key in upper case), in the third
    person when the answer being composed speaks to an adviser (``adviser.yml``)."""
    sentence = _wording(name)
    assert isinstance(sentence, str), name
    return sentence


def worded_map(name: str) -> Mapping[str, str]:
    """The same for a table of sentences (by verdict, by employer)."""
    table = _wording(name)
    assert isinstance(table, Mapping), name
    return table


def reason_text(reason: Reason) -> str:
    """The French sentence of one reason of a decision (its template, or its rule's summary)."""
    template = ADVISER_REASON_TEXTS.get(reason.code) if to_adviser() else None
    template = template or REASON_TEXTS[reason.code]
    if template is None:
        return said(reason.rule) if reason.rule else ""
    return template.format(**{key: french_value(value) for key, value in reason.params.items()})


def verdict_list(count: int, metier: str) -> str:
    """« La liste de la branche prévoit 3 certifications pour « Cariste » »."""
    return VERDICT_LIST["many" if count > 1 else "one"].format(count=count, metier=metier)


def sources_heading(count: int) -> str:
    """« Source : » or « Sources : »."""
    return SOURCE_HEADING_ONE if count == 1 else SOURCE_HEADING_MANY


def certification_line(title: str, rncp: str | None, level: str | None) -> str:
    """« TP Cariste d'entrepôt (RNCP34857, niveau 3) »."""
    details = ", ".join(part for part in (rncp, level) if part)
    return f"{title} ({details})" if details else title


def more_hint(remaining: int) -> str:
    """« Il y en a 3 autres : écrivez « voir plus ». », or an empty string when none remain."""
    if remaining <= 0:
        return ""
    return MORE_ONE if remaining == 1 else MORE_MANY.format(count=remaining)
