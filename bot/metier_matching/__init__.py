"""The métier matcher, one module per job (read :mod:`bot.matching` for the overview).

- :mod:`~bot.metier_matching.results`: the statuses, :class:`Candidate`, :class:`MatchResult`;
- :mod:`~bot.metier_matching.index`: a branch's titles as bags of canonical words;
- :mod:`~bot.metier_matching.word_mapping`: typed words → index words (lemmas, typos);
- :mod:`~bot.metier_matching.segments`: the entries one phrase of a message names;
- :mod:`~bot.metier_matching.candidates`: entries → ranked métiers and a status;
- :mod:`~bot.metier_matching.narrowing`: a choice narrowed by the rest of the message;
- :mod:`~bot.metier_matching.sentence_roles`: a title that is the object of a verb;
- :mod:`~bot.metier_matching.fallbacks`: task descriptions and near misses;
- :mod:`~bot.metier_matching.matcher`: :class:`MetierMatcher`, which runs them in order.

The rest of the code imports the public names from :mod:`bot.matching`.
"""
