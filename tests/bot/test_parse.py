"""The built-in parser used by ``bot ask`` (Rasa's NLU replaces it in the assistant)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.knowledge.loader import load_knowledge
from bot.profile import Profile
from bot.understanding.parse import parse_date, parse_int, parse_question


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def parse(kb, text):
    return parse_question(text, kb, Profile(today=date(2026, 11, 23)))


@pytest.mark.parametrize(
    "text, contract",
    [
        ("je suis en CDI intérimaire", "cdi_interimaire"),
        ("cdii depuis 2 ans", "cdi_interimaire"),
        ("je suis en cdi", "cdi"),
        ("en contrat de mission", "contrat_de_mission"),
        ("je suis en mission chez renault", "contrat_de_mission"),
        ("j'ai un CDD", "cdd"),
        ("contrat unique d'insertion en CDI", "cui_cdi"),
        ("je cherche une formation", None),
    ],
)
def test_contracts(kb, text, contract):
    assert parse(kb, text).profile.contract == contract


@pytest.mark.parametrize(
    "text, held, target",
    [
        ("puis-je viser un BTS ?", None, "bts"),
        ("j'ai un bac pro et je vise un BTS", "bac_pro", "bts"),
        ("j'ai déjà une licence", "licence", None),
        ("je voudrais passer un CAP", None, "cap"),
        ("titulaire d'un master, puis-je faire une licence pro ?", "master", "licence_pro"),
    ],
)
def test_diplomas_held_and_aimed_at(kb, text, held, target):
    profile = parse(kb, text).profile
    assert (profile.held_diploma, profile.target_diploma) == (held, target)


def test_level_age_branch_and_avenant_date(kb):
    profile = parse(kb, "j'ai 23 ans, je vise un niveau 4 en SDLM, avenant signé le 15/11/2025").profile
    assert profile.age == 23 and profile.target_level == 4 and profile.idcc == 1404
    assert profile.avenant_signed_on == date(2025, 11, 15)


@pytest.mark.parametrize(
    "text, idcc",
    [
        ("que prévoyait l'accord du 18 septembre 2020 sur le tutorat ?", 1404),
        ("l'avenant n° 7 du 26 novembre 2024 a changé quoi ?", 1404),
        ("l'accord de branche du 22 janvier 2021 fixe quelle durée ?", 2378),
        # the date of the person's avenant names no branch
        ("mon avenant du 18 septembre 2020, il tient toujours ?", None),
    ],
)
def test_an_agreement_is_named_by_its_date(kb, text, idcc):
    profile = parse_question(text, kb, Profile(idcc=None, today=date(2026, 11, 23))).profile
    assert profile.idcc == idcc


def test_a_date_that_names_an_agreement_is_not_the_time_asked_about():
    from bot.understanding.question_reading import read_question

    reading = read_question("que prévoyait l'avenant n° 7 du 26 novembre 2024 ?", date(2026, 12, 7))
    assert reading.as_of is None and reading.avenant_on is None
    assert read_question("qu'est-ce qui s'appliquait en novembre 2024 ?", date(2026, 12, 7)).as_of is not None


def test_impossible_date_is_ignored(kb):
    assert parse(kb, "avenant signé le 31/02/2025").profile.avenant_signed_on is None


@pytest.mark.parametrize(
    "text, kind, topic",
    [
        ("combien de temps dure la pro-a ?", "faq", "duration"),
        ("qui paie la formation ?", "faq", "funding"),
        ("comment est-elle financée ?", "faq", "funding"),
        ("est-ce que je garde mon salaire ?", "faq", "pay"),
        ("c'est quoi la période de reconversion", "faq", "periode_reconversion"),
        ("quelles formations pour un soudeur ?", "certifications", None),
        ("voir plus", "more", None),
        ("je suis cariste en CDI, puis-je viser un BTS ?", "eligibility", None),
    ],
)
def test_kinds(kb, text, kind, topic):
    parsed = parse(kb, text)
    assert (parsed.kind, parsed.faq_topic) == (kind, topic)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-12-20", date(2025, 12, 20)),
        ("signé le 20/12/2025", date(2025, 12, 20)),
        ("le 20.12.25", date(2025, 12, 20)),
        ("le 1er décembre 2025", date(2025, 12, 1)),
        ("en decembre 2025", date(2025, 12, 1)),
        ("31/02/2025", None),
        ("le 3 machin 2025", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_reads_french_dates(text, expected):
    assert parse_date(text) == expected


def test_parse_int_keeps_the_bounds():
    assert parse_int("23 ans", 14, 99) == 23
    assert parse_int(23.0, 14, 99) == 23
    assert parse_int("120", 14, 99) is None
    assert parse_int(True, 0, 5) is None
    assert parse_int("aucun", 0, 5) is None


def test_an_avenant_date_in_words_is_read(kb):
    parsed = parse(kb, "CDI intérimaire, avenant signé le 15 décembre 2025, combien de temps ?")
    assert parsed.profile.avenant_signed_on == date(2025, 12, 15)


# --------------------------------------------------------------- facts with their spans


def test_facts_have_the_spans_of_the_text_as_typed(kb):
    from bot.understanding.parse import find_facts

    text = "Œuvre : j'ai 23 ans, je vise un BTS et je suis déjà bac+2"
    found = [(f.entity, f.value, f.role, text[f.start : f.end]) for f in find_facts(text, kb)]
    assert found == [("age", "23", None, "23"), ("diploma", "bts", "target", "BTS"), ("level", "5", "held", "bac+2")]


def test_bac_plus_levels_and_bac_alone(kb):
    profile = parse(kb, "je suis déjà bac+3, puis-je faire une pro-a ?").profile
    assert (profile.held_level, profile.held_diploma) == (6, None)
    assert parse(kb, "je voudrais un niveau bac").profile.target_level == 4
    assert parse(kb, "j'ai un bac pro").profile.held_diploma == "bac_pro"


def test_durations_and_phone_numbers_are_no_age(kb):
    assert parse(kb, "je travaille depuis 15 ans").profile.age is None
    assert parse(kb, "20 ans d'expérience en entrepôt").profile.age is None
    assert parse(kb, "mon numéro : 06 12 34 56 78").profile.age is None
    assert parse(kb, "j'ai 34 ans, mon numéro : 06 12 34 56 78").profile.age == 34


def test_job_phrases_follow_a_job_cue(kb):
    from bot.understanding.parse import job_phrases

    def phrases(text, short=False):
        return [text[s:e] for s, e in job_phrases(text, kb, short_answer=short)]

    assert phrases("je suis ambulancier en CDI") == ["ambulancier"]
    assert phrases("quelles formations pour un astronaute ?") == ["astronaute"]
    assert phrases("combien de temps dure la pro-a ?") == []
    assert phrases("je suis en CDI intérimaire") == []
    assert phrases("je dépends du travail temporaire", short=True) == []  # a branch
    assert phrases("ambulancier") == [] and phrases("ambulancier", short=True) == ["ambulancier"]
    assert phrases("mon numéro est 06 12 34 56 78", short=True) == []


def test_a_job_is_stated_only_after_a_cue_that_introduces_jobs(kb):
    """« comme », « pour un », « est une » also introduce what is no job: a phrase after
    them may be a métier of the list, but is no job stated and missing from it."""
    from bot.understanding.parse import job_phrases

    def stated(text):
        return [text[s:e] for s, e in job_phrases(text, kb, stated=True)]

    assert job_phrases("c'est pris comme un accident du travail ?", kb) != []
    assert stated("c'est pris comme un accident du travail ?") == []
    assert stated("on est une PME de 35 salariés") == []
    assert stated("je suis prothésiste dentaire") == ["prothésiste dentaire"]
    assert stated("je travaille comme prothésiste dentaire") == ["prothésiste dentaire"]


def test_profile_words_are_valid_and_name_known_diplomas(kb):
    from bot.profile_words import compile_words, profile_words

    words = profile_words()
    assert {d.code for d in words.diplomas} <= set(kb.diplomas)
    assert words.months["decembre"] == 12 and words.age_range == (14, 80)
    with pytest.raises(ValueError, match=r"not in diplomas\.yml"):
        compile_words({"diplomas": {"xyz": {"words": ["xyz"]}}}, ["bts"])


def test_profile_words_schema_rejects_a_bad_file(tmp_path, monkeypatch):
    import shutil

    import jsonschema
    import yaml

    from bot.lexicon import LEXICON_FILE, read_word_file
    from bot.profile_words import WORD_FILE

    repository = LEXICON_FILE.parents[1]
    data = yaml.safe_load((repository / "lexicon" / f"{WORD_FILE}.yml").read_text(encoding="utf-8"))
    data["held_cues"] = ["J'ai"]  # phrases are folded, lower case, without apostrophes
    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / f"{WORD_FILE}.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    shutil.copytree(repository / "schema", tmp_path / "schema")
    monkeypatch.setenv("PROA_KNOWLEDGE_DIR", str(tmp_path))
    with pytest.raises(jsonschema.ValidationError):
        read_word_file.__wrapped__(WORD_FILE)


@pytest.mark.parametrize(
    "text, asks",
    [
        ("est-ce que je peux faire une pro-a ?", True),
        ("mon intérimaire peut-il en bénéficier ?", True),
        ("quelles formations puis-je faire ?", True),
        # An open question on who may asks a rule, not whether the person may.
        ("quels profils peuvent avoir une pro-a allongée jusqu'à 36 mois ?", False),
        ("qui peut faire une pro-a ?", False),
    ],
)
def test_an_open_question_on_who_may_is_not_the_person_asking(text, asks):
    from bot.understanding.parse import asks_eligibility

    assert asks_eligibility(text) is asks


def test_a_public_the_person_says_they_are_in_is_read(kb):
    from bot.understanding.parse import stated_publics

    assert stated_publics("je suis au RSA depuis deux ans", kb) == {"social_minima_or_cui"}
    assert stated_publics("chômeur de longue durée, puis-je faire une pro-a ?", kb) == {"jobseeker_over_1_year"}
    assert stated_publics("il a une RQTH", kb) == {"disabled_worker"}
    assert stated_publics("je suis cariste en CDI", kb) == frozenset()


def test_a_certification_only_one_branch_lists_names_that_branch():
    from bot.knowledge.loader import load_knowledge
    from bot.understanding.profile_facts import parse_branch

    kb = load_knowledge()
    assert parse_branch("le CQP magasinier/vendeur en pièces de rechange, il est dans la liste ?", kb) == 1404
    assert parse_branch("je suis technicien de maintenance", kb) is None  # a short name says too little
    assert parse_branch("je suis cariste, quelles certifications ?", kb) is None  # the default branch is not named
