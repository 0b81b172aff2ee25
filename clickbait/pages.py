"""The page extractor: headlines from news pages saved as plain text (text in, records out).

Layout read (see ``../shared/seed/README.md``): a breadcrumb ``Prima pagină » …``, the article
headline (often repeated), author and date lines and body paragraphs; ``RECOMANDAREA AUTORULUI:``
with recommended headlines; ``Citește și`` opening a rail of items ``TAG Headline`` / ``HH:MM`` /
``Headline`` (one record each) with a partner block of ``Source`` / ``Headline`` pairs inside it;
furniture lines (``Recomandarea video``, ``Cele mai noi``, ``Trimite acest link pe``) that close a
section. Nothing from the body, the author or date lines or the furniture is ever emitted, and a
headline is emitted once per page (first occurrence wins).
"""

from __future__ import annotations

import re
from pathlib import Path

from clickbait.errors import ClickbaitError
from clickbait.text import normalize, split_tag, strip_diacritics

COLUMNS = ("headline", "tag", "time", "source", "section", "page")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")
MAX_PAGE_BYTES = 20_000_000


def _key(line: str) -> str:
    """Furniture comparison key: normalised, lower case, no diacritics, no trailing colon."""
    return strip_diacritics(normalize(line)).lower().rstrip(":").strip()


_RAIL = {"citeste si", "citeste si:"}
_RECOMMENDED = {"recomandarea autorului"}
_CLOSERS = {"recomandarea video", "cele mai noi", "trimite acest link pe", "distribuie", "comentarii"}


def _is_time(line: str) -> bool:
    return bool(_TIME.match(line.strip()))


def _is_breadcrumb(line: str) -> bool:
    """``Prima pagină » Sport » …``, ``Acasă » Sport » Fotbal``, ``Home › Știri``: a trail of sections."""
    for sep in ("»", "›"):
        if sep in line:
            parts = [p.strip() for p in line.split(sep)]
            if len(parts) >= 2 and all(parts[:-1]) and all(len(p.split()) <= 4 for p in parts[:-1]):
                return True
    return False


_SOURCE_END = re.compile(r"[.!?:;,]$")


def _looks_like_source(line: str, following: str | None) -> bool:
    """A partner block's site name (``Mediafax``, ``Cancan.ro``, ``Ce se întâmplă doctore``): short,
    no sentence punctuation at the end, and followed by a longer headline."""
    words = line.split()
    if not words or len(words) > 4 or len(line) > 32 or _SOURCE_END.search(line) or _is_time(line):
        return False
    return following is not None and len(following.split()) > len(words)


def extract(text: str, page: str = "") -> list[dict]:
    """The headline records of one page, in page order."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [ln.lstrip("\ufeff") for ln in lines]
    records: list[dict] = []
    seen: set[str] = set()

    def emit(headline: str, section: str, tag: str | None = None, time: str | None = None, source: str | None = None) -> None:
        if tag is None:
            tag, rest = split_tag(headline)
            if tag is not None:
                headline = rest.strip()
        key = normalize(headline)
        if not key or key in seen:
            return
        seen.add(key)
        records.append({"headline": headline, "tag": tag, "time": time, "source": source, "section": section, "page": page})

    content = [ln for ln in lines]
    state = "start"
    i, n = 0, len(content)
    while i < n:
        line = content[i]
        if not line:
            i += 1
            continue
        key = _key(line)
        if _is_breadcrumb(line):
            i += 1
            continue
        if key in _RAIL:
            state, i = "rail", i + 1
            continue
        if key in _RECOMMENDED:
            state, i = "recommended", i + 1
            continue
        if key in _CLOSERS:
            state, i = "closed", i + 1
            continue
        if state == "start":
            emit(line, "article")
            state, i = "body", i + 1
        elif state in ("body", "closed"):
            i += 1  # author, date, body paragraphs, furniture content: never headlines
        elif state == "recommended":
            emit(line, "recommended")
            i += 1
        else:  # rail
            i = _rail_item(content, i, emit)
    return records


def _next_nonblank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i]:
        i += 1
    return i


def _rail_item(lines: list[str], i: int, emit) -> int:
    """Read one rail item or partner pair starting at line i; return the index after it."""
    line = lines[i]
    j = _next_nonblank(lines, i + 1)
    nxt = lines[j] if j < len(lines) else None
    if nxt is not None and _is_time(nxt):
        tag, rest = split_tag(line)
        rest = rest.strip()
        k = _next_nonblank(lines, j + 1)
        after = j + 1
        # The rail repeats the headline (without its tag) under the time: merge it into this record.
        if k < len(lines) and normalize(lines[k]) in (normalize(rest), normalize(line)):
            rest = lines[k]
            after = k + 1
        emit(rest, "rail", tag=tag, time=nxt.strip())
        return after
    if nxt is None or _key(nxt) in _RAIL | _RECOMMENDED | _CLOSERS:
        return i + 1  # a lone line before furniture: not a headline we can place
    k = _next_nonblank(lines, j + 1)
    if k < len(lines) and _is_time(lines[k]):
        # line i stands alone before a rail item: a headline without a time, unless it names a source
        if not _looks_like_source(line, nxt):
            emit(line, "rail")
        return i + 1
    if not _looks_like_source(line, nxt):
        emit(line, "rail")  # a rail without time lines: every line is a headline
        return i + 1
    tag, rest = split_tag(nxt)
    emit(rest.strip(), "partner", tag=tag, source=line)
    return j + 1


def is_page(text: str) -> bool:
    """Whether a text is a saved news page rather than a list of titles: its first line is a
    breadcrumb, or a line is page furniture (``Citește și``, ``RECOMANDAREA AUTORULUI:``, …)."""
    furniture = _RAIL | _RECOMMENDED | _CLOSERS
    first = True
    for line in text.replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        if first and _is_breadcrumb(line):
            return True
        first = False
        if len(line) <= 40 and _key(line) in furniture:
            return True
    return False


_HTML = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<\?xml|<body)", re.IGNORECASE)


def check_page(data: bytes, where: str) -> str:
    """The text of a saved page, or a :class:`ClickbaitError` for what is not one (empty, binary, HTML)."""
    if not data.strip():
        raise ClickbaitError(f"{where}: empty page")
    head = data[:65536]
    if _HTML.match(head.lstrip(b"\xef\xbb\xbf")):
        raise ClickbaitError(f"{where}: an HTML page, not a page saved as text; save it as text "
                             f"(in the browser: Save page as… > Text files, or copy the page into a .txt file)")
    controls = sum(head.count(bytes([c])) for c in range(0, 32) if c not in (9, 10, 12, 13))
    if b"\0" in head or controls > max(16, len(head) // 50):
        raise ClickbaitError(f"{where}: a binary file, not a page saved as text")
    return data.decode("utf-8", errors="replace")


def extract_file(path: str | Path) -> list[dict]:
    """Read a saved page (UTF-8; invalid bytes replaced) and extract its records; ``page`` is the path
    as given."""
    from clickbait.files import read_bytes

    shown = str(path)
    data = read_bytes(path, "saved news page", limit=MAX_PAGE_BYTES)
    return extract(check_page(data, shown), page=shown)
