"""Loaders and parsers for the reviewed knowledge files."""
