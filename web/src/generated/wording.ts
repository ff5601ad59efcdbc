// Generated from knowledge/wording/widget.yml by web/gen-wording.mjs (js-yaml).
// Do not edit: change the catalogue, then run scripts/build_web.sh.
export const WORDING = {
  "greeting": "Bonjour ! Je réponds à vos questions sur la formation en alternance des salariés : Pro-A, période de reconversion et certifications possibles pour un métier. Que voulez-vous savoir ?",
  "greeting_example": "Par exemple : « Je suis cariste en CDI intérimaire, puis-je viser un BTS ? »",
  "welcome_choices": {
    "duration": "Durée",
    "funding": "Financement",
    "pay": "Rémunération",
    "my_certifications": "Mes certifications",
    "periode_reconversion": "Période de reconversion"
  },
  "verdicts": {
    "eligible": "Éligible",
    "not_eligible": "Non éligible",
    "needs_information": "Informations nécessaires"
  },
  "verdict_label": "Résultat :",
  "certifications_heading_one": "Certification possible",
  "certifications_heading_many": "Certifications possibles",
  "planned_for": "Prévu pour « {metier} »",
  "rncp_sheet": "Fiche",
  "next_step_heading": "Prochaine étape",
  "details_heading": "Détails et sources",
  "sources_heading_one": "Source :",
  "sources_heading_many": "Sources :",
  "checked_on": "vérifié le {day}",
  "more_button_one": "Voir plus (1 autre)",
  "more_button_many": "Voir plus ({count} autres)",
  "more_message": "voir plus",
  "more_chosen": "Voir plus",
  "feedback_thanks": "Merci pour votre avis.",
  "image_alt": "Image envoyée par l'assistant",
  "speaker_user": "Vous :",
  "speaker_assistant": "Assistant :",
  "choices_label": "Réponses proposées",
  "new_tab": "(nouvel onglet)",
  "unsent": "Message non envoyé — il partira au retour de la connexion.",
  "retry": "Renvoyer",
  "status": {
    "connecting": "Connexion au serveur…",
    "online": "Connecté",
    "lost": "Connexion perdue, reconnexion…"
  }
} as const;

export type Wording = typeof WORDING;
