"""Reading a table of titles (CSV, TSV, JSON Lines) as a stream of rows, and writing it back with
scores appended, in the input's own format.

Used by `clickbait score --input FILE --column NAME` and `clickbait share`. Rows come in batches
(memory stays flat); every input row gives exactly one output row, in order: a row without the
text column, or one that cannot be parsed, is reported (1-based line) and written with empty score
fields rather than dropped. No printing here: problems are returned for the CLI to show.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from clickbait.errors import ClickbaitError

TEXT_COLUMNS = ("headline", "title", "text")
BATCH = 1024
SCORE_FIELDS = ("tag", "probability", "clickbait")


@dataclass
class Row:
    """One input row: its 1-based line, its parsed fields (a list for CSV/TSV, a dict for JSONL, or
    None when it could not be parsed), its raw text, and the headline to score (None if missing)."""

    line: int
    fields: list | dict | None
    raw: str
    text: str | None
    problem: str | None = None


@dataclass
class Table:
    """An open table: its kind (csv, tsv, jsonl), header, text column and delimiter."""

    path: str
    kind: str
    stream: io.TextIOBase
    column: str | None
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    index: int | None = None
    first_line: int = 1  # the file line of the first data row
    problems: int = 0

    def batches(self, size: int = BATCH) -> Iterator[list[Row]]:
        batch: list[Row] = []
        for row in self._rows():
            if row.problem:
                self.problems += 1
            batch.append(row)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _rows(self) -> Iterator[Row]:
        if self.kind == "jsonl":
            yield from self._json_rows()
        else:
            yield from self._csv_rows()

    def _json_rows(self) -> Iterator[Row]:
        for n, raw in enumerate(self.stream, start=self.first_line):
            raw = raw.rstrip("\n").rstrip("\r")
            if not raw.strip():
                yield Row(n, None, raw, None, f"{self.path}:{n}: blank line")
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield Row(n, None, raw, None, f"{self.path}:{n}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                yield Row(n, None, raw, None, f"{self.path}:{n}: not a JSON object")
                continue
            key = self.column or pick_column(obj.keys())
            value = obj.get(key) if key else None
            if not isinstance(value, str):
                kinds = {int: "a number", float: "a number", bool: "true/false", list: "a list", dict: "an object"}
                what = "has no" if value is None else f"has {kinds.get(type(value), type(value).__name__)} in"
                yield Row(n, obj, raw, None, f"{self.path}:{n}: {what} text field {key or '(headline, title or text)'}")
                continue
            yield Row(n, obj, raw, value)

    def _csv_rows(self) -> Iterator[Row]:
        reader = csv.reader(self.stream, delimiter=self.delimiter)
        last = self.first_line - 1
        while True:
            start = last + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                last = max(start, reader.line_num + self.first_line - 1)
                yield Row(start, None, "", None, f"{self.path}:{start}: bad {self.kind.upper()} ({exc})")
                continue
            last = reader.line_num + self.first_line - 1
            if self.index is None or len(fields) <= self.index:
                yield Row(start, fields, "", None, f"{self.path}:{start}: no {self.column!r} field "
                          f"(expected {len(self.header)} fields separated by {self.delimiter!r}, found {len(fields)})")
                continue
            yield Row(start, fields, "", fields[self.index])

    # -- output in the input's format -------------------------------------------------------------
    def head(self) -> str:
        """The output's header line (CSV/TSV), or '' (JSONL)."""
        if self.kind == "jsonl":
            return ""
        return _csv_line(self.header + list(SCORE_FIELDS), self.delimiter)

    def out_row(self, row: Row, score: dict | None) -> str:
        """One output line: the row as given, with tag, probability and clickbait appended (empty
        when the row has no score)."""
        tag = None if score is None else score["tag"]
        prob = None if score is None else score["probability"]
        decision = None if score is None else score["clickbait"]
        if self.kind == "jsonl":
            if isinstance(row.fields, dict):
                obj = {**row.fields, "tag": tag, "probability": prob, "clickbait": decision}
            else:
                obj = {"line": row.line, "raw": row.raw, "tag": None, "probability": None, "clickbait": None,
                       "error": row.problem}
            return json.dumps(obj, ensure_ascii=False) + "\n"
        base = list(row.fields) if isinstance(row.fields, list) else []
        base += [""] * (len(self.header) - len(base))
        cells = ["" if tag is None else tag, "" if prob is None else repr(prob),
                 "" if decision is None else ("true" if decision else "false")]
        return _csv_line(base + cells, self.delimiter)


def _csv_line(cells: list, delimiter: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def pick_column(names, wanted=TEXT_COLUMNS) -> str | None:
    """The first of ``wanted`` found among ``names`` (case, spaces and a leading BOM ignored), as
    ``names`` spell it; None if none is there. Shared by every reader of tables (score, share,
    label, the trainer)."""
    lower = {n.strip().lower().lstrip("\ufeff"): n for n in names if isinstance(n, str)}
    for w in wanted:
        if w.lower() in lower:
            return lower[w.lower()]
    return None


def sniff_delimiter(path: Path, header: str) -> str:
    """The delimiter of a CSV/TSV file that stops at a bad row (the trainer's and `label`'s tables):
    a tab for .tsv, else the commonest of comma, semicolon and tab in the header, else a comma."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def strict_rows(reader, where: str, offset: int = 0) -> Iterator[tuple[int, list[str]]]:
    """(line, row) for each row of a ``csv.reader``, ``line`` being the row's first physical line plus
    ``offset``; a malformed row raises a ClickbaitError naming ``where:line`` (for readers that stop
    at a bad row, unlike :class:`Table`, which keeps it)."""
    last = reader.line_num
    while True:
        start = last + 1 + offset
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ClickbaitError(f"{where}:{start}: bad CSV ({exc})") from None
        last = reader.line_num
        yield start, row


def kind_of(path: str, first_line: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".tsv":
        return "tsv"
    if suffix == ".csv":
        return "csv"
    if first_line.lstrip().startswith("{"):
        return "jsonl"
    return "tsv" if first_line.count("\t") > first_line.count(",") else "csv"


def open_table(path: str, column: str | None = None, delimiter: str | None = None, encoding: str = "utf-8") -> Table:
    """Open a CSV/TSV/JSONL file (``-`` for standard input) for streaming; the text column is
    ``column`` or the first of headline, title, text. Raises ClickbaitError for what cannot be read."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ClickbaitError(f"unknown encoding {encoding!r}") from None
    try:
        if path == "-":
            binary = sys.stdin.buffer
        else:
            if Path(path).is_dir():
                raise ClickbaitError(f"{path}: is a folder, not a table")
            binary = open(path, "rb")
    except FileNotFoundError:
        raise ClickbaitError(f"{path}: no such file") from None
    except OSError as exc:
        raise ClickbaitError(f"{path}: cannot read ({exc.strerror or exc})") from None
    head = binary.peek(4)[:4] if hasattr(binary, "peek") else b""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    stream = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    first = stream.readline()
    first_line_no = 1
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter = delimiter or first.strip()[4]
        first = stream.readline()
        first_line_no = 2
    if not first:
        raise ClickbaitError(f"{path}: empty file")
    kind = "jsonl" if (delimiter is None and kind_of(path, first) == "jsonl") else None
    if kind == "jsonl":
        # The first line is a data row: put it back in front of the stream.
        stream = _Prepend(first, stream)
        return Table(path, "jsonl", stream, column, first_line=first_line_no)
    if delimiter in ("\\t", "tab"):
        delimiter = "\t"
    if delimiter is None:
        kind = kind_of(path, first)
        delimiter = "\t" if kind == "tsv" else max((",", ";"), key=first.count)
    if len(delimiter) != 1:
        raise ClickbaitError(f"delimiter must be one character, got {delimiter!r}")
    header = next(csv.reader([first], delimiter=delimiter))
    name = column if column is not None else pick_column(header)
    if name is None or name not in header:
        shown = ", ".join(repr(h) for h in header[:8])
        wanted = repr(column) if column else "text column (headline, title or text)"
        raise ClickbaitError(f"{path}:{first_line_no}: the header has no {wanted}; it has {shown}")
    return Table(path, "tsv" if delimiter == "\t" else "csv", stream, name, delimiter, header, header.index(name),
                 first_line=first_line_no + 1)


class _Prepend(io.TextIOBase):
    """A text stream with one line put back in front."""

    def __init__(self, first: str, rest: io.TextIOBase):
        self._first, self._rest = first, rest

    def __iter__(self):
        if self._first is not None:
            first, self._first = self._first, None
            yield first
        yield from self._rest


def spool_stdin() -> str:
    """Copy standard input to a temporary file (for the two passes of `--prior auto`); returns its path."""
    import tempfile

    fd, path = tempfile.mkstemp(prefix="clickbait-input-", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        while True:
            data = sys.stdin.buffer.read(1 << 20)
            if not data:
                break
            fh.write(data)
    return path
