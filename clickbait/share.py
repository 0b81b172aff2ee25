"""`clickbait share`: what share of an outlet's titles is clickbait, per file or per group of a column.

Counting flagged titles answers a different question (how many cross the model's threshold) and is
biased by the share the model was trained for; the EM estimate (:mod:`clickbait.prior`) corrects for
that. Both are reported, with a 95% bootstrap interval for the estimate. Memory: one float per title.
No printing here: the CLI renders the rows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from clickbait import prior as priors
from clickbait.errors import ClickbaitError
from clickbait.model import Model

MIN_TITLES = 30  # below this a group is shown but gets no estimate


@dataclass
class Group:
    name: str
    n: int  # titles read
    scored: int  # titles with a probability
    flagged: float | None  # share at or above the threshold, of the scored titles
    share: float | None  # EM estimate
    low: float | None
    high: float | None
    iterations: int | None
    note: str | None

    def as_dict(self) -> dict:
        return {"group": self.name, "n": self.n, "scored": self.scored, "flagged_share": self.flagged,
                "estimated_share": self.share, "ci95": None if self.low is None else [self.low, self.high],
                "em_iterations": self.iterations, "note": self.note}


def _is_table(path: str) -> bool:
    if Path(path).suffix.lower() in (".csv", ".tsv", ".jsonl", ".ndjson", ".json"):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(64).lstrip().startswith(b"{")
    except OSError:
        return False


def collect(model: Model, paths: list[str], by: str | None = None, column: str | None = None,
            delimiter: str | None = None, encoding: str = "utf-8", on_problem=None, on_progress=None) -> dict[str, list[np.ndarray]]:
    """Probabilities per group: per file, or per value of column ``by`` (``tag``: the detected rail
    tag when the table has no tag column)."""
    from clickbait import table as tables
    from clickbait.stream import LineReader
    from clickbait.text import prepare_many

    groups: dict[str, list[np.ndarray]] = {}

    def add(name: str, texts: list[str]) -> None:
        if texts:
            groups.setdefault(name, []).append(model.probabilities(texts))

    for path in paths:
        if not _is_table(path):
            if by is not None and by != "tag":
                raise ClickbaitError(f"{path}: a plain text file has no column {by!r} to group by (give a CSV or JSONL)")
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                raise ClickbaitError(f"{path}: no such file") from None
            except OSError as exc:
                raise ClickbaitError(f"{path}: cannot read ({exc.strerror or exc})") from None
            try:
                reader = LineReader(fd)
                for chunk in reader.chunks():
                    if by == "tag":
                        for tag, text in zip(prepare_many(chunk).tags, chunk):
                            add(tag or "(none)", [text])
                    else:
                        add(path, chunk)
                    if on_progress:
                        on_progress(len(chunk))
            finally:
                os.close(fd)
            continue
        table = tables.open_table(path, column=column, delimiter=delimiter, encoding=encoding)
        if by is not None and by != "tag" and table.kind != "jsonl" and by not in table.header:
            raise ClickbaitError(f"{path}: no column {by!r} to group by; it has {', '.join(table.header[:8])}")
        for batch in table.batches():
            rows = [r for r in batch if r.text is not None]
            for r in batch:
                if r.text is None and on_problem:
                    on_problem(r.problem)
            if by is None:
                add(path, [r.text for r in rows])
                continue
            keyed: dict[str, list[str]] = {}
            for r in rows:
                keyed.setdefault(_group_value(table, r, by), []).append(r.text)
            for name, texts in keyed.items():
                add(name, texts)
            if on_progress:
                on_progress(len(batch))
    return groups


def _group_value(table, row, by: str) -> str:
    if isinstance(row.fields, dict):
        value = row.fields.get(by)
    elif by in table.header:
        i = table.header.index(by)
        value = row.fields[i] if i < len(row.fields) else None
    else:
        value = None
    if value is None and by == "tag":
        from clickbait.text import prepare_many

        value = prepare_many([row.text]).tags[0] or "(none)"
    if value is None or value == "":
        return "(empty)"
    return str(value)


def summarise(model: Model, groups: dict[str, list[np.ndarray]], resamples: int = 1000) -> list[Group]:
    """The share rows, in the order groups were first met."""
    out = []
    for name, parts in groups.items():
        p = np.concatenate(parts)
        n = int(p.size)
        scored = p[~np.isnan(p)]
        flagged = float(np.mean(scored >= model.threshold)) if scored.size else None
        if scored.size < MIN_TITLES:
            out.append(Group(name, n, int(scored.size), flagged, None, None, None, None,
                             f"fewer than {MIN_TITLES} scored titles: too small for an estimate"))
            continue
        share, its = priors.estimate(scored, model.prior)
        low, high = priors.bootstrap(scored, model.prior, resamples=resamples)
        out.append(Group(name, n, int(scored.size), flagged, share, low, high, its, None))
    return out
