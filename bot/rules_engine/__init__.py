"""The rules engine's parts, one module per job (read :mod:`bot.rules` for the overview).

- :mod:`~bot.rules_engine.codes`: the regimes, verdicts, reason codes and missing facts;
- :mod:`~bot.rules_engine.decision`: what the engine returns (:class:`Decision` and its parts);
- :mod:`~bot.rules_engine.rule_reader`: the rules of a branch or of the law, read on a day;
- :mod:`~bot.rules_engine.proa_eligibility`: the Pro-A verdict on a contract and a diploma;
- :mod:`~bot.rules_engine.durations`: durations, priority publics and a planned training;
- :mod:`~bot.rules_engine.certifications`: the branch list narrowed to a diploma aimed at.

:class:`bot.rules.RulesEngine` puts them together; the rest of the code imports the public
names from :mod:`bot.rules`.
"""
