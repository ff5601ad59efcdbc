"""The verdict line of a rule's answer always fits its room (bot.compose.rule_sentences.fit_line)."""

from bot.compose.parts import VERDICT_LINE_HARD_MAX
from bot.compose.rule_sentences import fit_line
from bot.profile import Profile
from bot.service import Assistant

LONG = (
    "si l'un des deux ne veut pas continuer au terme de la période d'essai, le salarié retrouve son "
    "poste ou un poste équivalent dans son entreprise d'origine, avec une rémunération au moins équivalente"
)


def test_a_short_sentence_is_kept_whole():
    assert fit_line("la formation dure 6 mois", 80) == ("la formation dure 6 mois", "")


def test_a_semicolon_past_half_the_room_is_where_it_is_cut():
    line, rest = fit_line("la Pro-A dure de 6 à 12 mois ; elle peut aller jusqu'à 36 mois", 40)
    assert (line, rest) == ("la Pro-A dure de 6 à 12 mois", "Elle peut aller jusqu'à 36 mois.")


def test_without_a_semicolon_it_is_kept_whole_up_to_the_hard_room():
    assert fit_line(LONG, 120, 250) == (LONG, "")


def test_beyond_the_hard_room_it_is_cut_at_a_word_and_the_rest_follows():
    words = " ".join(["mot"] * 60)
    line, rest = fit_line(words, 30, 50)
    assert len(line) <= 50 and line.endswith("…") and rest.startswith("…mot")
    assert line[:-1].split() + rest[1:].split() == words.split()


def test_a_real_rule_answer_keeps_its_verdict_line_within_the_payload_limit():
    question = (
        "mon intérimaire ne veut pas continuer dans l'entreprise d'accueil à la fin de la période "
        "d'essai, il retrouve son poste ?"
    )
    answer = Assistant.default().ask(question, Profile())
    assert len(answer.verdict_line) <= VERDICT_LINE_HARD_MAX
    assert "L6324-7" in answer.text
