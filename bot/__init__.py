"""Domain core of the training-rights assistant (plain Python, no Rasa imports)."""
