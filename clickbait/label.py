"""The labelling loop, without the terminal: the queue, its order, the answer file, the quick retrain.

``clickbait label`` turns an outlet's own titles into training data, most informative first:

- **Sources** (:func:`read_source`). A file ending in ``.csv``/``.tsv`` or ``.jsonl``/``.ndjson``/``.json``
  is a table: its text column is ``--column NAME``, else the first of ``headline``, ``title``, ``text``
  (a ``source`` column, when there is one, fills the records' source). Any other file is a saved page
  when one of its lines is the page layout's furniture (``Citește și``, ``RECOMANDAREA AUTORULUI:``,
  ``Recomandarea video``, ``Cele mai noi``, ``Trimite acest link pe``) or its first line is a breadcrumb
  (``Prima pagină » …``): then :func:`clickbait.pages.extract` reads it. Otherwise it is a text file of
  titles, one per line (blank lines skipped).
- **De-duplication** (:func:`title_key`): two titles are the same when their words agree after
  normalisation, with the rail tag, case, diacritics and punctuation ignored. A title is asked once,
  never when it is already in the answer file, nor when it is in the base corpus (it is labelled there
  already, and a second, different label would make ``clickbait train`` refuse the pair).
- **Order** (:func:`order`): ``uncertain`` asks first the titles whose probability is nearest the
  threshold, ``confident`` the farthest, ``random`` a fixed shuffle (per ``seed``). Near-identical titles
  are not asked in a row: a title's distance is raised by ``DIVERSITY`` x its highest word overlap
  (Jaccard, words of three letters or more) with the last ``RECENT`` questions, when that overlap is
  ``OVERLAP`` or more.
- **The answer file** (:class:`AnswerFile`): a CSV (``headline,label,source,page,labelled_at``) that is
  always a valid training file. Each answer is appended, flushed and fsynced before the next question,
  so a killed session loses nothing; undo removes the last row by an atomic rewrite (a temporary file,
  fsync, rename). Skips are not written: a skipped title comes back in a later session.
- **The quick retrain** (:func:`quick_retrain`): every ``retrain_every`` answers (default: ``batch``; off
  for ``random``, whose order does not follow the model), ``training.fit.fit`` with ``DEFAULT_CONFIG`` on
  the base corpus plus every answer in the file (an answer wins over a base row of the same title),
  exported with the threshold of the model the session started from, and the queue re-ordered by it. A
  resumed session retrains before its first question. The model lives in memory only: no model file is
  written.

Nothing here prints; :mod:`clickbait.label_tty` is the terminal.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from clickbait.errors import ClickbaitError
from clickbait.files import atomic_write, check_writable, fsync_dir, read_bytes
from clickbait.table import pick_column
from clickbait.table import sniff_delimiter, strict_rows
from clickbait.text import normalize, split_tag, strip_diacritics

STRATEGIES = ("uncertain", "random", "confident")
ANSWER_COLUMNS = ("headline", "label", "source", "page", "labelled_at")
EXPORT_COLUMNS = ("headline", "label", "tag", "source", "page", "probability")
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".json")
TEXT_COLUMNS = ("headline", "title", "text")
DIVERSITY = 0.3  # penalty per unit of word overlap with a recent question, in probability units
RECENT = 10  # how many of the last questions the overlap is measured against
OVERLAP = 0.25  # smaller overlaps (a shared common word or two) are no penalty
_SCAN = 400  # at most this many candidates are weighed for each place in the order
MAX_SOURCE_BYTES = 50_000_000
_WORDS = re.compile(r"\w+")


def default_base() -> Path:
    """The corpus the quick retrain starts from: ``data/headlines.csv`` of the checkout."""
    return Path(__file__).resolve().parent.parent / "data" / "headlines.csv"


def title_key(text: str) -> str:
    """The identity of a title for de-duplication: its words, lower case, without tag or diacritics."""
    line = normalize(text)
    body = split_tag(line)[1]
    return " ".join(_WORDS.findall(strip_diacritics(body).casefold()))


def _tokens(key: str) -> frozenset[str]:
    return frozenset(w for w in key.split(" ") if len(w) >= 3)


@dataclass
class Item:
    """A title to ask about, with where it came from."""

    headline: str
    tag: str | None = None
    source: str = ""  # the outlet when known: a partner block's site, a table's source column
    page: str = ""  # the file it was read from, as given
    section: str | None = None  # for pages: article, recommended, rail, partner
    key: str = ""
    tokens: frozenset = frozenset()

    def __post_init__(self) -> None:
        if not self.key:
            self.key = title_key(self.headline)
        if not self.tokens:
            self.tokens = _tokens(self.key)
        if self.tag is None:
            self.tag = split_tag(normalize(self.headline))[0]


# -- sources ---------------------------------------------------------------------------------------
def _read_bytes(path: Path, what: str) -> bytes:
    return read_bytes(path, what, limit=MAX_SOURCE_BYTES, hint=f"; give the {what} itself (e.g. {path}/*.txt)")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def is_page(text: str) -> bool:
    """Whether a text file is a saved page (see :func:`clickbait.pages.is_page`)."""
    from clickbait import pages

    return pages.is_page(text)


def read_source(path: str | Path, column: str | None = None) -> tuple[str, list[Item]]:
    """The titles of one source file, in file order, and its kind: ``page``, ``titles`` or ``table``."""
    shown = str(path)
    path = Path(path)
    if path.suffix.lower() in TABLE_SUFFIXES:
        return "table", _read_table(path, shown, column)
    data = _read_bytes(path, "pages")
    from clickbait import pages

    text = pages.check_page(data, shown) if data.strip() else ""
    if not text.strip():
        raise ClickbaitError(f"{shown}: empty file")
    if is_page(text):
        return "page", [
            Item(headline=r["headline"], tag=r["tag"], source=r["source"] or "", page=shown, section=r["section"])
            for r in pages.extract(text, page=shown)
        ]
    items = []
    for line in text.lstrip("\ufeff").split("\n"):
        line = line.rstrip("\r").strip()
        if normalize(line):
            items.append(Item(headline=line, page=shown))
    return "titles", items


def _read_table(path: Path, shown: str, column: str | None) -> list[Item]:
    text = _decode(_read_bytes(path, "tables"))
    if not text.strip():
        raise ClickbaitError(f"{shown}: empty file")
    wanted = (column,) if column else TEXT_COLUMNS
    what = f"column {column!r}" if column else "text column (headline, title or text; or name one with --column)"
    items: list[Item] = []
    suffix = path.suffix.lower()
    stripped = text.lstrip()
    if suffix in (".jsonl", ".ndjson") or (suffix == ".json" and not stripped.startswith("[")):
        rows = []
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                rows.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ClickbaitError(f"{shown}:{number}: not valid JSON ({exc.msg})") from None
    elif suffix == ".json":
        try:
            rows = list(enumerate(json.loads(text), start=1))
        except json.JSONDecodeError as exc:
            raise ClickbaitError(f"{shown}:{exc.lineno}: not valid JSON ({exc.msg})") from None
        except TypeError:
            raise ClickbaitError(f"{shown}: expected a JSON array of objects") from None
    else:
        return _read_delimited(path, shown, text, wanted, what)
    for number, obj in rows:
        if not isinstance(obj, dict):
            raise ClickbaitError(f"{shown}:{number}: expected an object with a {what}")
        key = pick_column(obj.keys(), wanted)
        if key is None:
            raise ClickbaitError(f"{shown}:{number}: no {what}")
        value = obj[key]
        if value is None:
            continue
        if not isinstance(value, str):
            raise ClickbaitError(f"{shown}:{number}: the title is {type(value).__name__}, not text")
        if normalize(value):
            src = obj.get(pick_column(obj.keys(), ("source",)) or "", "")
            items.append(Item(headline=value.strip(), source=src if isinstance(src, str) else "", page=shown))
    return items


def _read_delimited(path: Path, shown: str, text: str, wanted: Sequence[str], what: str) -> list[Item]:
    delim = sniff_delimiter(path, text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ClickbaitError(f"{shown}:1: bad header ({exc})") from None
    col = pick_column(header, wanted)
    if col is None:
        shown_cols = ", ".join(repr(h) for h in header[:8])
        raise ClickbaitError(f"{shown}:1: the header has no {what}; it has {shown_cols}")
    ti = header.index(col)
    src_col = pick_column(header, ("source",))
    si = header.index(src_col) if src_col is not None else None
    items = []
    for _, row in strict_rows(reader, shown):
        if len(row) > ti and normalize(row[ti]):
            src = row[si] if si is not None and len(row) > si else ""
            items.append(Item(headline=row[ti].strip(), source=src, page=shown))
    return items


@dataclass
class Collected:
    """The titles to ask about, and what was dropped on the way."""

    items: list[Item]
    read: int = 0
    duplicates: int = 0
    in_out: int = 0
    in_base: int = 0
    excluded: int = 0
    unscorable: int = 0
    kinds: dict = field(default_factory=dict)  # source path -> page | titles | table
    answered_items: dict = field(default_factory=dict)  # key -> the item, for titles already answered (undo)


def collect(sources: Sequence[str | Path], column: str | None = None, answered: Iterable[str] = (),
            base: Iterable[str] = (), exclude: Iterable[str] = ()) -> Collected:
    """Read every source in order and keep each title once, leaving out the keys in ``answered`` (the
    answer file), ``base`` (the base corpus) and ``exclude`` (say, a held-out set labelled apart)."""
    if not sources:
        raise ClickbaitError("no sources given: name saved pages, text files of titles or CSV/JSONL tables")
    answered, base, exclude = set(answered), set(base), set(exclude)
    seen: set[str] = set()
    out = Collected(items=[])
    for src in sources:
        kind, items = read_source(src, column)
        out.kinds[str(src)] = kind
        for item in items:
            out.read += 1
            if not item.key:
                out.unscorable += 1
            elif item.key in seen:
                out.duplicates += 1
            elif item.key in answered:
                out.in_out += 1
                seen.add(item.key)
                out.answered_items.setdefault(item.key, item)
            elif item.key in exclude:
                out.excluded += 1
            elif item.key in base:
                out.in_base += 1
            else:
                seen.add(item.key)
                out.items.append(item)
    return out


# -- the answer file -------------------------------------------------------------------------------
def check_out_path(path: Path) -> None:
    """Fail before the first question, not at the first answer (see :func:`clickbait.files.check_writable`)."""
    check_writable(path, "--out", "mine.csv")


class AnswerFile:
    """The append-only CSV of answers: read at start (resume), one row appended and fsynced per
    answer, the last row removed atomically on undo. The file stays a valid training file."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path is not None else None  # None: a queue export, no answers
        self.fieldnames: list[str] = list(ANSWER_COLUMNS)
        self.rows: list[dict] = []
        self._head = ""  # the header line as written
        self._raw: list[str] = []  # each row's text as written, line end included
        self._tail_newline = True
        if self.path is not None and self.path.exists():
            self._read()

    def _read(self) -> None:
        from clickbait.training.data import parse_label  # the trainer's own label values

        data = _read_bytes(self.path, "answer file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ClickbaitError(f"{self.path}:{line}: not UTF-8 text; is it an answer file of `clickbait label`?") from None
        if not text.strip():
            return
        lines = text.splitlines(keepends=True)
        self._tail_newline = text.endswith(("\n", "\r"))
        consumed = []

        def feed():
            for ln in lines:
                consumed.append(ln)
                yield ln

        reader = csv.reader(feed(), strict=True)
        try:
            header = next(reader)
        except csv.Error as exc:
            raise ClickbaitError(f"{self.path}:1: bad header ({exc})") from None
        names = [h.strip().lower() for h in header]
        if "headline" not in names or "label" not in names:
            raise ClickbaitError(f"{self.path}:1: not an answer file (its header needs headline and label columns, "
                                 f"it has {', '.join(repr(h) for h in header[:8])}); choose another --out")
        self.fieldnames = header
        self._head = "".join(consumed)
        hi, li = names.index("headline"), names.index("label")
        while True:
            before = len(consumed)
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise ClickbaitError(f"{self.path}:{start}: bad CSV ({exc}); fix or remove that line") from None
            raw = "".join(consumed[before:])
            if not row or all(not c.strip() for c in row):
                if self._raw:
                    self._raw[-1] += raw  # a blank line belongs to the row before it
                else:
                    self._head += raw
                continue
            if len(row) <= max(hi, li):
                raise ClickbaitError(f"{self.path}:{start}: expected {len(header)} columns, found {len(row)}")
            label = parse_label(row[li])
            if label is None:
                raise ClickbaitError(f"{self.path}:{start}: the label is {row[li]!r}; use 1 or 0")
            rec = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}
            rec["headline"], rec["label"] = row[hi], label
            self.rows.append(rec)
            self._raw.append(raw)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def keys(self) -> set[str]:
        return {title_key(r["headline"]) for r in self.rows}

    @property
    def texts(self) -> list[str]:
        return [r["headline"] for r in self.rows]

    @property
    def labels(self) -> list[int]:
        return [int(r["label"]) for r in self.rows]

    def _line(self, values: dict) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(
            [values.get(n.strip().lower(), "") for n in self.fieldnames])
        return buf.getvalue()

    def append(self, item: Item, label: int, when: str | None = None) -> dict:
        """Write one answer and make it durable (flush + fsync) before returning."""
        if self.path is None:
            raise ClickbaitError("no answer file (--out) to save the answer in")
        when = when or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        values = {"headline": item.headline, "label": str(int(label)), "source": item.source or "",
                  "page": item.page or "", "labelled_at": when}
        line = self._line(values)
        new = not self._head
        text = (self._line({n.strip().lower(): n for n in self.fieldnames}) if new else "") + \
               ("" if self._tail_newline else "\n") + line
        try:
            with open(self.path, "a", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise ClickbaitError(f"{self.path}: cannot save the answer ({exc.strerror or exc})") from None
        if new:
            self._head = text[: len(text) - len(line)]
            fsync_dir(self.path.parent if str(self.path.parent) else Path("."))
        elif not self._tail_newline:
            if self._raw:
                self._raw[-1] += "\n"
            else:
                self._head += "\n"
        self._tail_newline = True
        rec = {**{n: "" for n in self.fieldnames}, **values, "label": int(label)}
        self.rows.append(rec)
        self._raw.append(line)
        return rec

    def retract_last(self) -> dict | None:
        """Remove the last answer: the file is rewritten without it, atomically (temporary file in the
        same folder, fsync, rename), so a kill leaves the old file or the new one."""
        if not self.rows:
            return None
        body = self._head + "".join(self._raw[:-1])
        try:
            mode = self.path.stat().st_mode & 0o777
        except OSError as exc:
            raise ClickbaitError(f"{self.path}: cannot undo ({exc.strerror or exc}); the answer stays") from None
        try:
            atomic_write(self.path, body.encode("utf-8"), what="the answers", mode=mode)
        except ClickbaitError as exc:
            raise ClickbaitError(f"{exc}; the answer stays") from None
        self._raw.pop()
        self._tail_newline = True
        return self.rows.pop()


# -- ordering --------------------------------------------------------------------------------------
def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) if inter else 0.0


def _stable_hash(seed: int, key: str) -> bytes:
    return hashlib.blake2b(f"{seed}\0{key}".encode("utf-8"), digest_size=8).digest()


def order(probabilities: Sequence[float], threshold: float, strategy: str = "uncertain",
          tokens: Sequence[frozenset] | None = None, keys: Sequence[str] | None = None, seed: int = 0,
          recent: Sequence[frozenset] = ()) -> list[int]:
    """The indices of the titles in the order to ask them.

    ``uncertain``: nearest the threshold first; ``confident``: farthest first; both with the diversity
    penalty (``DIVERSITY`` x the highest word overlap, when it is ``OVERLAP`` or more, with the last
    ``RECENT`` titles placed, starting from ``recent``, the last ones asked). ``random``: a shuffle fixed by ``seed`` and each title's key, so
    a title keeps its place whatever else is in the queue.
    """
    if strategy not in STRATEGIES:
        raise ClickbaitError(f"unknown strategy {strategy!r}: use {', '.join(STRATEGIES)}")
    n = len(probabilities)
    if strategy == "random":
        names = keys if keys is not None else [str(i) for i in range(n)]
        return sorted(range(n), key=lambda i: (_stable_hash(seed, names[i]), i))
    dist = [abs(float(p) - threshold) for p in probabilities]
    base = dist if strategy == "uncertain" else [-d for d in dist]
    remaining = sorted(range(n), key=lambda i: (base[i], i))
    if tokens is None:
        return remaining
    last = [t for t in list(recent)[-RECENT:]]
    out: list[int] = []
    while remaining:
        best_pos, best_score = 0, None
        for pos, i in enumerate(remaining[:_SCAN]):
            if best_score is not None and base[i] >= best_score:
                break  # the penalty only adds: nothing further on can do better
            pen = max((_jaccard(tokens[i], r) for r in last), default=0.0)
            score = base[i] + (DIVERSITY * pen if pen >= OVERLAP else 0.0)
            if best_score is None or score < best_score:
                best_pos, best_score = pos, score
        i = remaining.pop(best_pos)
        out.append(i)
        last.append(tokens[i])
        if len(last) > RECENT:
            del last[0]
    return out


# -- retraining ------------------------------------------------------------------------------------
def load_base(paths: Sequence[str | Path]) -> tuple[list[str], list[int]]:
    """The base corpus's titles and labels (read and checked as `clickbait train` reads them)."""
    from clickbait.training import data as tdata

    ds = tdata.load(list(paths))
    return ds.texts, ds.labels


# Each answer weighs as much as this many corpus rows in the quick retrain. Measured with the learning-curve
# bench (README): weights 10 and 30 lowered both sources' ROC-AUC and digi24's macro-F1, so answers count once.
LABEL_WEIGHT = 1


def quick_retrain(base_texts: Sequence[str], base_labels: Sequence[int], texts: Sequence[str],
                  labels: Sequence[int], threshold: float, prior: float = 0.5):
    """A model fitted on the base corpus plus the new labels with the trainer's fixed default config
    (no search, no cross-validation: a few seconds), with ``threshold`` kept and its probabilities
    moved to ``prior`` (the starting model's), so that they mean what the threshold expects. An answer
    replaces a base row of the same title."""
    import math

    from clickbait.training import fit as tfit

    new = {title_key(t) for t in texts}
    all_texts = [t for t in base_texts if title_key(t) not in new] if new else list(base_texts)
    all_labels = [l for t, l in zip(base_texts, base_labels) if title_key(t) not in new] if new else list(base_labels)
    all_texts += list(texts)
    all_labels += [int(l) for l in labels]
    if len(set(all_labels)) < 2:
        raise ClickbaitError("cannot retrain: the titles hold one class only")
    cfg = tfit.DEFAULT_CONFIG
    weight = [1.0] * (len(all_labels) - len(texts)) + [float(LABEL_WEIGHT)] * len(texts)
    fitted = tfit.fit(tfit.feature_docs(all_texts, cfg.fold_diacritics, cfg.markers), all_labels, cfg, sample_weight=weight)
    meta = {"config": {"label": cfg.label()}, "rows": {"total": len(all_labels), "clickbait": int(sum(all_labels)),
            "nonclickbait": len(all_labels) - int(sum(all_labels)), "labelled": len(texts)},
            "threshold_rule": "kept from the model the labelling session started from", "prior": float(prior),
            "class_weight": "balanced"}
    model = fitted.export(threshold, meta)
    model.intercept += math.log(prior / (1 - prior))  # balanced fit (prior 0.5) -> the starting model's prior
    return model


# -- the session -----------------------------------------------------------------------------------
@dataclass
class Question:
    item: Item
    probability: float
    clickbait: bool
    threshold: float
    terms: list[dict]  # the strongest n-grams: ngram, analyzer, contribution
    number: int  # this answer's number in the file (1-based)
    left: int  # titles left in the queue, this one included


@dataclass
class Retrained:
    seconds: float
    rows: int
    labelled: int


class Session:
    """A labelling session: the queue in order, the answers, undo, the periodic quick retrain."""

    def __init__(self, items: Sequence[Item], answers: AnswerFile, model, strategy: str = "uncertain",
                 batch: int = 20, retrain_every: int | None = None, base: tuple[list[str], list[int]] | None = None,
                 seed: int = 0, collected: Collected | None = None):
        if strategy not in STRATEGIES:
            raise ClickbaitError(f"unknown strategy {strategy!r}: use {', '.join(STRATEGIES)}")
        if batch < 1:
            raise ClickbaitError("--batch must be at least 1")
        self.answers, self.model, self.strategy, self.seed = answers, model, strategy, seed
        self.threshold = float(model.threshold)
        self.batch = batch
        # The random order does not follow the model: no retrain unless asked for.
        self.retrain_every = (0 if strategy == "random" else batch) if retrain_every is None else int(retrain_every)
        if self.retrain_every < 0:
            raise ClickbaitError("--retrain-every must be 0 (off) or more")
        self.base = base
        self.collected = collected
        self.pool = {**(collected.answered_items if collected else {}), **{it.key: it for it in items}}
        self.queue: list[Item] = []
        self.asked: list[frozenset] = []  # the tokens of the titles shown, for the diversity penalty
        self.history: list[tuple[str, Item | None]] = []  # ("answer" | "skip", item)
        self.skipped: set[str] = set()
        self.session_answers = 0
        self.since_retrain = 0
        self.retrains = 0
        self._current: Question | None = None
        self._probs: dict[str, float] = {}
        self.unscorable = 0
        self.base_paths: list[Path] = []
        self._reorder(list(items))

    @property
    def retrain_enabled(self) -> bool:
        return self.retrain_every > 0 and self.base is not None

    @property
    def retrain_due(self) -> bool:
        return self.retrain_enabled and self.since_retrain >= self.retrain_every

    def _score(self, items: list[Item]) -> list[float]:
        import numpy as np

        if not items:
            return []
        p = self.model.probabilities([it.headline for it in items])
        return [float(x) for x in np.asarray(p)]

    def _reorder(self, items: list[Item]) -> None:
        probs = self._score(items)
        keep = [(it, p) for it, p in zip(items, probs) if p == p]  # NaN: nothing to judge
        self.unscorable += len(items) - len(keep)
        for it in items:
            self._probs.pop(it.key, None)
        for it, p in keep:
            self._probs[it.key] = p
        idx = order([p for _, p in keep], self.threshold, self.strategy, tokens=[it.tokens for it, _ in keep],
                    keys=[it.key for it, _ in keep], seed=self.seed, recent=self.asked)
        self.queue = [keep[i][0] for i in idx]
        self._current = None

    def current(self) -> Question | None:
        """The question to ask now (None when the queue is empty)."""
        if self._current is not None:
            return self._current
        if not self.queue:
            return None
        item = self.queue[0]
        ex = self.model.explain(item.headline)
        terms = [{"ngram": t["ngram"], "analyzer": t["analyzer"], "contribution": t["contribution"]}
                 for t in ex["terms"][:3]]
        p = ex["probability"] if ex["probability"] is not None else self._probs.get(item.key, float("nan"))
        self._current = Question(item=item, probability=p, clickbait=p >= self.threshold, threshold=self.threshold,
                                 terms=terms, number=len(self.answers) + 1, left=len(self.queue))
        return self._current

    def _take(self) -> Item:
        q = self.current()
        if q is None:
            raise ClickbaitError("no title to answer")
        self.queue.pop(0)
        self._current = None
        self.asked.append(q.item.tokens)
        return q.item

    def answer(self, label: int) -> dict:
        """Save the answer to the current title (durably, before anything else) and move on."""
        if label not in (0, 1):
            raise ClickbaitError(f"a label is 1 (clickbait) or 0 (not clickbait), not {label!r}")
        q = self.current()
        if q is None:
            raise ClickbaitError("no title to answer")
        row = self.answers.append(q.item, label)
        self._take()
        self.history.append(("answer", q.item))
        self.session_answers += 1
        self.since_retrain += 1
        return row

    def skip(self) -> Item:
        """Leave the current title for another session."""
        item = self._take()
        self.skipped.add(item.key)
        self.history.append(("skip", item))
        return item

    def undo(self) -> tuple[str, Item | dict] | None:
        """Undo the last answer or skip of this session, else the last answer in the file: the title
        is asked again next (when it is among the sources). None when there is nothing to undo."""
        if self.history:
            what, item = self.history.pop()
            if what == "answer":
                row = self.answers.retract_last()
                self.session_answers -= 1
                self.since_retrain = max(0, self.since_retrain - 1)
                if row is not None and title_key(row["headline"]) != item.key:  # the file changed under us
                    item = self.pool.get(title_key(row["headline"]), item)
            else:
                self.skipped.discard(item.key)
            self._put_back(item)
            return what, item
        row = self.answers.retract_last()
        if row is None:
            return None
        item = self.pool.get(title_key(row["headline"]))
        if item is not None:
            self._put_back(item)
        return "answer", item if item is not None else row

    def _put_back(self, item: Item) -> None:
        self.queue = [it for it in self.queue if it.key != item.key]
        if item.key not in self._probs:
            p = self._score([item])[0]
            if p != p:
                return
            self._probs[item.key] = p
        self.queue.insert(0, item)
        if self.asked and self.asked[-1] == item.tokens:
            self.asked.pop()
        self._current = None

    def retrain(self) -> Retrained:
        """Refit on the base corpus plus every answer in the file, then re-order the queue by the new
        model. The model lives in memory only."""
        if self.base is None:
            raise ClickbaitError("no base corpus to retrain on")
        t0 = time.perf_counter()
        texts, labels = self.answers.texts, self.answers.labels
        self.model = quick_retrain(self.base[0], self.base[1], texts, labels, self.threshold, self.model.prior)
        rows = self.model.metadata["rows"]["total"]
        self.since_retrain = 0
        self.retrains += 1
        self._reorder(list(self.queue))
        return Retrained(seconds=time.perf_counter() - t0, rows=rows, labelled=len(texts))

    def summary(self) -> dict:
        labels = self.answers.labels
        return {"path": str(self.answers.path), "answers": len(labels), "clickbait": sum(labels),
                "not_clickbait": len(labels) - sum(labels), "this_session": self.session_answers,
                "skipped": len(self.skipped), "left": len(self.queue), "retrains": self.retrains}

    def export_rows(self) -> list[dict]:
        """The unlabelled queue in order, as rows for labelling elsewhere (label left empty)."""
        return [{"headline": it.headline, "label": "", "tag": it.tag or "", "source": it.source, "page": it.page,
                 "probability": f"{self._probs[it.key]:.4f}"} for it in self.queue]


def export_csv(rows: Sequence[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=EXPORT_COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def write_export(path: str | Path, rows: Sequence[dict]) -> Path:
    """Write the queue as CSV atomically (temporary file, fsync, rename)."""

    path = Path(path)
    try:
        atomic_write(path, export_csv(rows).encode("utf-8"))
    except ClickbaitError as exc:
        raise ClickbaitError(str(exc).replace("cannot write model", "cannot write the queue")) from None
    return path


def open_session(sources: Sequence[str | Path], out: str | Path | None, model_path: str | Path | None = None,
                 strategy: str = "uncertain", batch: int = 20, retrain_every: int | None = None,
                 base: Sequence[str | Path] | None = None, column: str | None = None, seed: int = 0,
                 exclude: Sequence[str | Path] = (), check_out: bool = True) -> Session:
    """Everything a session needs: the model, the answer file (resumed), the base corpus, the queue."""
    from clickbait.model import Model

    if strategy not in STRATEGIES:
        raise ClickbaitError(f"unknown strategy {strategy!r}: use {', '.join(STRATEGIES)}")
    out = Path(out) if out is not None else None
    if check_out and out is not None:
        check_out_path(out)
    answers = AnswerFile(out)
    model = Model.load(model_path)
    base_paths = [Path(p) for p in base] if base else []
    if not base_paths and default_base().is_file():
        base_paths = [default_base()]
    base_data = load_base(base_paths) if base_paths else None
    base_keys = {title_key(t) for t in base_data[0]} if base_data else set()
    excluded = {it.key for path in exclude for it in read_source(path)[1]}
    got = collect(sources, column=column, answered=answers.keys, base=base_keys, exclude=excluded)
    session = Session(got.items, answers, model, strategy=strategy, batch=batch, retrain_every=retrain_every,
                      base=base_data, seed=seed, collected=got)
    got.unscorable += session.unscorable
    session.base_paths = base_paths
    if len(answers) and session.retrain_enabled:
        session.since_retrain = session.retrain_every  # resumed: follow the answers given so far at once
    return session
