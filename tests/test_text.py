"""Normalisation and rail-tag detection."""

import pytest

from clickbait.text import MAX_CHARS, feature_text, mark_structure, normalize, prepare, split_tag


def test_cedilla_letters_fold_to_comma_below():
    assert normalize("Şeful ţării îşi cere scuze") == "Șeful țării își cere scuze"


def test_combining_marks_compose_then_fold():
    # s + combining cedilla, t + combining comma below
    assert normalize("s\u0327i t\u0326ara") == "și țara"


def test_quotes_dashes_whitespace_unified():
    assert normalize("  „Nu demisionez”  —  a spus\u00a0el\t\n") == '"Nu demisionez" - a spus el'
    assert normalize("‘Da’ … «nu»") == "'Da' ... \"nu\""


def test_zero_width_and_control_characters():
    assert normalize("Gu\u200bvernul\x00a\x1bprobat\ufeff") == "Guvernul a probat"


def test_normalize_idempotent_examples():
    for s in ["ş\u0327", "a\u200b\u0301", " \u0327x", "“„”", "x\x85y\u2028z"]:
        assert normalize(normalize(s)) == normalize(s)


@pytest.mark.parametrize(
    "text, tag, rest",
    [
        ("INEDIT Descoperirea uluitoare a unei fetițe", "INEDIT", "Descoperirea uluitoare a unei fetițe"),
        ("FLASH NEWS Melania Trump, pe Wall Street", "FLASH NEWS", "Melania Trump, pe Wall Street"),
        ("CONTROVERSĂ O șoferiță dă în judecată Meta", "CONTROVERSĂ", "O șoferiță dă în judecată Meta"),
        ("CONTROVERSA O șoferiță dă în judecată Meta", "CONTROVERSĂ", "O șoferiță dă în judecată Meta"),
        ("SOC Un urs în centrul Brașovului", "ȘOC", "Un urs în centrul Brașovului"),
        ("ŞOC Un urs în centrul Brașovului", "ȘOC", "Un urs în centrul Brașovului"),
        ("FOTO. Anamaria, la mare", "FOTO", "Anamaria, la mare"),
        ("VIDEO: Incendiu la Iași", "VIDEO", "Incendiu la Iași"),
        ("BREAKING NEWS Cutremur în Vrancea", "BREAKING NEWS", "Cutremur în Vrancea"),
        ("EXCLUSIV DNA a deschis un dosar", "EXCLUSIV", "DNA a deschis un dosar"),
        ("UTILE Cum se face declarația unică", "UTILE", "Cum se face declarația unică"),
        ("ACTUALITATE Ce meserii dispar", "ACTUALITATE", "Ce meserii dispar"),
        ("LIVE Meciul României cu Grecia", "LIVE", "Meciul României cu Grecia"),
        ("UPDATE Traficul a fost reluat", "UPDATE", "Traficul a fost reluat"),
    ],
)
def test_tags_detected_with_canonical_form(text, tag, rest):
    assert split_tag(text) == (tag, rest)


@pytest.mark.parametrize(
    "text",
    [
        "BNR a anunțat o nouă scădere a dobânzii",
        "DNA a reținut un primar din Argeș",
        "ÎCCJ a respins recursul",
        "NATO transmite un mesaj Rusiei",
        "Video cu un urs viral pe internet",  # not in capitals
        "VIDEOCLIPUL anului a fost lansat",  # a word that starts like a tag
        "INEDIT",  # a tag with no headline after it
        "Un titlu obișnuit cu VIDEO la mijloc",
        "FOTOGRAFIA zilei",
    ],
)
def test_no_tag_for_ordinary_first_words(text):
    assert split_tag(text) == (None, text)


def test_prepare_strips_tag_and_lowercases():
    assert prepare("INEDIT Ce a găsit un pescar") == ("INEDIT", "ce a găsit un pescar")
    assert prepare("INEDIT Ce a găsit un pescar", fold_diacritics=True) == ("INEDIT", "ce a gasit un pescar")


def test_feature_text_same_for_both_diacritic_styles():
    assert feature_text("Şedinţă de Guvern: ţara") == feature_text("Ședință de Guvern: țara")


def test_feature_text_bounded_prefix():
    long = "a " * (MAX_CHARS * 10)
    assert len(feature_text(long)) <= MAX_CHARS


def test_structure_markers():
    assert mark_structure("liderii s-au întâlnit. ce au discutat") == "xxbos liderii s-au întâlnit. xxs ce au discutat xxeos"
    assert mark_structure("cine a câștigat? ce a decis ccr: legea rămâne") == (
        "xxbos cine a câștigat? xxq xxs ce a decis ccr: xxcolon legea rămâne xxeos"
    )
    assert mark_structure("pib crește cu 3.5% în 2027") == "xxbos pib crește cu 3.5% în 2027 xxeos"
    assert prepare("   ", markers=True) == (None, "")
