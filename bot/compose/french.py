"""Every French word of the answers that is not in the knowledge files.

The figures and the rules' sentences come from ``knowledge/`` (a rule's ``summary`` filled
with its ``values``); this module holds the glue: headings, verdict lines and sentences,
and the French of the rules engine's reason codes, addressed to the person, with the
lookup that picks their third-person wording for an adviser (:func:`worded`).

The rest of the answers' French lives beside it, one module per job: the third-person
wording (:mod:`bot.compose.adviser_wording`), dates, numbers and figures
(:mod:`bot.compose.french_format`), and where a sentence may be cut
(:mod:`bot.compose.sentence_cuts`). Their names are re-exported here (the ``X as X``
imports, mypy's explicit form), so that ``french.X`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.compose.adviser_wording import ADVISER_REASON_TEXTS as ADVISER_REASON_TEXTS
from bot.compose.adviser_wording import ADVISER_WORDING as ADVISER_WORDING
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

# -- headings --------------------------------------------------------------------------
HEADING_RECONVERSION = "Période de reconversion (depuis {year})"
HEADING_PROA_BEFORE = "Pro-A signée avant {year}"
HEADING_PROA = "Pro-A"
HEADING_PROA_YOURS = "Votre Pro-A (avenant du {signed_on})"
HEADING_CHANGE = "Ce qui change en {year}"
HEADING_METIER = "Votre métier"

LIST_OWN = "Certifications de la liste pour « {metier} »"
LIST_OWN_TARGET = "{target} de la liste pour « {metier} »"
LIST_OTHERS = "{target} prévus pour d'autres métiers de la liste"
LIST_BRANCH = "Certifications de la liste de la branche"
LIST_BRANCH_TARGET = "{target} de la liste de la branche"
LIST_NEXT = "Suite de la liste"
#: Where the list comes from (a note of the list, folded with the details).
LIST_FROM = "Liste : {version}."
DUPLICATE_NOTE = (
    "Ce titre figure {count} fois dans la liste, avec des codes RNCP différents ({codes}) : "
    "vérifiez sur chaque fiche laquelle est active."
)

# -- words the renderers add (bot/render) -------------------------------------------------
CERTIFICATIONS_HEADING = "Certifications :"
SOURCE_HEADING_ONE = "Source :"
SOURCE_HEADING_MANY = "Sources :"
CHOSEN = "Vous avez choisi : {title}"
CHECKED_ON = "vérifié le {day}"
#: The fold of what is not the answer itself: caveats, history, the 2026 change, sources.
DETAILS_HEADING = "Détails et sources"

# -- small words -----------------------------------------------------------------------
AND = " et "
OR = " ou "
QUOTED = "« {text} »"
YES_PREFIX = "Oui : "
ANNEX = "Annexe"
CERTIFICATIONS_WORD = "certifications"
CERTIFICATION_OF_LEVEL = "certification de ce niveau"
METIER_WITH_SUB_SECTOR = "{label} ({sub_sector})"
MONTHS_RANGE = "De {low} à {high} mois"

# -- 2026 change -----------------------------------------------------------------------
CHANGE_RECALL = "Rappel : depuis le {switch}, la période de reconversion remplace la Pro-A."
#: An explicit label: it says what follows (the 2026 change explained in full).
MORE_ABOUT_CHANGE = "Ce qui change en 2026"

# -- next steps ------------------------------------------------------------------------
#: Titles of the quick replies, by FAQ topic (topics without a title get no button).
TOPIC_BUTTONS: Mapping[str, str] = {
    "duration": "Durée",
    "training_share": "Temps de formation",
    "funding": "Financement",
    "pay": "Rémunération",
    "tutor": "Tuteur",
    "procedure": "Démarches",
    "periode_reconversion": "Période de reconversion",
    "clea": "Le CléA",
    "vae": "La VAE",
    "beneficiaries": "Qui y a droit ?",
    "forms": "Interne ou externe ?",
    "cpf": "Le CPF",
}
MY_CERTIFICATIONS = "Mes certifications"

# -- what the person does first (Answer.next_step): the worker's steps, not the paperwork --
NEXT_STEP_HEADING = "Prochaine étape"
#: By who employs the branch's workers (``employer`` of the agreement); the OPCO is the
#: one the agreement names, the employer sends it the file (procedure rule, R6324-1).
NEXT_STEP_BY_EMPLOYER = {
    "agency": "parlez-en à votre agence d'emploi, votre employeur : elle envoie le dossier à l'{opco}.",
    "company": "parlez-en à votre employeur : il envoie le dossier à l'{opco}.",
}
NEXT_STEP_CPF = "Vos droits CPF se consultent sur {service}."
CONTACT_LINE = "{name} : {url}"

# -- verdict lines ---------------------------------------------------------------------
# The verdict line says the person's options first (issue 20): a route that is open comes
# before the one that is closed, and one bubble never holds a « Oui » and a « Non » about
# the same thing.
VERDICT_RECONVERSION = (
    "Oui, par une période de reconversion, avec l'accord de votre employeur : elle remplace la Pro-A pour tout "
    "avenant conclu depuis le {switch}."
)
#: The same when the question names the Pro-A itself: its answer first.
VERDICT_RECONVERSION_TO_CONFIRM_PROA_ASKED = (
    "Pour une nouvelle Pro-A, non : elle est remplacée depuis le {switch} par la période de reconversion, "
    "qui pour votre contrat est à confirmer auprès de votre OPCO ({opco})."
)
#: The same when the question names the Pro-A itself: its answer first, the route with it.
VERDICT_RECONVERSION_PROA_ASKED = (
    "Pour une nouvelle Pro-A, non : pour un avenant conclu depuis le {switch}, c'est une période de reconversion, "
    "que vous pouvez demander avec l'accord de votre employeur."
)
#: Both schemes asked about (« Pro-A ou période de reconversion ? »): each its answer, the
#: open one first.
VERDICT_RECONVERSION_BOTH_ASKED = (
    "Une période de reconversion, oui, avec l'accord de votre employeur ; une nouvelle Pro-A, non, pour un avenant "
    "conclu depuis le {switch}."
)
#: The regime's verdict inside its part, when the verdict line answers a narrower question.
PART_RECONVERSION = (
    "Depuis le {switch}, la période de reconversion remplace la Pro-A : c'est elle que vous pouvez demander."
)
VERDICT_TOO_LATE = (
    "C'est une période de reconversion : votre avenant, conclu le {signed_on}, après le {last_start}, "
    "ne peut plus ouvrir de Pro-A."
)
VERDICT_PROA = {
    "eligible": "Oui, votre situation permet une Pro-A dans la branche {branch}.",
    "not_eligible": "Non, votre situation ne permet pas une Pro-A dans la branche {branch}.",
    "needs_information": "Cela dépend de votre type de contrat : quel est-il ?",
    "to_confirm": "Cela dépend : pour votre situation, les textes ne permettent pas de trancher ; c'est à confirmer auprès de votre OPCO ({opco}).",
}
#: Under the période de reconversion, when the law leaves the person's contract open.
VERDICT_RECONVERSION_TO_CONFIRM = (
    "À confirmer auprès de votre OPCO ({opco}) : la période de reconversion, qui remplace la Pro-A depuis le "
    "{switch}, n'est pas précisée pour votre contrat."
)
VERDICT_ONGOING = "Oui, votre Pro-A continue selon l'accord de branche {branch}."
VERDICT_NO_TARGET = "Non, la liste de la branche ne prévoit pas de {target} pour « {metier} »."
#: The same, today: the période de reconversion is the route (any RNCP certification).
VERDICT_NO_TARGET_RECONVERSION = (
    "Oui, par une période de reconversion, avec l'accord de votre employeur : la liste de la branche ne prévoit "
    "pas de {target} pour « {metier} »."
)
#: The same under the Pro-A, when the list gives that kind of certification to other métiers.
VERDICT_NO_TARGET_OTHERS = (
    "La liste de la branche ne prévoit pas de {target} pour « {metier} », mais elle en prévoit pour d'autres métiers."
)
VERDICT_LIST = "La liste de la branche prévoit {count} certification{s} pour « {metier} »."
VERDICT_LIST_TARGET = "La liste de la branche prévoit {count} {target} pour « {metier} »."
VERDICT_LIST_BRANCH = "La liste de la branche prévoit {count} {target}."
VERDICT_LIST_NEXT = "Suite de la liste pour « {metier} »."
VERDICT_LIST_NEXT_BRANCH = "Suite de la liste."
VERDICT_NOTHING_MORE = "Je n'ai pas de liste en cours : demandez d'abord une liste, par exemple « Quelles certifications pour un cariste ? »."
VERDICT_LIST_DONE = "La liste est complète : il n'y a pas d'autre certification."
VERDICT_UNKNOWN_LIST = "Je ne connais pas de certification de la liste pour « {metier} »."
VERDICT_NOT_IN_LIST = "Ce métier ne figure pas dans la liste de la branche {branch}."
VERDICT_ENJEUX = (
    "« {label} » fait partie des métiers à enjeux de l'accord, mais la liste ne lui prévoit aucune certification."
)
VERDICT_AMBIGUOUS = "Plusieurs métiers de la liste correspondent : lequel est le vôtre ?"
VERDICT_DID_YOU_MEAN = "Vouliez-vous dire {labels} ?"
VERDICT_WHICH_METIER = "Pour quel métier ? Écrivez par exemple « cariste » ou « aide-soignant »."
VERDICT_NO_RULE = "Je n'ai pas de règle vérifiée sur ce point : renseignez-vous auprès de votre OPCO ({opco})."
VERDICT_UNKNOWN_TOPIC = "Je n'ai pas d'information sur ce sujet."
VERDICT_FIGURE = "{scheme} : {figure}."

SCHEME_RECONVERSION = "Période de reconversion"
SCHEME_PROA = "Pro-A"

# -- answers found by the rule finder (bot/compose/rule_answer.py) ----------------------
HEADING_PROA_PAST = "Pro-A (jusqu'au {last_day})"
HEADING_PROA_SAID = "Votre Pro-A (avenant conclu : {said})"
CITE_LAW = "art. {article}"
CITE_AGREEMENT = "accord de branche, art. {article}"
CITE_DOCUMENT = "{document}, art. {article}"
CITED = "{sentence} ({cite})."
#: A closed question's answer in front of the rule's sentence: « Oui. Pro-A signée avant 2026 : … ».
YES_NO = {"oui": "Oui.", "non": "Non.", "cela dépend": "Cela dépend."}
ANSWERED = "{answer} {line}"
ASK_WHICH_RULE = "Je veux être sûr de répondre à votre question : de quoi parlez-vous ?"
ASK_NO_RULE = "Je n'ai pas trouvé de règle qui réponde à cette question. Parlez-vous de l'un de ces points ?"
AVENANT_TOO_LATE = (
    "Un avenant conclu ({day}) après le {last_day} ne peut plus être une Pro-A : depuis le {switch}, "
    "c'est la période de reconversion."
)
AVENANT_ON_TIME = (
    "L'avenant a été conclu ({day}) avant le {switch} : la Pro-A continue selon les règles d'avant,"
    " même si la formation commence après."
)
ASK_AVENANT_DATE = (
    "Cela dépend de la date à laquelle l'avenant a été conclu : avant le {switch}, c'est une Pro-A, qui continue"
    " selon les règles d'avant ; depuis, une période de reconversion. À quelle date a-t-il été conclu ?"
)
PAST_NOTE = (
    "C'étaient les règles de la Pro-A ; pour un avenant conclu depuis le {switch}, c'est la période de reconversion."
)

#: The word a FAQ answer's verdict line is about, when its rules are shared with
#: another topic (pay is answered by the funding rule of the new scheme): the verdict
#: line is then the sentence that holds this word, not the other topic's figure.
TOPIC_KEYWORDS: Mapping[str, str] = {
    "pay": "rémunération",
    # The new scheme's hourly figure is only a default (when the branch set no forfait).
    "funding": "prend en charge",
    "tutor": "tuteur",
    "vae": "VAE",
    "clea": "CléA",
}

# -- sentences -------------------------------------------------------------------------
ASSUMED_CONTRACT = "Je considère que votre contrat est un {contract}."
DURATION_EXTENDED_YOU = ", et jusqu'à {months} mois dans votre cas"
DURATION_EXTENDED_SOME = ", jusqu'à {months} mois pour certains publics"
NOT_IN_LIST_HELP = "Vous pouvez viser le CléA, une certification d'un autre métier de la liste, ou toute certification RNCP avec une période de reconversion, à confirmer avec l'OPCO ({opco})."
CLOSEST = "Les métiers de la liste les plus proches sont proposés ci-dessous."
ENJEUX_HELP = "Vous pouvez viser le CléA ou une certification d'un autre métier de la liste."
#: The same ways out for a branch without a CléA rule (the CléA is named only where a rule says so).
NOT_IN_LIST_HELP_NO_CLEA = "Vous pouvez viser une certification d'un autre métier de la liste, ou toute certification RNCP avec une période de reconversion, à confirmer avec l'OPCO ({opco})."
ENJEUX_HELP_NO_CLEA = "Vous pouvez viser une certification d'un autre métier de la liste."
OPCO_CONFIRM = "Pour la période de reconversion, ce point reste à confirmer auprès de votre OPCO ({opco})."
UNKNOWN_LIST_NOTE = "La branche a bien une certification pour ce métier : {note}."
UNKNOWN_LIST_OPCO = "Pour savoir si elle est éligible, renseignez-vous auprès de votre OPCO ({opco})."
WITH_OPCO = "{sentence} ({opco})."
TOPICS_AVAILABLE = "Je peux vous parler de la durée, du financement, de la rémunération, du tuteur ou des démarches."
# -- « voir plus »: the one wording of a list that goes on (text, renderers, button) --------
MORE_BUTTON = "Voir plus"
MORE_ONE = "Il y en a 1 autre : écrivez « voir plus »."
MORE_MANY = "Il y en a {count} autres : écrivez « voir plus »."

# -- reason codes of the rules engine --------------------------------------------------
#: The French of every reason code of the rules engine, filled from the reason's params
#: (dates as « 1er janvier 2026 », decimals with a comma). ``None``: the reason states its
#: rule, whose summary is the sentence.
REASON_TEXTS: Mapping[ReasonCode, str | None] = {
    ReasonCode.PROA_ENDED_RULE: None,
    ReasonCode.AVENANT_AFTER_END: "Votre avenant a été conclu le {signed_on}, après le {last_start_date} : ce ne peut plus être une Pro-A.",
    ReasonCode.PROA_ONGOING_AGREEMENT: "Votre avenant Pro-A a été conclu le {signed_on}, avant le {replacement_from} : il continue selon l'accord de branche.",
    ReasonCode.RECONVERSION_BENEFICIARIES_RULE: None,
    ReasonCode.CONTRACTS_ELIGIBLE_RULE: None,
    ReasonCode.CONTRACT_ELIGIBLE_RULE: None,
    ReasonCode.CONTRACT_EXCLUDED_RULE: None,
    ReasonCode.CEILING_RULE: None,
    ReasonCode.CEILING_REACHED_RULE: None,
    ReasonCode.CEILING_TO_CONFIRM_RULE: None,
    ReasonCode.CUI_KIND_NEEDED_RULE: None,
    ReasonCode.CONTRACT_OUT_OF_SCOPE_RULE: None,
    ReasonCode.CONTRACT_TO_CONFIRM_RULE: None,
    ReasonCode.RECONVERSION_CONTRACT_RULE: None,
    ReasonCode.PLAN_TOO_SHORT: "{months} mois, c'est moins que le minimum de {min_months} mois.",
    ReasonCode.PLAN_TOO_LONG: "{months} mois, c'est plus que le maximum de {max_months} mois pour votre situation.",
    ReasonCode.PLAN_TOO_FEW_HOURS: "{hours} heures de formation, c'est moins que le minimum de {min_hours} heures.",
    ReasonCode.PLAN_SHARE_TOO_LOW: "La formation ferait {percent} % de la durée totale, moins que {min_percent} %.",
    ReasonCode.PLAN_SHARE_TOO_HIGH: "La formation ferait {percent} % de la durée totale, plus que {max_percent} %.",
}


def _wording(name: str) -> Any:
    if to_adviser() and name in ADVISER_WORDING:
        return ADVISER_WORDING[name]
    return globals()[name]


def worded(name: str) -> str:
    """The sentence ``name`` of this module, in the third person when the answer being
    composed speaks to an adviser (:data:`ADVISER_WORDING`)."""
    text = _wording(name)
    assert isinstance(text, str), name
    return text


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
