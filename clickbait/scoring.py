"""The scoring pipeline behind `clickbait score`: where lines come from, how each chunk is scored,
and the two-pass `--prior auto` (estimate the feed's clickbait share, then score with it).

Sources yield chunks of lines; :class:`ScoreJob` turns a chunk into records or output text. No
printing here: the CLI writes what it is given.
"""

from __future__ import annotations

import os
import tempfile
from typing import Iterator

import numpy as np

from clickbait import prior as priors
from clickbait.errors import ClickbaitError
from clickbait.model import Model
from clickbait.stream import LineReader, format_records, format_scored


class ArgumentSource:
    """Headlines given on the command line: one chunk."""

    bad_lines = 0
    size = None

    def __init__(self, lines: list[str]):
        self.lines = lines

    def chunks(self) -> Iterator[list[str]]:
        yield self.lines

    def progress(self) -> tuple[int, int]:
        return len(self.lines), 0


class StdinSource:
    """Lines from a file descriptor (standard input), in chunks, as they arrive."""

    def __init__(self, fd: int):
        self.fd = fd
        self.reader = LineReader(fd)
        self.size = _regular_file_size(fd)

    @property
    def bad_lines(self) -> int:
        return self.reader.bad_lines

    def chunks(self) -> Iterator[list[str]]:
        return self.reader.chunks()

    def progress(self) -> tuple[int, int]:
        """(lines done, bytes read) for a progress display."""
        return self.reader.lines_read, self.reader.bytes_read


def _regular_file_size(fd: int) -> int | None:
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    import stat

    return st.st_size if stat.S_ISREG(st.st_mode) else None


class _Replay:
    """The second pass of `--prior auto`: the same lines again, from a spool file on disk (or the
    input file itself, rewound), so that memory holds one float per line and never the records."""

    def __init__(self, fd: int, owned: bool, first: StdinSource):
        self.fd, self.owned, self.first = fd, owned, first
        self.size = first.size
        self.reader = LineReader(fd)

    @property
    def bad_lines(self) -> int:
        return self.first.bad_lines

    def chunks(self) -> Iterator[list[str]]:
        try:
            yield from self.reader.chunks()
        finally:
            if self.owned:
                os.close(self.fd)

    def progress(self) -> tuple[int, int]:
        return self.reader.lines_read, self.reader.bytes_read


class ScoreJob:
    """Scores chunks with one model, threshold and prior (a number, or "auto" until estimated)."""

    def __init__(self, model: Model, threshold: float | None = None, prior: float | str | None = None,
                 explain: bool = False):
        self.model = model
        self.threshold = model.threshold if threshold is None else threshold
        self.prior = prior
        self.explain = explain
        self.prior_iterations = 0
        self.prior_n = 0

    def _prior(self) -> float | None:
        if self.prior == "auto":
            raise ClickbaitError("the prior has not been estimated yet")
        return self.prior

    def records(self, chunk: list[str]) -> list[dict]:
        recs = self.model.score(chunk, threshold=self.threshold, prior=self._prior())
        if self.explain:
            for r in recs:
                terms = self.model.explain(r["headline"])["terms"][:3] if r["probability"] is not None else []
                r["top_ngrams"] = [{"ngram": t["ngram"], "contribution": t["contribution"]} for t in terms]
        return recs

    def format(self, chunk: list[str], form: str) -> str:
        """One chunk as jsonl or tsv text (the fast path: no record dicts unless --explain)."""
        if not self.explain:
            return format_scored(self.model.scored(chunk, threshold=self.threshold, prior=self._prior()), form)
        recs = self.records(chunk)
        columns = list(recs[0]) if recs else []
        if form == "tsv":
            for r in recs:
                r["top_ngrams"] = " ".join(f"{t['ngram']!r}:{t['contribution']:+.3f}" for t in r["top_ngrams"])
        return format_records(recs, form, columns)

    def estimate_prior(self, source) -> object:
        """Read the whole input once, keeping one log-odds value per line, estimate the clickbait share
        by EM, and return a source that yields the same lines again for the scoring pass."""
        logits: list[np.ndarray] = []
        spool_fd = None
        rewind = isinstance(source, StdinSource) and source.size is not None
        if isinstance(source, StdinSource) and not rewind:
            spool_fd, spool_path = tempfile.mkstemp(prefix="clickbait-prior-", suffix=".txt")
            os.unlink(spool_path)  # nothing is left behind, whatever happens
        try:
            for chunk in source.chunks():
                logits.append(self.model.logits(chunk))
                if spool_fd is not None:
                    data = ("\n".join(chunk) + "\n").encode("utf-8", "surrogateescape")
                    _write_all(spool_fd, data)
        except BaseException:
            if spool_fd is not None:
                os.close(spool_fd)
            raise
        z = np.concatenate(logits) if logits else np.zeros(0)
        scored = z[~np.isnan(z)]
        if scored.size == 0:
            if spool_fd is not None:
                os.close(spool_fd)
            raise ClickbaitError("--prior auto: the input has no line to score, so no share to estimate")
        p = 1.0 / (1.0 + np.exp(-scored))
        self.prior, self.prior_iterations = priors.estimate(p, self.model.prior)
        self.prior = min(max(self.prior, 1e-6), 1 - 1e-6)
        self.prior_n = int(scored.size)
        if not isinstance(source, StdinSource):
            return source
        if rewind:
            os.lseek(source.fd, 0, os.SEEK_SET)
            return _Replay(source.fd, False, source)
        os.lseek(spool_fd, 0, os.SEEK_SET)
        return _Replay(spool_fd, True, source)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except OSError as exc:
            raise ClickbaitError(f"--prior auto: cannot spool the input to a temporary file ({exc.strerror or exc})") from None
        view = view[n:]


def table_prior(model: Model, open_table) -> tuple[float, int, int]:
    """--prior auto for a table: one pass over ``open_table()``'s rows, keeping one log-odds value
    per scored row; returns (share, EM iterations, rows scored)."""
    logits = []
    table = open_table()
    for batch in table.batches():
        texts = [r.text for r in batch if r.text is not None]
        if texts:
            z = model.logits(texts)
            logits.append(z[~np.isnan(z)])
    z = np.concatenate(logits) if logits else np.zeros(0)
    if z.size == 0:
        raise ClickbaitError("--prior auto: the input has no row to score, so no share to estimate")
    share, iterations = priors.estimate(1.0 / (1.0 + np.exp(-z)), model.prior)
    return min(max(share, 1e-6), 1 - 1e-6), iterations, int(z.size)


def score_table(model: Model, table, threshold: float | None, prior: float | None, write, problem) -> int:
    """Write every row of ``table`` with tag, probability and clickbait appended, in order, through
    ``write(text)``; each row that cannot be scored is passed to ``problem(message)`` and written with
    empty score fields. Returns the number of such rows."""
    head = table.head()
    if head:
        write(head)
    bad = 0
    for batch in table.batches():
        texts = [r.text for r in batch if r.text is not None]
        scores = iter(model.score(texts, threshold=threshold, prior=prior)) if texts else iter(())
        out = []
        for r in batch:
            if r.text is None:
                bad += 1
                problem(r.problem or f"{table.path}:{r.line}: no text")
                out.append(table.out_row(r, None))
            else:
                out.append(table.out_row(r, next(scores)))
        write("".join(out))
    return bad
