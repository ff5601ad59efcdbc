"""The answers' sentences in the third person, for an adviser who speaks of a worker.

An answer composed for an adviser (:mod:`bot.compose.voice`) says « son employeur » where
the person's own answer says « votre employeur »: each entry here is the third-person
wording of a sentence of :mod:`bot.compose.french` that addresses the person, under the
same name and with the same placeholders (:func:`bot.compose.french.worded` picks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.rules import ReasonCode

#: Third-person wording of the sentences of :mod:`bot.compose.french` that address the person,
#: by the name of the sentence there (same placeholders).
ADVISER_WORDING: Mapping[str, Any] = {
    "HEADING_PROA_YOURS": "Sa Pro-A (avenant du {signed_on})",
    "HEADING_PROA_SAID": "Sa Pro-A (avenant conclu : {said})",
    "HEADING_METIER": "Son métier",
    "NEXT_STEP_BY_EMPLOYER": {
        "agency": "l'agence d'emploi, son employeur, envoie le dossier à l'{opco}.",
        "company": "son employeur envoie le dossier à l'{opco}.",
    },
    "VERDICT_RECONVERSION": (
        "Oui, par une période de reconversion, avec l'accord de son employeur : elle remplace la Pro-A pour tout "
        "avenant conclu depuis le {switch}."
    ),
    "VERDICT_RECONVERSION_TO_CONFIRM_PROA_ASKED": (
        "Pour une nouvelle Pro-A, non : elle est remplacée depuis le {switch} par la période de reconversion, "
        "qui pour son contrat est à confirmer auprès de l'OPCO ({opco})."
    ),
    "VERDICT_RECONVERSION_PROA_ASKED": (
        "Pour une nouvelle Pro-A, non : pour un avenant conclu depuis le {switch}, c'est une période de reconversion, "
        "que le salarié peut demander avec l'accord de son employeur."
    ),
    "VERDICT_RECONVERSION_BOTH_ASKED": (
        "Une période de reconversion, oui, avec l'accord de son employeur ; une nouvelle Pro-A, non, pour un avenant "
        "conclu depuis le {switch}."
    ),
    "PART_RECONVERSION": (
        "Depuis le {switch}, la période de reconversion remplace la Pro-A : c'est elle que le salarié peut demander."
    ),
    "VERDICT_TOO_LATE": (
        "C'est une période de reconversion : son avenant, conclu le {signed_on}, après le {last_start}, "
        "ne peut plus ouvrir de Pro-A."
    ),
    "VERDICT_PROA": {
        "eligible": "Oui, sa situation permet une Pro-A dans la branche {branch}.",
        "not_eligible": "Non, sa situation ne permet pas une Pro-A dans la branche {branch}.",
        "needs_information": "Cela dépend de son type de contrat : quel est-il ?",
        "to_confirm": "Cela dépend : pour sa situation, les textes ne permettent pas de trancher ; c'est à confirmer auprès de l'OPCO ({opco}).",
    },
    "VERDICT_RECONVERSION_TO_CONFIRM": (
        "À confirmer auprès de l'OPCO ({opco}) : la période de reconversion, qui remplace la Pro-A depuis le "
        "{switch}, n'est pas précisée pour son contrat."
    ),
    "VERDICT_ONGOING": "Oui, sa Pro-A continue selon l'accord de branche {branch}.",
    "VERDICT_NO_TARGET_RECONVERSION": (
        "Oui, par une période de reconversion, avec l'accord de son employeur : la liste de la branche ne prévoit "
        "pas de {target} pour « {metier} »."
    ),
    "VERDICT_NO_RULE": "Je n'ai pas de règle vérifiée sur ce point : renseignez-vous auprès de l'OPCO ({opco}).",
    "ASSUMED_CONTRACT": "Je considère que son contrat est un {contract}.",
    "DURATION_EXTENDED_YOU": ", et jusqu'à {months} mois dans son cas",
    "NOT_IN_LIST_HELP": "Le salarié peut viser le CléA, une certification d'un autre métier de la liste, ou toute certification RNCP avec une période de reconversion, à confirmer avec l'OPCO ({opco}).",
    "ENJEUX_HELP": "Le salarié peut viser le CléA ou une certification d'un autre métier de la liste.",
    "NOT_IN_LIST_HELP_NO_CLEA": "Le salarié peut viser une certification d'un autre métier de la liste, ou toute certification RNCP avec une période de reconversion, à confirmer avec l'OPCO ({opco}).",
    "ENJEUX_HELP_NO_CLEA": "Le salarié peut viser une certification d'un autre métier de la liste.",
    "OPCO_CONFIRM": "Pour la période de reconversion, ce point reste à confirmer auprès de l'OPCO ({opco}).",
    "UNKNOWN_LIST_OPCO": "Pour savoir si elle est éligible, renseignez-vous auprès de l'OPCO ({opco}).",
}
#: Third-person wording of the reason codes that address the person.
ADVISER_REASON_TEXTS: Mapping[ReasonCode, str] = {
    ReasonCode.AVENANT_AFTER_END: "Son avenant a été conclu le {signed_on}, après le {last_start_date} : ce ne peut plus être une Pro-A.",
    ReasonCode.PROA_ONGOING_AGREEMENT: "Son avenant Pro-A a été conclu le {signed_on}, avant le {replacement_from} : il continue selon l'accord de branche.",
    ReasonCode.PLAN_TOO_LONG: "{months} mois, c'est plus que le maximum de {max_months} mois pour sa situation.",
}
