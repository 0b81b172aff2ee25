"""Reading labelled headline files: CSV / TSV / semicolon-separated, JSON Lines, JSON arrays.

A file names a text column (``headline``, ``title`` or ``text``) and a label column (``label``,
``category`` or ``clickbait``) with values 1/0, clickbait/nonclickbait, true/false (yes/no too).
Every problem is a :class:`ClickbaitError` naming the file and the 1-based line, as an editor shows it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from clickbait.errors import ClickbaitError
from clickbait.files import read_bytes
from clickbait.table import pick_column
from clickbait.table import sniff_delimiter, strict_rows
from clickbait.text import normalize

TEXT_COLUMNS = ("headline", "title", "text")
LABEL_COLUMNS = ("label", "category", "clickbait")
_POSITIVE = {"1", "clickbait", "true", "yes", "cb"}
_NEGATIVE = {"0", "nonclickbait", "non-clickbait", "non_clickbait", "not clickbait", "notclickbait", "false", "no", "ncb"}
MIN_PER_CLASS = 10


@dataclass
class Example:
    text: str
    label: int
    where: str  # "file:line"
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Dataset:
    examples: list[Example]
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [e.text for e in self.examples]

    @property
    def labels(self) -> list[int]:
        return [e.label for e in self.examples]

    def counts(self) -> dict[int, int]:
        out = {0: 0, 1: 0}
        for e in self.examples:
            out[e.label] += 1
        return out


def parse_label(value: object) -> int | None:
    """1 for clickbait, 0 for not, None for a value that is neither."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    if isinstance(value, str):
        v = value.strip().lower()
        if v in _POSITIVE or v in ("1.0", "1.00"):
            return 1
        if v in _NEGATIVE or v in ("0.0", "0.00"):
            return 0
    return None


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ClickbaitError(f"unknown encoding {encoding!r}") from None
    # A byte-order mark says the encoding better than any option (Excel and Notepad write them).
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif len(data) >= 4 and data[1:4:2] == b"\0\0" and data[0] and data[2]:
        encoding = "utf-16-le"  # UTF-16 without a mark: every other byte is zero
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ClickbaitError(
            f"{path}:{line}: not valid {encoding} text (byte 0x{data[exc.start]:02x}); "
            f"give the file's encoding with --encoding, for example --encoding cp1250"
        ) from None
    return text.lstrip("\ufeff")


def read_file(path: str | Path, delimiter: str | None = None, encoding: str = "utf-8") -> list[Example]:
    """The examples of one labelled file, in file order, each with its file:line."""
    path = Path(path)
    text = _decode(path, read_bytes(path, "data file"), encoding)
    if not text.strip():
        raise ClickbaitError(f"{path}: empty file")
    suffix = path.suffix.lower()
    stripped = text.lstrip()
    if suffix in (".jsonl", ".ndjson") or (suffix == ".json" and not stripped.startswith("[")):
        return _read_jsonl(path, text)
    if suffix == ".json":
        return _read_json_array(path, text)
    return _read_delimited(path, text, delimiter)


def _record(path: Path, line: int, obj: object) -> Example:
    where = f"{path}:{line}"
    if not isinstance(obj, dict):
        raise ClickbaitError(f"{where}: expected an object with a text and a label field")
    text_key = pick_column(obj.keys(), TEXT_COLUMNS)
    label_key = pick_column(obj.keys(), LABEL_COLUMNS)
    if text_key is None or label_key is None:
        missing = "text field (headline, title or text)" if text_key is None else "label field (label, category or clickbait)"
        raise ClickbaitError(f"{where}: no {missing}")
    return _example(where, obj[text_key], obj[label_key], {k: v for k, v in obj.items() if isinstance(v, str)})


_TYPE_NAMES = {int: "a number", float: "a number", bool: "true/false", list: "a list", dict: "an object", type(None): "null"}


def _example(where: str, text: object, label_value: object, fields: dict) -> Example:
    if not isinstance(text, str):
        raise ClickbaitError(f"{where}: the headline is {_TYPE_NAMES.get(type(text), type(text).__name__)}, not text")
    if not normalize(text):
        raise ClickbaitError(f"{where}: empty headline text")
    label = parse_label(label_value)
    if label is None:
        shown = "empty (null)" if label_value is None or label_value == "" else repr(label_value)
        raise ClickbaitError(
            f"{where}: the label is {shown}; use 1/0, clickbait/nonclickbait or true/false"
        )
    return Example(text=text, label=label, where=where, fields=fields)


def _read_jsonl(path: Path, text: str) -> list[Example]:
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ClickbaitError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        out.append(_record(path, number, obj))
    return out


def _read_json_array(path: Path, text: str) -> list[Example]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClickbaitError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(items, list):
        raise ClickbaitError(f"{path}:1: expected a JSON array of objects")
    # Line numbers of array items: find each object's opening brace at depth 1.
    starts = _object_lines(text)
    return [_record(path, starts[i] if i < len(starts) else 1, obj) for i, obj in enumerate(items)]


def _object_lines(text: str) -> list[int]:
    lines, depth, line, in_str, esc = [], 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if ch == "{" and depth == 2:
                lines.append(line)
        elif ch in "]}":
            depth -= 1
    return lines


def _read_delimited(path: Path, text: str, delimiter: str | None) -> list[Example]:
    first = text.split("\n", 1)[0].strip()
    skipped = 0
    if first.lower().startswith("sep=") and len(first) == 5:  # Excel's separator line
        delimiter = delimiter or first[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        skipped = 1
    header_line = text.split("\n", 1)[0]
    delim = delimiter if delimiter else sniff_delimiter(path, header_line)
    if delim == "\\t":
        delim = "\t"
    if len(delim) != 1:
        raise ClickbaitError(f"delimiter must be one character, got {delim!r}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    offset = skipped
    try:
        header = next(reader)
    except StopIteration:
        raise ClickbaitError(f"{path}: empty file") from None
    except csv.Error as exc:
        raise ClickbaitError(f"{path}:1: bad header ({exc})") from None
    text_col = pick_column(header, TEXT_COLUMNS)
    label_col = pick_column(header, LABEL_COLUMNS)
    if text_col is None or label_col is None:
        missing = "text column (headline, title or text)" if text_col is None else "label column (label, category or clickbait)"
        shown = ", ".join(repr(h) for h in header[:8])
        raise ClickbaitError(f"{path}:1: the header has no {missing}; it has {shown}")
    ti, li = header.index(text_col), header.index(label_col)
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    out = []
    for line, row in strict_rows(reader, str(path), offset):
        if not row or all(not c.strip() for c in row):
            continue  # blank line (a trailing one, or a separator)
        where = f"{path}:{line}"
        if len(row) <= max(ti, li):
            raise ClickbaitError(f"{where}: expected {len(header)} columns separated by {delim!r}, found {len(row)}")
        fields = {names[i]: row[i] for i in range(min(len(names), len(row)))}
        out.append(_example(where, row[ti], row[li], fields))
    return out


def read_plain(path: str | Path, label: int, encoding: str = "utf-8") -> list[Example]:
    """A plain text file of one class: one headline per line (the Stop Clickbait layout); blank lines skipped."""
    path = Path(path)
    text = _decode(path, read_bytes(path, "text file"), encoding)
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if normalize(line):
            out.append(Example(text=line, label=label, where=f"{path}:{number}"))
    return out


def load(paths: Sequence[str | Path], delimiter: str | None = None, encoding: str = "utf-8",
         plain: dict[int, Sequence[str | Path]] | None = None) -> Dataset:
    """Read and check labelled files for training (and ``plain`` text files of one class each:
    ``{1: [clickbait files], 0: [other files]}``).

    Duplicates (after normalisation) with the same label are merged with a warning; with conflicting
    labels they are an error naming both lines. Both classes need at least MIN_PER_CLASS rows.
    """
    plain = plain or {}
    if not paths and not any(plain.values()):
        raise ClickbaitError("no training data given")
    examples: list[Example] = []
    for p in paths:
        got = read_file(p, delimiter=delimiter, encoding=encoding)
        if not got:
            raise ClickbaitError(f"{p}: no labelled rows")
        examples.extend(got)
    for label, files in plain.items():
        for p in files:
            got = read_plain(p, label, encoding=encoding)
            if not got:
                raise ClickbaitError(f"{p}: no headlines")
            examples.extend(got)
    paths = list(paths) + [p for files in plain.values() for p in files]
    kept: list[Example] = []
    seen: dict[str, Example] = {}
    merged = 0
    warnings = []
    for e in examples:
        key = normalize(e.text)
        first = seen.get(key)
        if first is None:
            seen[key] = e
            kept.append(e)
        elif first.label != e.label:
            raise ClickbaitError(
                f"{e.where}: the headline of {first.where} again with the opposite label "
                f"({e.label} vs {first.label}): {key[:80]!r}"
            )
        else:
            merged += 1
            if merged <= 5:
                warnings.append(f"{e.where}: duplicate of {first.where}, merged")
    if merged > 5:
        warnings.append(f"{merged} duplicate headlines merged in all")
    ds = Dataset(examples=kept, warnings=warnings, files=[str(p) for p in paths])
    counts = ds.counts()
    where = ", ".join(str(p) for p in paths)
    if counts[0] == 0 or counts[1] == 0:
        only = "clickbait" if counts[1] else "non-clickbait"
        raise ClickbaitError(f"{where}: every row is {only}; training needs both classes")
    for label, n in counts.items():
        if n < MIN_PER_CLASS:
            name = "clickbait" if label else "non-clickbait"
            raise ClickbaitError(f"{where}: only {n} {name} rows; training needs at least {MIN_PER_CLASS} per class")
    return ds


def load_dev(paths: Sequence[str | Path], train: Dataset, delimiter: str | None = None, encoding: str = "utf-8") -> Dataset:
    """A development file for model selection: labelled like training data, with both classes, and
    no headline that is also in the training data (that would measure memory, not generalisation)."""
    examples: list[Example] = []
    for p in paths:
        examples.extend(read_file(p, delimiter=delimiter, encoding=encoding))
    if not examples:
        raise ClickbaitError(f"{', '.join(map(str, paths))}: no labelled rows")
    seen = {normalize(e.text).lower(): e for e in train.examples}
    for e in examples:
        hit = seen.get(normalize(e.text).lower())
        if hit is not None:
            raise ClickbaitError(f"{e.where}: this dev headline is also training data ({hit.where}); "
                                 f"remove it from one of them: {e.text[:80]!r}")
    labels = {e.label for e in examples}
    if len(labels) < 2:
        raise ClickbaitError(f"{', '.join(map(str, paths))}: the dev data need both classes to choose settings")
    return Dataset(examples=examples, files=[str(p) for p in paths])
