"""Text normalisation and rail-tag detection: pure functions shared by training and scoring.

Everything the model sees passes through :func:`normalize` (and then :func:`feature_text`), so a
headline written with cedilla letters (ş ţ) or comma-below letters (ș ț), typographic or plain
quotes, scores the same at training and at scoring time.
"""

from __future__ import annotations

import re
import unicodedata

# Only the first MAX_CHARS characters of a line are scored. Real titles run 40-200 characters;
# the bound keeps a pathological 1 MB line from costing more than a normal one.
MAX_CHARS = 1000

_CEDILLA_TO_COMMA = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})

_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2036\u301d\u301e\uff02"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u2035`\u00b4"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for ch in _DOUBLE_QUOTES:
        table[ord(ch)] = '"'
    for ch in _SINGLE_QUOTES:
        table[ord(ch)] = "'"
    for ch in _DASHES:
        table[ord(ch)] = "-"
    for ch in _ZERO_WIDTH:
        table[ord(ch)] = None
    table[ord("\u2026")] = "..."
    # C0 and C1 control characters (NUL, escape sequences, ...) become spaces.
    for cp in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)):
        table[cp] = " "
    return table


_TABLE = _build_table()
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Return the canonical form of a headline.

    Zero-width characters removed, control characters turned into spaces, typographic quotes,
    apostrophes and dashes unified, Unicode NFC, Romanian cedilla letters folded to comma-below,
    whitespace collapsed and stripped. Idempotent.
    """
    text = text.translate(_TABLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.translate(_CEDILLA_TO_COMMA)
    # Folding can leave marks that NFC reorders and composes anew (ş + a second cedilla): repeat
    # until stable, so normalize(normalize(x)) == normalize(x).
    for _ in range(8):
        if unicodedata.is_normalized("NFC", text):
            break
        text = unicodedata.normalize("NFC", text).translate(_CEDILLA_TO_COMMA)
    return _SPACES.sub(" ", text).strip()


# Rail tags: canonical form -> the way outlets write it. Matching is case-sensitive (a tag is
# written in capitals) and diacritic-insensitive (CONTROVERSA = CONTROVERSĂ).
TAGS: tuple[str, ...] = (
    "INEDIT",
    "FLASH NEWS",
    "BREAKING NEWS",
    "CONTROVERSĂ",
    "EXCLUSIV",
    "UTILE",
    "ACTUALITATE",
    "VIDEO",
    "FOTO",
    "LIVE",
    "UPDATE",
    "ȘOC",
    "ULTIMA ORĂ",
    "INTERVIU",
    "ANALIZĂ",
    "OPINIE",
    "REPORTAJ",
    "PORTRET",
    "INVESTIGAȚIE",
)


def _fold_table() -> dict[int, str | None]:
    """Latin letters with diacritics -> their base letter; combining marks -> removed."""
    table: dict[int, str | None] = {cp: None for cp in range(0x300, 0x370)}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(cp))
        if len(base) > 1 and base[0].isascii() and all(unicodedata.combining(c) for c in base[1:]):
            table[cp] = base[0]
    return table


_FOLD = _fold_table()


def strip_diacritics(text: str) -> str:
    """Remove diacritics from Latin letters: ă â î ș ț -> a a i s t (é -> e, ö -> o, ...)."""
    return text.translate(_FOLD)


def _tag_variants() -> dict[str, str]:
    variants: dict[str, str] = {}
    for tag in TAGS:
        variants[tag] = tag
        variants[strip_diacritics(tag)] = tag
        variants[tag.replace("Ș", "Ş").replace("Ț", "Ţ")] = tag  # old cedilla letters, as pages have them
    return variants


_TAG_VARIANTS = _tag_variants()
# A tag is a whole run of capitals at the very start, then an optional separator (FOTO. / VIDEO: /
# LIVE |) and whitespace, and then the headline itself. Longest alternatives first.
_TAG_RE = re.compile(
    r"^(?P<tag>"
    + "|".join(re.escape(v) for v in sorted(_TAG_VARIANTS, key=len, reverse=True))
    + r")(?:[.:!|]| [|/-])?\s+(?=\S)"
)


def split_tag(text: str) -> tuple[str | None, str]:
    """Split a leading rail tag off a headline: ``"INEDIT Ce a găsit…"`` -> ``("INEDIT", "Ce a găsit…")``.

    Returns the canonical tag (``CONTROVERSA`` and ``CONTROVERSĂ`` give ``"CONTROVERSĂ"``) and the rest
    of the text as given, or ``(None, text)`` when the headline has no tag: an ordinary capitalised
    first word (a name, an acronym such as BNR or DNA) is never taken for one. Leading whitespace is
    ignored; pass normalised text to get a normalised rest.
    """
    text = text.lstrip()
    match = _TAG_RE.match(text)
    if match is None:
        return None, text
    return _TAG_VARIANTS[match.group("tag")], text[match.end():]


# Structure markers: clickbait withholds at sentence starts ("... . Ce au discutat") and in questions,
# which bag-of-words features cannot see. Marker words make position visible to word n-grams:
# "xxs ce" is a sentence-initial "ce", unlike "după ce"; "xxcolon" is an answer that follows.
MARKERS = ("xxbos", "xxeos", "xxs", "xxq", "xxcolon")
_SENTENCE_END = re.compile(r"([.!?]+)\s+(?=\S)")


def mark_structure(body: str) -> str:
    """Add structure marker words to a lower-cased feature text (see MARKERS)."""
    body = _SENTENCE_END.sub(r"\1 xxs ", body)
    body = body.replace("?", "? xxq ").replace(":", ": xxcolon ")
    return _SPACES.sub(" ", f"xxbos {body} xxeos")


def prepare(text: str, fold_diacritics: bool = False, markers: bool = False) -> tuple[str | None, str]:
    """(rail tag, feature text) of a headline. The feature text is what the vectoriser sees:
    the first MAX_CHARS characters, normalised, tag removed, lower-cased (and, as the model was
    trained: without diacritics, with structure markers). A blank text gives an empty feature text."""
    tag, body = split_tag(normalize(text[:MAX_CHARS]))
    body = body.lower()
    if fold_diacritics:
        body = strip_diacritics(body)
    if markers and body:
        body = mark_structure(body)
    return tag, body


def feature_text(text: str, fold_diacritics: bool = False, markers: bool = False) -> str:
    """The string the vectoriser sees for ``text`` (see :func:`prepare`)."""
    return prepare(text, fold_diacritics, markers)[1]
