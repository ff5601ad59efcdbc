"""``action_feedback``: a click on « Oui » or « Non » under an answer (issue 22).

The buttons send ``/feedback{"helpful": "yes"|"no", "answer_id": "…"}`` (:mod:`bot.feedback`);
the rules of data/rules.yml run this action for the ``feedback`` intent, also while the
profile form asks a question (the form then asks it again).

The action records the click in the tracker together with what the answer was (topic,
verdict, rules, métier, branch, the reading taken: the ``proa_answer`` record of that
answer's bot event), in the metadata of its own reply (``proa_feedback``), counts it in
``proa_feedback_total`` and thanks the person in French. After « Non », outside the
form, the reply also asks « Qu'est-ce qui manquait ? » (optional): the person's next
typed message is recorded as the comment by ``channels.feedback_comment`` and handled
as any other message. The same click on the same answer twice is thanked, not counted
again. Nothing of the conversation is logged.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import GuardedAction, latest_entities
from actions.metrics import count_feedback
from bot import feedback
from bot.feedback import FEEDBACK_METADATA, NO

#: Domain responses (domain.yml): thanks; thanks and « Qu'est-ce qui manquait ? ».
THANKS_RESPONSE = "utter_feedback_thanks"
ASK_COMMENT_RESPONSE = "utter_feedback_no"
#: Neither « Oui » nor « Non » (a hand-typed command).
UNCLEAR_RESPONSE = "utter_ask_rephrase"


class ActionFeedback(GuardedAction):
    """Records a « Cette réponse vous aide ? » click and thanks the person."""

    def name(self) -> str:
        return "action_feedback"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        entities = latest_entities(tracker, feedback.HELPFUL_ENTITY) + latest_entities(
            tracker, feedback.ANSWER_ID_ENTITY
        )
        value = feedback.value_of(entities)
        if value is None:
            dispatcher.utter_message(response=UNCLEAR_RESPONSE)
            return
        answer_id = feedback.answer_id_of(entities)
        events = list(tracker.events or [])
        if feedback.already_given(events, value, answer_id):
            dispatcher.utter_message(response=THANKS_RESPONSE)
            return
        record = feedback.click_record(value, feedback.answer_of(events, answer_id), answer_id)
        count_feedback(value)
        in_form = bool((tracker.active_loop or {}).get("name"))
        if value == NO and not in_form:
            # The next typed message is the comment (channels/feedback_comment.py).
            record["comment_asked"] = True
            dispatcher.utter_message(response=ASK_COMMENT_RESPONSE, **{FEEDBACK_METADATA: record})
        else:
            dispatcher.utter_message(response=THANKS_RESPONSE, **{FEEDBACK_METADATA: record})
