"""What both servers share, ``rasa run`` (the channels) and ``rasa run actions`` (the
action server): the HTTP guard installed in Sanic (:mod:`servers.http_guard`), and every
patch of Rasa and Sanic (:mod:`servers.patches`).

Imported by ``channels`` and ``actions``; imports neither (import-linter contracts in
pyproject.toml).
"""
