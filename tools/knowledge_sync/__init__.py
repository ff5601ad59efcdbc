"""Building and refreshing the snapshots of the legal data from the SocialGouv npm
packages: ``@socialgouv/kali-data`` (:mod:`.kali`), ``@socialgouv/legi-data``
(:mod:`.legi`) and its pinned Pro-A release (:mod:`.legi_proa`), on the npm and HTML
helpers of :mod:`.npm` and the refresh steps of :mod:`.sync`.

Nothing of the running assistant imports this package: the runtime reads the committed
snapshots only (:mod:`bot.knowledge.snapshots`, :mod:`bot.knowledge.legi`,
:mod:`bot.knowledge.kali`, :mod:`bot.knowledge.legi_proa`). Command lines::

    bot knowledge refresh [--package all|kali|legi|proa] [--write] ...
    python -m tools.knowledge_sync.kali refresh [--write] [--check] ...
    python -m tools.knowledge_sync.legi refresh [--write] [--check] ...
    python -m tools.knowledge_sync.legi_proa verify|build ...
"""
