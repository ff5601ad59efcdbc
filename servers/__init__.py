"""What both servers share, ``rasa run`` (the channels) and ``rasa run actions`` (the
action server): the HTTP guard installed in Sanic (:mod:`servers.http_guard`), every
patch of Rasa and Sanic (:mod:`servers.patches`), and the failures of a turn of
``rasa run`` kept as values (:mod:`servers.turn`, also used by ``stores``).

Imported by ``channels``, ``actions`` and ``stores``; imports none of them (import-linter
contracts in pyproject.toml).
"""
