"""Channel renderers for the structured answer (docs/DESIGN.md, "Structured answer
(channels)"): :mod:`bot.render.plain` (text and buttons), :mod:`bot.render.slack`
(Block Kit), :mod:`bot.render.teams` (Adaptive Card).

Each turns the payload of :meth:`bot.compose.Answer.to_payload`, read once into typed
parts by :meth:`bot.render.payload.AnswerPayload.from_wire`, into the keyword arguments
of one ``utter_message``; the French words come from the payload (the wording lives in
:mod:`bot.compose`), the few a renderer adds from the catalogue (``render`` section).
Which renderer a Rasa channel gets is decided by the adapters (:mod:`actions.rendering`),
not here.

Plain Python: no ``rasa`` / ``rasa_sdk`` import (see docs/DESIGN.md, layers).
"""
