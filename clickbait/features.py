"""TF-IDF feature blocks in numpy: scikit-learn's ``TfidfVectorizer.transform``, chunk at a time.

A block is one vectoriser's vocabulary (in column order), idf weights and its slice of the logistic
regression's coefficients. :meth:`Block.weights` turns a chunk of feature texts, joined by ``\\n``, into
the l2-normalised tf-idf rows as (row, column, value) triples, with as few Python operations per
n-gram as possible:

- word n-grams: one regex pass over the chunk gives every token (and a ``\\n`` per line break); each
  token becomes an integer id with one C-level ``map``; an n-gram of ids is one int64 key, looked up
  in the block's sorted key array with ``np.searchsorted``. No n-gram string is ever built.
- character n-grams inside word boundaries: each distinct word's column ids are computed once and
  kept in a flat cache (a CSR of word -> columns, cleared at ``WORD_CACHE_LIMIT`` words); a chunk is
  then a gather from that cache.
- counts per (row, column) come from one ``np.unique`` over the chunk, then sublinear tf, idf, the
  per-row norm.

The n-gram multisets are exactly scikit-learn's (``tests/test_model.py`` checks the probabilities to
1e-9 on every training headline for word, char and union models).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from itertools import repeat
import numpy as np

from clickbait.errors import ClickbaitError
from clickbait.text import is_word

WORD_CACHE_LIMIT = 50_000  # words; the cache is cleared when full, so memory stays flat
_SEP = -2  # token id of a line break
_SKIP = -3  # not a token: an empty string or a run of one word character
_NOT_WORD = re.compile(r"[^\w\s]")


class _Picked:
    """``pieces[keep[i]]`` as a sequence, without building the list unless asked."""

    def __init__(self, pieces: list[str], keep: np.ndarray):
        self.pieces, self.keep = pieces, keep

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.pieces[k] for k in self.keep[i].tolist()]
        return self.pieces[int(self.keep[i])]
_MAX_KEY = 1 << 62
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"


@dataclass
class Block:
    """One TF-IDF feature block: analyzer settings, vocabulary (column order), idf and coefficients.

    ``markers``: whether the block reads the feature text with structure markers (word blocks of a
    model trained with markers) or without (character blocks always).
    """

    analyzer: str  # "word" or "char_wb"
    ngram_range: tuple[int, int]
    vocabulary: list[str]
    idf: np.ndarray
    coef: np.ndarray
    sublinear_tf: bool = True
    token_pattern: str = DEFAULT_TOKEN_PATTERN
    markers: bool = False
    structure: tuple | None = field(default=None, repr=False, compare=False)  # see word_structure()
    _lookup: dict | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.analyzer not in ("word", "char_wb"):
            raise ClickbaitError(f"unknown analyzer {self.analyzer!r}")
        self._token_re = re.compile(self.token_pattern)
        # The lookup tables are built on first use, and a character block's word cache grows as it
        # scores: one lock keeps a block safe to share between threads (a server's, a user's pool).
        self._lock = threading.RLock()
        if self._token_re.groups:
            raise ClickbaitError(f"token pattern {self.token_pattern!r} has a capturing group (not supported)")

    def __repr__(self) -> str:
        lo, hi = self.ngram_range
        return f"Block({self.analyzer} {lo}-{hi}, {len(self.vocabulary)} terms)"

    def settings(self) -> dict:
        return {
            "analyzer": self.analyzer,
            "ngram_range": list(self.ngram_range),
            "sublinear_tf": self.sublinear_tf,
            "token_pattern": self.token_pattern,
            "markers": self.markers,
        }

    # -- the n-grams themselves, as scikit-learn's analyzers yield them (explain, tests) -------------
    def ngrams(self, doc: str) -> list[str]:
        """The n-grams scikit-learn's analyzer yields for ``doc`` (one feature text)."""
        lo, hi = self.ngram_range
        if self.analyzer == "word":
            tokens = self._token_re.findall(doc)
            grams = list(tokens) if lo == 1 else []
            for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
                grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
            return grams
        grams = []
        for word in doc.split():
            grams.extend(_char_ngrams(word, lo, hi))
        return grams

    # -- lookup tables, built once per block on first use ------------------------------------------
    def _tables(self) -> dict:
        if self._lookup is None:
            with self._lock:
                if self._lookup is None:
                    self._lookup = self._build_word() if self.analyzer == "word" else self._build_char()
        return self._lookup

    def word_structure(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The block's tokens (in id order), the token ids of each term (one row per column, -1 past
        the term's length) and whether each token is a word to judge. Stored in the model file, so
        that loading needs no pass over the vocabulary in Python; computed here for older files."""
        if self.structure is not None:
            return self.structure
        tok_index: dict[str, int] = {}
        hi = self.ngram_range[1]
        term_tok = np.full((len(self.vocabulary), hi), -1, dtype=np.int32)
        for col, term in enumerate(self.vocabulary):
            for k, t in enumerate(term.split(" ")):
                i = tok_index.get(t)
                if i is None:
                    i = tok_index[t] = len(tok_index)
                term_tok[col, k] = i
        tokens = list(tok_index)
        self.structure = (tokens, term_tok, np.asarray([is_word(t) for t in tokens], dtype=bool))
        return self.structure

    def _build_word(self) -> dict:
        """Token ids for every token of the vocabulary, and per n a sorted array of n-gram keys
        (vectorised over the stored :meth:`word_structure`)."""
        tokens, term_tok, tok_is_word = self.word_structure()
        term_tok = term_tok.astype(np.int64)
        n_tok = max(1, len(tokens))
        lengths = (term_tok >= 0).sum(axis=1)
        cols = np.arange(len(self.vocabulary), dtype=np.int64)
        unigram_col = np.full(n_tok + 1, -1, dtype=np.int64)  # the last entry: -1 (unknown) maps there
        one = lengths == 1
        unigram_col[term_tok[one, 0]] = cols[one]
        tables: dict[int, tuple[np.ndarray, np.ndarray] | dict[str, int]] = {}
        # at[n][k][token id]: the token is the k-th word of some n-gram (the last two entries: unknown, line break)
        at: dict[int, list[np.ndarray]] = {}
        for n in sorted(set(lengths.tolist()) - {1}):
            sel = lengths == n
            ids = term_tok[sel, :n]
            at[n] = []
            for k in range(n):
                mask = np.zeros(n_tok + 2, dtype=bool)
                mask[ids[:, k]] = True
                at[n].append(mask)
            if n_tok**n < _MAX_KEY:
                keys = np.zeros(len(ids), dtype=np.int64)
                for k in range(n):
                    keys = keys * n_tok + ids[:, k]
                order = np.argsort(keys, kind="stable")
                tables[n] = (keys[order], cols[sel][order])
            else:  # keys would overflow int64: look the n-gram strings up instead
                tables[n] = {self.vocabulary[c]: int(c) for c in cols[sel].tolist()}
        tok_index = dict(zip(tokens, range(len(tokens))))
        tok_index["\n"] = _SEP
        tok_index[""] = _SKIP
        return {
            "tok_is_word": np.concatenate([tok_is_word, [False]]),
            "tok_index": tok_index,
            "n_tok": n_tok,
            "unigram_col": unigram_col,
            "ngrams": tables,
            "at": at,
            "scan": _with_line_breaks(self.token_pattern),
        }

    def _build_char(self) -> dict:
        return {
            "index": dict(zip(self.vocabulary, range(len(self.vocabulary)))),
            "words": {"\n": 0, "": 1},
            # CSR: the columns of word i are flat[offsets[i]:offsets[i + 1]] (words 0 and 1 have none)
            "offsets": np.zeros(1024, dtype=np.int64),
            "flat": np.zeros(1 << 16, dtype=np.int64),
        }

    # -- chunk-level occurrences --------------------------------------------------------------------
    @property
    def counts_words(self) -> bool:
        """Whether this block's tokens are the words :func:`clickbait.text.is_word` judges (so that
        scoring can count them from this block's own pass over the text)."""
        return self.analyzer == "word" and self.token_pattern == DEFAULT_TOKEN_PATTERN

    def occurrences(self, joined: str, n_docs: int, words: list | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every in-vocabulary n-gram occurrence in ``joined`` (``n_docs`` feature
        texts joined by ``\\n``), repeats included: they are the counts. With ``words`` (a list) and a
        block that :attr:`counts_words`, the words to judge per text are appended to it."""
        if self.analyzer == "word":
            return self._word_occurrences(joined, n_docs, words)
        return self._char_occurrences(joined)

    def _word_occurrences(self, joined: str, n_docs: int, words: list | None) -> tuple[np.ndarray, np.ndarray]:
        t = self._tables()
        if self.token_pattern == DEFAULT_TOKEN_PATTERN:
            # scikit-learn's default tokens are the maximal runs of two or more word characters: with
            # every other character turned into a space, a plain split finds them (twice as fast as
            # the regex); the runs of one character and the empty strings are dropped by id below.
            text = joined
            for ch in set(_NOT_WORD.findall(text)):
                text = text.replace(ch, " ")
            pieces = text.replace("\n", " \n ").split(" ")
            raw = np.fromiter(map(t["tok_index"].get, pieces, repeat(-1)), dtype=np.int64, count=len(pieces))
            if (raw == -1).any():
                for i in np.flatnonzero(raw == -1).tolist():
                    if len(pieces[i]) < 2:
                        raw[i] = _SKIP
            keep = np.flatnonzero(raw != _SKIP)
            ids = raw[keep]
            tokens = _Picked(pieces, keep)
        else:
            tokens = t["scan"].findall(joined)
            ids = np.fromiter(map(t["tok_index"].get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        if not len(ids):
            if words is not None:
                words.extend([0] * n_docs)
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        sep = ids == _SEP
        line = np.cumsum(sep)
        known = ids >= 0
        if words is not None:
            is_w = t["tok_is_word"][ids]  # -1 (not in the vocabulary) reads the last entry, False
            is_w[sep] = False
            counts = np.bincount(line[is_w], minlength=n_docs)
            # Unknown tokens only matter where the known words are fewer than three (short or empty lines).
            unknown = np.flatnonzero((ids == -1) & (counts[line] < 3))
            if len(unknown):
                extra = [i for i in unknown.tolist() if is_word(tokens[i])]
                if extra:
                    counts += np.bincount(line[extra], minlength=n_docs)
            words.extend(np.minimum(counts, 3).tolist())
        lo, hi = self.ngram_range
        rows, cols = [], []
        if lo == 1:
            c = t["unigram_col"][ids[known]]
            r = line[known]
            hit = c >= 0
            rows.append(r[hit])
            cols.append(c[hit])
        n_tok = t["n_tok"]
        for n in range(max(lo, 2), hi + 1):
            table = t["ngrams"].get(n)
            m = len(ids) - n + 1
            if table is None or m <= 0:
                continue
            # Only windows whose tokens can stand at those places of some n-gram of the vocabulary.
            valid = t["at"][n][0][ids[:m]].copy()
            for k in range(1, n):
                valid &= t["at"][n][k][ids[k : k + m]]
            starts = np.flatnonzero(valid)
            if not len(starts):
                continue
            if isinstance(table, dict):  # very large vocabularies of long n-grams: string lookup
                got = [table.get(" ".join(tokens[s : s + n]), -1) for s in starts.tolist()]
                c = np.asarray(got, dtype=np.int64)
                hit = c >= 0
                rows.append(line[starts][hit])
                cols.append(c[hit])
                continue
            keys = ids[starts]
            for k in range(1, n):
                keys = keys * n_tok + ids[starts + k]
            sorted_keys, sorted_cols = table
            pos = np.searchsorted(sorted_keys, keys)
            pos[pos == len(sorted_keys)] = 0
            hit = sorted_keys[pos] == keys
            rows.append(line[starts][hit])
            cols.append(sorted_cols[pos[hit]])
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate(rows), np.concatenate(cols)

    def _char_occurrences(self, joined: str) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            return self._char_occurrences_locked(joined)

    def _char_occurrences_locked(self, joined: str) -> tuple[np.ndarray, np.ndarray]:
        t = self._tables()
        if len(t["words"]) > WORD_CACHE_LIMIT:
            self._lookup = None
            t = self._tables()
        words = joined.replace("\n", " \n ").split(" ") if "\n" in joined else joined.split(" ")
        cache = t["words"]
        w = np.fromiter(map(cache.get, words, repeat(-1)), dtype=np.int64, count=len(words))
        missing = np.flatnonzero(w == -1)
        if len(missing):
            lo, hi = self.ngram_range
            get = t["index"].get
            for i in missing.tolist():
                word = words[i]
                wid = cache.get(word)
                if wid is None:
                    ids = [c for c in map(get, _char_ngrams(word, lo, hi)) if c is not None]
                    wid = self._cache_word(t, word, ids)
                w[i] = wid
        offsets = t["offsets"]
        starts = offsets[w]
        lens = offsets[w + 1] - starts
        line = np.cumsum(w == 0)
        total = int(lens.sum())
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        first = np.cumsum(lens) - lens  # where each word's run begins in the output
        idx = np.arange(total, dtype=np.int64) + np.repeat(starts - first, lens)
        return np.repeat(line, lens), t["flat"][idx]

    @staticmethod
    def _cache_word(t: dict, word: str, ids: list[int]) -> int:
        """Append one word's column ids to the CSR cache; returns its word id."""
        n_words = len(t["words"])
        end = int(t["offsets"][n_words])
        flat = t["flat"]
        if end + len(ids) > len(flat):
            grown = np.zeros(max(2 * len(flat), end + len(ids)), dtype=np.int64)
            grown[:end] = flat[:end]
            flat = t["flat"] = grown
        flat[end : end + len(ids)] = ids
        offsets = t["offsets"]
        if n_words + 1 >= len(offsets):
            grown_o = np.zeros(2 * len(offsets), dtype=np.int64)
            grown_o[: len(offsets)] = offsets
            offsets = t["offsets"] = grown_o
        offsets[n_words + 1] = end + len(ids)
        t["words"][word] = n_words
        return n_words

    def weights(self, joined: str, n_docs: int, words: list | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse l2-normalised tf-idf rows of ``n_docs`` texts joined by ``\\n``: (row, column, value)."""
        rows, cols = self.occurrences(joined, n_docs, words)
        if not len(rows):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        width = len(self.vocabulary)
        keys = rows * width + cols
        if n_docs * width < (1 << 31):
            keys = keys.astype(np.int32)  # sorts twice as fast
        keys.sort()
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        counts = np.diff(np.r_[starts, len(keys)])
        rows, cols = np.divmod(keys[starts].astype(np.int64), width)
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_docs))
        values = values / norms[rows]
        return rows, cols, values

    def logits(self, joined: str, n_docs: int, words: list | None = None) -> np.ndarray:
        """This block's share of the linear score of each of ``n_docs`` texts joined by ``\\n``."""
        rows, cols, values = self.weights(joined, n_docs, words)
        return np.bincount(rows, weights=values * self.coef[cols], minlength=n_docs)


def _with_line_breaks(pattern: str) -> re.Pattern:
    """``pattern`` or a line break: global flags such as ``(?u)`` must stay at the front."""
    flags = re.match(r"^\(\?[aiLmsux]+\)", pattern)
    head = flags.group(0) if flags else ""
    return re.compile(f"{head}(?:{pattern[len(head):]})|\n")


def _char_ngrams(word: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of one word (padded with a space on each side)."""
    w = " " + word + " "
    size = len(w)
    out: list[str] = []
    for n in range(lo, hi + 1):
        if size <= n:  # a short word is counted once, as scikit-learn does
            out.append(w)
            break
        out.extend([w[i : i + n] for i in range(size - n + 1)])
    return out

