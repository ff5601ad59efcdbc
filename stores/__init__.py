"""Extensions of Rasa's stores (tracker and lock stores) for production set-ups."""
