"""Line input and record output for pipes: one record per input line, in order, as input arrives.

Input is read from a file descriptor with ``os.read``, so a line typed or written into an open pipe
is scored as soon as it arrives, while a file or a fast pipe is read in large blocks and scored in
chunks of up to ``CHUNK_LINES`` lines (memory stays flat however long the input is).
Lines are split on ``\\n`` only (a stray ``\\r``, form feed or U+2028 inside a line never splits it),
a final ``\\r`` is dropped (CR LF files), a UTF-8 BOM at the start is dropped, and bytes that are not
UTF-8 are replaced by U+FFFD and counted.
"""

from __future__ import annotations

import json
import os
from json.encoder import encode_basestring as _json_string  # the C encoder json.dumps uses (ensure_ascii=False)
import re
import select
from typing import Iterator

CHUNK_LINES = 1024
CHUNK_BYTES = 1 << 20  # a chunk also ends once it holds this many bytes: memory stays flat whatever the line lengths
_CELL_SPACES = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_LINE_BREAKERS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))
READ_BYTES = 1 << 20


class LineReader:
    """Chunks of decoded lines from a file descriptor; ``bad_lines`` counts lines with invalid UTF-8."""

    def __init__(self, fd: int, chunk_lines: int = CHUNK_LINES, chunk_bytes: int = CHUNK_BYTES):
        self.fd = fd
        self.chunk_lines = chunk_lines
        self.chunk_bytes = chunk_bytes
        self.bad_lines = 0
        self.bytes_read = 0
        self.lines_read = 0
        self._first = True

    def _more_ready(self) -> bool:
        try:
            ready, _, _ = select.select([self.fd], [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(ready)

    def chunks(self) -> Iterator[list[str]]:
        pending = b""
        lines: list[bytes] = []
        held = 0  # bytes in ``lines``
        eof = False
        while not eof:
            data = os.read(self.fd, READ_BYTES)
            if not data:
                eof = True
            else:
                self.bytes_read += len(data)
                pending += data
                cut = pending.rfind(b"\n")
                if cut >= 0:
                    lines.extend(pending[:cut].split(b"\n"))
                    held += cut
                    pending = pending[cut + 1 :]
                # Keep reading while more input is already waiting and the chunk is not full;
                # otherwise score what we have, so interactive input gets its answer at once.
                if len(lines) < self.chunk_lines and held < self.chunk_bytes and self._more_ready():
                    continue
            if eof and pending:
                lines.append(pending)
                held += len(pending)
                pending = b""
            while lines and (len(lines) >= self.chunk_lines or held >= self.chunk_bytes or eof or not self._more_ready()):
                take, size = 0, 0
                while take < len(lines) and take < self.chunk_lines and (take == 0 or size + len(lines[take]) <= self.chunk_bytes):
                    size += len(lines[take]) + 1
                    take += 1
                batch, lines = lines[:take], lines[take:]
                held = max(0, held - size)
                self.lines_read += len(batch)
                yield self.decode(batch)

    def decode(self, batch: list[bytes]) -> list[str]:
        try:
            text = b"\n".join(batch).decode("utf-8")
            out = text.split("\n")
        except UnicodeDecodeError:
            out = []
            for raw in batch:
                try:
                    out.append(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    self.bad_lines += 1
                    out.append(raw.decode("utf-8", errors="replace"))
        if self._first and out:
            self._first = False
            if out[0].startswith("\ufeff"):
                out[0] = out[0][1:]
        return [line[:-1] if line.endswith("\r") else line for line in out]


def tsv_cell(value: object) -> str:
    """A TSV cell: None is empty, booleans are true/false, tabs and line breaks become spaces."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if not text.isprintable():
        text = _CELL_SPACES.sub(" ", text)
    return text


def _escape_breakers(text: str) -> str:
    # Characters some readers take for line ends stay escaped, so one record is one line for all.
    for ch, esc in _LINE_BREAKERS:
        if ch in text:
            text = text.replace(ch, esc)
    return text


def format_scored(scored, fmt: str) -> str:
    """The records of a :class:`clickbait.model.Scored` as jsonl or tsv text, without building them:
    one line per text, ending with a newline (or empty). Same bytes as :func:`format_records` of
    ``scored.records()`` for jsonl (the test suite checks it)."""
    n = len(scored)
    if not n:
        return ""
    probs = scored.probability.tolist()
    cut = scored.threshold
    shorts = ["true" if s else "false" for s in scored.short]
    if fmt == "jsonl":
        enc = _json_string
        tags = ["null" if t is None else enc(t) for t in scored.tags]
        lines = []
        for text, tag, p, short, reason in zip(scored.texts, tags, probs, shorts, scored.reasons):
            if p != p:
                lines.append(f'{{"headline": {enc(text)}, "tag": {tag}, "probability": null, "clickbait": null, '
                             f'"short": {short}, "reason": {enc(reason)}}}')
            else:
                lines.append(f'{{"headline": {enc(text)}, "tag": {tag}, "probability": {p!r}, '
                             f'"clickbait": {"true" if p >= cut else "false"}, "short": {short}, "reason": null}}')
        return _escape_breakers("\n".join(lines) + "\n")
    if fmt == "tsv":
        cell = tsv_cell
        lines = []
        for text, tag, p, short, reason in zip(scored.texts, scored.tags, probs, shorts, scored.reasons):
            if p != p:
                lines.append(f"{cell(text)}\t{tag or ''}\t\t\t{short}\t{reason}")
            else:
                lines.append(f"{cell(text)}\t{tag or ''}\t{p!r}\t{'true' if p >= cut else 'false'}\t{short}\t")
        return "\n".join(lines) + "\n"
    raise ValueError(fmt)


def format_records(records: list[dict], fmt: str, columns: list[str]) -> str:
    """Records as jsonl or tsv text, one line per record, ending with a newline (or empty)."""
    if not records:
        return ""
    if fmt == "jsonl":
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
        return _escape_breakers("\n".join(dumps(r) for r in records) + "\n")
    if fmt == "tsv":
        return "\n".join("\t".join(tsv_cell(r.get(c)) for c in columns) for r in records) + "\n"
    raise ValueError(fmt)
