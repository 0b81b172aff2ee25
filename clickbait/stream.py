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
import re
import select
from typing import Iterator

CHUNK_LINES = 1024
_CELL_SPACES = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_LINE_BREAKERS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))
READ_BYTES = 1 << 20


class LineReader:
    """Chunks of decoded lines from a file descriptor; ``bad_lines`` counts lines with invalid UTF-8."""

    def __init__(self, fd: int, chunk_lines: int = CHUNK_LINES):
        self.fd = fd
        self.chunk_lines = chunk_lines
        self.bad_lines = 0
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
        eof = False
        while not eof:
            data = os.read(self.fd, READ_BYTES)
            if not data:
                eof = True
            else:
                pending += data
                cut = pending.rfind(b"\n")
                if cut >= 0:
                    lines.extend(pending[:cut].split(b"\n"))
                    pending = pending[cut + 1 :]
                # Keep reading while more input is already waiting and the chunk is not full;
                # otherwise score what we have, so interactive input gets its answer at once.
                if len(lines) < self.chunk_lines and self._more_ready():
                    continue
            if eof and pending:
                lines.append(pending)
                pending = b""
            while len(lines) >= self.chunk_lines or (lines and (eof or not self._more_ready())):
                batch, lines = lines[: self.chunk_lines], lines[self.chunk_lines :]
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


def format_records(records: list[dict], fmt: str, columns: list[str]) -> str:
    """Records as jsonl or tsv text, one line per record, ending with a newline (or empty)."""
    if not records:
        return ""
    if fmt == "jsonl":
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
        text = "\n".join(dumps(r) for r in records) + "\n"
        # Characters some readers take for line ends stay escaped, so one record is one line for all.
        for ch, esc in _LINE_BREAKERS:
            if ch in text:
                text = text.replace(ch, esc)
        return text
    if fmt == "tsv":
        return "\n".join("\t".join(tsv_cell(r.get(c)) for c in columns) for r in records) + "\n"
    raise ValueError(fmt)
