// Generated from knowledge/wording/widget.yml (and the sentences it borrows, see
// web/wording-source.mjs) by web/gen-wording.mjs (js-yaml).
// Do not edit: change the catalogue, then run scripts/build_web.sh.
export const WORDING = {
  "greeting": "Bonjour ! Je réponds à vos questions sur la formation en alternance des salariés : Pro-A, période de reconversion et certifications possibles pour un métier. Que voulez-vous savoir ?",
  "welcome_choices": {
    "duration": "Durée",
    "funding": "Financement",
    "pay": "Rémunération",
    "my_certifications": "Mes certifications",
    "periode_reconversion": "Période de reconversion"
  },
  "page": {
    "title": "Assistant formation des intérimaires – Pro-A et reconversion",
    "heading": "Assistant formation des intérimaires",
    "subtitle": "Pro-A, période de reconversion, certifications : posez votre question.",
    "skip_link": "Aller à la saisie de votre question",
    "new_conversation": "Nouvelle conversation",
    "confirm_new": "Effacer cette conversation et en commencer une nouvelle ?",
    "confirm_yes": "Effacer",
    "confirm_no": "Annuler",
    "chat_heading": "Conversation avec l'assistant",
    "typing": "L'assistant prépare sa réponse…",
    "input_label": "Votre question",
    "send": "Envoyer",
    "hint": "Appuyez sur Entrée pour envoyer. N'écrivez pas de données personnelles.",
    "noscript": "Cette page a besoin de JavaScript pour afficher la conversation."
  },
  "greeting_example": "Par exemple : « Je suis cariste en CDI intérimaire, puis-je viser un BTS ? »",
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
