"""The project's own Rasa NLU graph components (plain adapters over ``bot/``)."""
