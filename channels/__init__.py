"""Rasa input channels of the project (loaded by module path from credentials.yml)."""
