"""Text normalisation and rail-tag detection: pure functions shared by training and scoring.

Everything the model sees passes through :func:`normalize` (and then :func:`feature_text`), so a
headline written with cedilla letters (ş ţ) or comma-below letters (ș ț), typographic or plain
quotes, scores the same at training and at scoring time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

# Only the first MAX_CHARS characters of a line are scored. Real titles run 40-200 characters;
# the bound keeps a pathological 1 MB line from costing more than a normal one.
MAX_CHARS = 1000

_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2036\u301d\u301e\uff02"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u2035`\u00b4"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"


def _build_table() -> dict[str, str]:
    """Character -> replacement for every character :func:`normalize` maps (apart from the newline,
    which separates the lines of a chunk; on its own line it is a control character like the rest)."""
    table: dict[str, str] = {}
    for ch in _DOUBLE_QUOTES:
        table[ch] = '"'
    for ch in _SINGLE_QUOTES:
        table[ch] = "'"
    for ch in _DASHES:
        table[ch] = "-"
    for ch in _ZERO_WIDTH:
        table[ch] = ""
    table["\u2026"] = "..."
    # C0 and C1 control characters (NUL, escape sequences, ...) and every other Unicode space become spaces.
    for cp in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)):
        table[chr(cp)] = " "
    for cp in range(0xA0, 0x3001):
        if chr(cp).isspace():
            table[chr(cp)] = " "
    table.update({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})
    del table["\n"]
    return table


_TABLE = _build_table()
# One regex pass finds which of the mapped characters a chunk holds; only those are replaced (most
# chunks hold a handful: typographic quotes, a dash), which is many times faster than str.translate.
_NEEDS_MAP = re.compile("[" + "".join(re.escape(c) for c in _TABLE) + "]")
_SPACES = re.compile(r"\s+")
_SPACE_RUNS = re.compile(" {2,}")


def _map_found(text: str, pattern: re.Pattern, table: dict[str, str]) -> str:
    found = set(pattern.findall(text))
    if len(found) > 12:
        return text.translate({ord(c): table[c] for c in found})
    for ch in found:
        text = text.replace(ch, table[ch])
    return text


def _normalize_lines(text: str) -> str:
    """:func:`normalize` applied to each ``\\n``-separated line of ``text`` at once (every step is
    line-local: character maps, NFC, which never composes across a newline, and space runs)."""
    text = _map_found(text, _NEEDS_MAP, _TABLE)
    # Mapping can leave marks that NFC composes anew (s + cedilla -> ş): repeat until stable, so
    # normalize(normalize(x)) == normalize(x).
    for _ in range(8):
        if unicodedata.is_normalized("NFC", text):
            break
        text = _map_found(unicodedata.normalize("NFC", text), _NEEDS_MAP, _TABLE)
    if "  " in text:
        text = _SPACE_RUNS.sub(" ", text)
    if " \n" in text:
        text = text.replace(" \n", "\n")
    if "\n " in text:
        text = text.replace("\n ", "\n")
    return text.strip(" ")


def normalize(text: str) -> str:
    """Return the canonical form of a headline.

    Zero-width characters removed, control characters and Unicode spaces turned into spaces,
    typographic quotes, apostrophes and dashes unified, Unicode NFC, Romanian cedilla letters folded
    to comma-below, whitespace collapsed and stripped. Idempotent.
    """
    return _normalize_lines(text.replace("\n", " "))


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, computed over one joined string."""
    if not texts:
        return []
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text holds a newline of its own
        joined = "\n".join(t.replace("\n", " ") for t in texts)
    return _normalize_lines(joined).split("\n")


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
_ONE_TAG = "(?:" + "|".join(re.escape(v) for v in sorted(_TAG_VARIANTS, key=len, reverse=True)) + ")"
# A tag is a whole run of capitals at the very start (or a run of tags: FOTO/VIDEO, FOTO VIDEO,
# VIDEO | FOTO), then an optional separator (FOTO. / VIDEO: / LIVE |) and whitespace, and then the
# headline itself. Longest alternatives first.
_TAG_RE = re.compile(
    rf"^(?P<tag>{_ONE_TAG}(?:(?:\s*[/|,]\s*|\s+){_ONE_TAG})*)(?:[.:!|]| [|/-])?\s+(?=\S)"
)
_TAG_ONLY_RE = re.compile(rf"^(?P<tag>{_ONE_TAG}(?:(?:\s*[/|,]\s*|\s+){_ONE_TAG})*)\s*[.:!|]?$")
_ONE_TAG_RE = re.compile(_ONE_TAG)
_TAG_FIRST = frozenset(v[0] for v in _TAG_VARIANTS)
_TAG_PREFIX = frozenset(v[:2] for v in _TAG_VARIANTS)  # a cheap first test: the first two letters


def _canonical_tag(run: str) -> str:
    """``FOTO VIDEO`` / ``FOTO/VIDEO`` / ``VIDEO | FOTO`` -> ``FOTO/VIDEO`` / ``VIDEO/FOTO``: each tag
    canonical, in the order written, joined by ``/``."""
    return "/".join(_TAG_VARIANTS[t] for t in _ONE_TAG_RE.findall(run))


def split_tag(text: str) -> tuple[str | None, str]:
    """Split a leading rail tag off a headline: ``"INEDIT Ce a găsit…"`` -> ``("INEDIT", "Ce a găsit…")``.

    Returns the canonical tag (``CONTROVERSA`` and ``CONTROVERSĂ`` give ``"CONTROVERSĂ"``; a run of tags
    such as ``FOTO VIDEO`` gives ``"FOTO/VIDEO"``) and the rest of the text as given, or ``(None, text)``
    when the headline has no tag: an ordinary capitalised first word (a name, an acronym such as BNR or
    DNA) is never taken for one, nor is a tag with no headline after it. Leading whitespace is ignored;
    pass normalised text to get a normalised rest.
    """
    text = text.lstrip()
    if text[:1] not in _TAG_FIRST:
        return None, text
    match = _TAG_RE.match(text)
    if match is None:
        return None, text
    return _canonical_tag(match.group("tag")), text[match.end():]


def tag_only(text: str) -> str | None:
    """The canonical tag when ``text`` (normalised) is nothing but a rail tag (``INEDIT``, ``FOTO/VIDEO:``)."""
    if text[:1] not in _TAG_FIRST:
        return None
    match = _TAG_ONLY_RE.match(text)
    return _canonical_tag(match.group("tag")) if match else None


# Structure markers: clickbait withholds at sentence starts ("... . Ce au discutat") and in questions,
# which bag-of-words features cannot see. Marker words make position visible to word n-grams:
# "xxs ce" is a sentence-initial "ce", unlike "după ce"; "xxcolon" is an answer that follows.
# Markers feed word n-grams only: character n-grams never see them.
MARKERS = ("xxbos", "xxeos", "xxs", "xxq", "xxcolon")
_SENTENCE_END = re.compile(r"(?<=[.!?]) (?=\S)")  # the space after a run of . ! ?, before more text
_FOLD_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")
_FOLD_MAP = {chr(c): (v or "") for c, v in _FOLD.items()}


def _fold_lines(text: str) -> str:
    return _map_found(text, _FOLD_RE, _FOLD_MAP)


def _mark_lines(body: str) -> str:
    """Structure markers for each ``\\n``-separated, normalised, lower-cased line of ``body``."""
    body = _SENTENCE_END.sub(" xxs ", body)
    body = body.replace("?", "? xxq ").replace(":", ": xxcolon ")
    return "xxbos " + body.replace("\n", " xxeos\nxxbos ") + " xxeos"


def mark_structure(body: str) -> str:
    """Add structure marker words to a lower-cased, normalised feature text (see MARKERS)."""
    return _SPACE_RUNS.sub(" ", _mark_lines(body.replace("\n", " ")))


_MARKER_SET = frozenset(MARKERS)
_TOKENS = re.compile(r"\w\w+|\n")  # scikit-learn's default word tokens, and line breaks


def is_word(token: str) -> bool:
    """A word to judge: a token (two or more word characters) with a letter, other than a marker word."""
    return token not in _MARKER_SET and not token.isdigit() and any(c.isalpha() for c in token)


def count_words(joined: str, n: int) -> list[int]:
    """Words to judge (see :func:`is_word`) in each of the ``n`` lines of ``joined``, counted up to 3:
    all that decides is none (no score), one or two (short) or more."""
    counts = [0] * n
    row = 0
    for tok in _TOKENS.findall(joined):
        if tok == "\n":
            row += 1
        elif counts[row] < 3 and is_word(tok):
            counts[row] += 1
    return counts


@dataclass
class Prepared:
    """What the scorer and the trainer see of a list of headlines, per line and as joined text.

    ``joined_plain`` holds the feature texts (first MAX_CHARS characters, normalised, tag removed,
    lower-cased, diacritics folded as the model was trained) joined by ``\\n``; ``joined_marked`` the
    same with structure markers (or None), where space runs are left as they are: word tokens do not
    see them (the per-line ``marked`` texts are collapsed). ``words`` counts the words each line has
    to judge (see :func:`is_word`): 0 means the line gets no score, and ``reasons`` says why.
    """

    tags: list[str | None]
    joined_plain: str
    joined_marked: str | None
    empty: list[bool]
    _words: list[int] | None = None

    @property
    def n(self) -> int:
        return len(self.tags)

    @property
    def words(self) -> list[int]:
        if self._words is None:
            self._words = count_words(self.joined_plain, self.n)
        return self._words

    @property
    def reasons(self) -> list[str | None]:
        out: list[str | None] = []
        for tag, empty, w in zip(self.tags, self.empty, self.words):
            if w:
                out.append(None)
            elif empty:
                out.append("tag only" if tag else "blank")
            else:
                out.append("no words")
        return out

    @property
    def plain(self) -> list[str]:
        return self.joined_plain.split("\n")

    @property
    def marked(self) -> list[str]:
        if self.joined_marked is None:
            return self.plain
        return [_SPACE_RUNS.sub(" ", m) if not e else "" for m, e in zip(self.joined_marked.split("\n"), self.empty)]


def split_tags(lines: list[str]) -> tuple[list[str | None], list[str]]:
    """Rail tags of normalised lines, and the lines without them (a line that is only a tag becomes
    empty)."""
    tags: list[str | None] = [None] * len(lines)
    lines = list(lines)
    for i, line in enumerate(lines):
        if line[:2] in _TAG_PREFIX:
            tag = tag_only(line)
            if tag is not None:
                tags[i], lines[i] = tag, ""
                continue
            tag, rest = split_tag(line)
            if tag is not None:
                tags[i], lines[i] = tag, rest
    return tags, lines


def feature_lines(lines: list[str], fold_diacritics: bool = False, markers: bool = False) -> tuple[str, str | None]:
    """The joined feature texts of tag-free normalised lines: lower-cased (and folded), without and
    with structure markers."""
    joined = "\n".join(lines).lower()
    if fold_diacritics:
        joined = _fold_lines(joined)
    return joined, (_mark_lines(joined) if markers else None)


def prepare_many(texts: Sequence[str], fold_diacritics: bool = False, markers: bool = False) -> Prepared:
    """Rail tags and feature texts of many headlines at once (see :class:`Prepared`)."""
    tags, lines = split_tags(normalize_many([t[:MAX_CHARS] for t in texts]))
    plain, marked = feature_lines(lines, fold_diacritics, markers)
    return Prepared(tags=tags, joined_plain=plain, joined_marked=marked, empty=[not line for line in lines])


def prepare(text: str, fold_diacritics: bool = False, markers: bool = False) -> tuple[str | None, str]:
    """(rail tag, feature text) of a headline. The feature text is what the word vectoriser sees:
    the first MAX_CHARS characters, normalised, tag removed, lower-cased (and, as the model was
    trained: without diacritics, with structure markers). A blank text gives an empty feature text."""
    p = prepare_many([text], fold_diacritics, markers)
    return p.tags[0], p.marked[0]


def feature_text(text: str, fold_diacritics: bool = False, markers: bool = False) -> str:
    """The string the word vectoriser sees for ``text`` (see :func:`prepare`)."""
    return prepare(text, fold_diacritics, markers)[1]
