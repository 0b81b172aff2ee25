"""The model file format and the numpy scorer, in one place.

A model is one linear model over TF-IDF features, split into blocks (for example word n-grams and
character n-grams inside word boundaries). Each block keeps its vocabulary (in column order), its idf
weights and its slice of the logistic-regression coefficients. Scoring re-implements scikit-learn's
``TfidfVectorizer.transform`` (same analyzers, sublinear tf, idf, per-block l2 norm) and the logistic
function with numpy, so it needs neither scikit-learn nor joblib and never unpickles anything.

File layout (``.npz``: a zip of ``.npy`` arrays, none of them object arrays)::

    format_version  int64[1]
    settings        uint8   JSON: text settings and the block list (analyzer, ngram_range, sublinear_tf, token_pattern)
    metadata        uint8   JSON: training rows, CV figures, threshold choice, calibration, data checksum
    intercept       float64[1]
    threshold       float64[1]
    vocab_<i>       uint8   the block's terms in column order, UTF-8, joined by newlines
    idf_<i>         float64[n_i]
    coef_<i>        float64[n_i]
    checksum        uint8[32]  SHA-256 over every other member's bytes, in name order

The zip entries carry a fixed date, so the same model gives the same bytes. The file's modification
time is its creation time. Writes are atomic: a temporary file in the same folder, fsync, rename.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from clickbait.errors import ClickbaitError
from clickbait.text import prepare

FORMAT_VERSION = 1
MODEL_FILENAME = "clickbait.npz"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_WORD_CACHE_LIMIT = 50_000  # entries; the cache is cleared when full, so memory stays flat


def default_model_path() -> Path:
    """$CLICKBAIT_MODEL if set, else ``models/clickbait.npz`` in the checkout this package runs from."""
    env = os.environ.get("CLICKBAIT_MODEL")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "models" / MODEL_FILENAME


@dataclass
class Block:
    """One TF-IDF feature block: its analyzer settings, vocabulary (column order), idf and coefficients."""

    analyzer: str  # "word" or "char_wb"
    ngram_range: tuple[int, int]
    vocabulary: list[str]
    idf: np.ndarray
    coef: np.ndarray
    sublinear_tf: bool = True
    token_pattern: str = r"(?u)\b\w\w+\b"
    _index: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _cache: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.analyzer not in ("word", "char_wb"):
            raise ClickbaitError(f"unknown analyzer {self.analyzer!r}")
        self._token_re = re.compile(self.token_pattern)

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = dict(zip(self.vocabulary, range(len(self.vocabulary))))
        return self._index

    def settings(self) -> dict:
        return {
            "analyzer": self.analyzer,
            "ngram_range": list(self.ngram_range),
            "sublinear_tf": self.sublinear_tf,
            "token_pattern": self.token_pattern,
        }

    # -- analyzers: the same n-grams, in the same multiset, as scikit-learn's ---------------------
    def ngrams(self, doc: str) -> list[str]:
        """The n-grams scikit-learn's analyzer yields for ``doc`` (already a feature text)."""
        lo, hi = self.ngram_range
        if self.analyzer == "word":
            tokens = self._token_re.findall(doc)
            grams = list(tokens) if lo == 1 else []
            for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
                grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
            return grams
        grams = []
        for word in doc.split():
            grams.extend(self._word_char_ngrams(word))
        return grams

    def _word_char_ngrams(self, word: str) -> list[str]:
        w = " " + word + " "
        size = len(w)
        lo, hi = self.ngram_range
        out: list[str] = []
        for n in range(lo, hi + 1):
            if size <= n:  # a short word is counted once, as scikit-learn does
                out.append(w)
                break
            out.extend([w[i : i + n] for i in range(size - n + 1)])
        return out

    def ids(self, doc: str) -> list[int]:
        """Column ids of the in-vocabulary n-grams of ``doc`` (with repeats: they are the counts)."""
        get = self.index.get
        if self.analyzer == "word":
            return [i for i in map(get, self.ngrams(doc)) if i is not None]
        cache = self._cache
        out: list[int] = []
        for word in doc.split():
            ids = cache.get(word)
            if ids is None:
                ids = [i for i in map(get, self._word_char_ngrams(word)) if i is not None]
                if len(cache) >= _WORD_CACHE_LIMIT:
                    cache.clear()
                cache[word] = ids
            out.extend(ids)
        return out

    def weights(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse l2-normalised tf-idf rows for ``docs`` as (doc index, column, value) triples."""
        flat: list[int] = []
        lengths: list[int] = []
        for doc in docs:
            ids = self.ids(doc)
            flat.extend(ids)
            lengths.append(len(ids))
        n_docs = len(docs)
        if not flat:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        cols = np.asarray(flat, dtype=np.int64)
        rows = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        width = len(self.vocabulary)
        keys, counts = np.unique(rows * width + cols, return_counts=True)
        rows, cols = np.divmod(keys, width)
        tf = counts.astype(np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_docs))
        values = values / norms[rows]
        return rows, cols, values


@dataclass
class Model:
    """A trained clickbait model: feature blocks, intercept, decision threshold, settings and metadata."""

    blocks: list[Block]
    intercept: float
    threshold: float = 0.5
    fold_diacritics: bool = False
    markers: bool = False
    metadata: dict = field(default_factory=dict)
    path: Path | None = None

    # -- scoring --------------------------------------------------------------------------------
    def prepare(self, texts: Iterable[str]) -> tuple[list[str | None], list[str]]:
        """Rail tags and feature texts of ``texts`` (see :func:`clickbait.text.prepare`)."""
        fold, markers = self.fold_diacritics, self.markers
        pairs = [prepare(t, fold, markers) for t in texts]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """The linear score (log-odds of clickbait) of each text; NaN for a text with no content."""
        return self._logits(self.prepare(texts)[1])

    def _logits(self, docs: list[str]) -> np.ndarray:
        out = np.full(len(docs), float(self.intercept))
        for block in self.blocks:
            rows, cols, values = block.weights(docs)
            out += np.bincount(rows, weights=values * block.coef[cols], minlength=len(docs))
        blank = np.fromiter((not d.strip() for d in docs), dtype=bool, count=len(docs))
        out[blank] = np.nan
        return out

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """P(clickbait) for each text, the logistic of :meth:`logits`; NaN for a blank text."""
        return _logistic(self.logits(texts))

    def score(self, texts: Sequence[str], threshold: float | None = None) -> list[dict]:
        """One record per text, in order: headline (as given), tag, probability, clickbait.

        A blank text gets ``probability`` and ``clickbait`` None rather than vanishing.
        """
        texts = list(texts)
        cut = self.threshold if threshold is None else threshold
        tags, docs = self.prepare(texts)
        probs = _logistic(self._logits(docs)).tolist()
        records = []
        for text, tag, p in zip(texts, tags, probs):
            if p != p:  # NaN: a blank line
                records.append({"headline": text, "tag": tag, "probability": None, "clickbait": None})
            else:
                records.append({"headline": text, "tag": tag, "probability": p, "clickbait": p >= cut})
        return records

    def explain(self, text: str) -> dict:
        """The exact terms of the linear score of ``text``: each n-gram's tf-idf value x coefficient.

        The contributions plus the intercept sum to the logit.
        """
        tag, doc = prepare(text, self.fold_diacritics, self.markers)
        terms = []
        for block in self.blocks:
            rows, cols, values = block.weights([doc])
            for col, value in zip(cols.tolist(), values.tolist()):
                coef = float(block.coef[col])
                terms.append(
                    {
                        "ngram": block.vocabulary[col],
                        "analyzer": block.analyzer,
                        "tfidf": value,
                        "coef": coef,
                        "contribution": value * coef,
                    }
                )
        terms.sort(key=lambda t: (-abs(t["contribution"]), t["ngram"]))
        logit = float(self.intercept) + math.fsum(t["contribution"] for t in terms)
        blank = not doc.strip()
        prob = None if blank else float(_logistic(np.array([logit]))[0])
        return {
            "headline": text,
            "feature_text": doc,
            "tag": tag,
            "intercept": float(self.intercept),
            "logit": None if blank else logit,
            "probability": prob,
            "clickbait": None if prob is None else prob >= self.threshold,
            "threshold": self.threshold,
            "terms": terms,
        }

    def top_terms(self, k: int = 15) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """The k n-grams with the largest positive and the k with the largest negative coefficients."""
        names = [t for b in self.blocks for t in b.vocabulary]
        coefs = np.concatenate([b.coef for b in self.blocks]) if self.blocks else np.zeros(0)
        order = np.argsort(coefs, kind="stable")
        neg = [(names[i], float(coefs[i])) for i in order[:k] if coefs[i] < 0]
        pos = [(names[i], float(coefs[i])) for i in order[::-1][:k] if coefs[i] > 0]
        return pos, neg

    def card(self, top: int = 15) -> dict:
        """The model card: what the file is, how it was trained, how well it did in cross-validation."""
        import datetime

        meta = self.metadata
        created = None
        if self.path is not None and self.path.exists():
            ts = self.path.stat().st_mtime
            created = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat(timespec="seconds")
        pos, neg = self.top_terms(top)
        cv = (meta.get("cv") or {}).get("mean") or {}
        return {
            "path": str(self.path) if self.path else None,
            "format_version": FORMAT_VERSION,
            "created": created,
            "rows": meta.get("rows"),
            "features": [f"{b.analyzer} {b.ngram_range[0]}-{b.ngram_range[1]} ({len(b.vocabulary)} terms)" for b in self.blocks],
            "settings": {**(meta.get("config") or {}), "fold_diacritics": self.fold_diacritics, "markers": self.markers},
            "threshold": self.threshold,
            "threshold_rule": meta.get("threshold_rule"),
            "vocabulary_size": self.n_features,
            "class_weight": meta.get("class_weight"),
            "data_sha256": meta.get("data_sha256"),
            "cv": cv,
            "brier": (meta.get("calibration") or {}).get("brier"),
            "calibration": (meta.get("calibration") or {}).get("bins"),
            "top_clickbait": pos,
            "top_nonclickbait": neg,
        }

    @property
    def n_features(self) -> int:
        return sum(len(b.vocabulary) for b in self.blocks)

    # -- file format ----------------------------------------------------------------------------
    def settings(self) -> dict:
        return {
            "fold_diacritics": self.fold_diacritics,
            "markers": self.markers,
            "blocks": [b.settings() for b in self.blocks],
        }

    def _arrays(self) -> dict[str, np.ndarray]:
        arrays = {
            "format_version": np.array([FORMAT_VERSION], dtype=np.int64),
            "settings": _json_array(self.settings()),
            "metadata": _json_array(self.metadata),
            "intercept": np.array([self.intercept], dtype=np.float64),
            "threshold": np.array([self.threshold], dtype=np.float64),
        }
        for i, block in enumerate(self.blocks):
            blob = "\n".join(block.vocabulary).encode("utf-8")
            arrays[f"vocab_{i}"] = np.frombuffer(blob, dtype=np.uint8)
            arrays[f"idf_{i}"] = np.ascontiguousarray(block.idf, dtype=np.float64)
            arrays[f"coef_{i}"] = np.ascontiguousarray(block.coef, dtype=np.float64)
        return arrays

    def to_bytes(self) -> bytes:
        """The model file's bytes: deterministic for the same model."""
        members = {name: _npy_bytes(arr) for name, arr in sorted(self._arrays().items())}
        digest = _digest(members)
        members["checksum"] = _npy_bytes(np.frombuffer(digest, dtype=np.uint8))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for name, data in members.items():
                info = zipfile.ZipInfo(name + ".npy", date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        return buf.getvalue()

    def save(self, path: str | os.PathLike) -> Path:
        """Write the model atomically: temporary file in the same folder, fsync, rename."""
        path = Path(path)
        data = self.to_bytes()
        atomic_write(path, data)
        self.path = path
        return path

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "Model":
        """Read and check a model file. Raises :class:`ClickbaitError` naming the path and the problem."""
        path = Path(path) if path is not None else default_model_path()
        if not path.exists():
            hint = " (run `make train` to build the default model)" if path == default_model_path() else ""
            raise ClickbaitError(f"{path}: model file not found{hint}")
        if path.is_dir():
            raise ClickbaitError(f"{path}: is a folder, not a model file")
        try:
            with zipfile.ZipFile(path) as zf:
                members = {}
                for info in zf.infolist():
                    if not info.filename.endswith(".npy"):
                        raise ClickbaitError(f"{path}: not a clickbait model (unexpected member {info.filename!r})")
                    if info.file_size > 2_000_000_000:
                        raise ClickbaitError(f"{path}: not a clickbait model (member too large)")
                    members[info.filename[:-4]] = zf.read(info)
        except ClickbaitError:
            raise
        except zipfile.BadZipFile:
            size = path.stat().st_size
            what = "empty file" if size == 0 else "not a model file (not a zip/.npz archive, or truncated)"
            raise ClickbaitError(f"{path}: {what}") from None
        except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError, ValueError, RuntimeError) as exc:
            raise ClickbaitError(f"{path}: cannot read model file ({exc})") from None
        return cls._from_members(path, members)

    @classmethod
    def _from_members(cls, path: Path, members: dict[str, bytes]) -> "Model":
        def bad(problem: str) -> ClickbaitError:
            return ClickbaitError(f"{path}: {problem}")

        if "format_version" not in members:
            raise bad("not a clickbait model (no format_version)")
        arrays = {}
        for name, data in members.items():
            try:
                arrays[name] = np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
            except ValueError as exc:
                if "allow_pickle" in str(exc) or "Object arrays" in str(exc):
                    raise bad(f"refused: member {name!r} holds pickled objects") from None
                raise bad(f"damaged member {name!r} ({exc})") from None
            except Exception as exc:  # malformed .npy header: numpy raises several kinds
                raise bad(f"damaged member {name!r} ({type(exc).__name__})") from None
        version = arrays["format_version"]
        if version.dtype.kind not in "iu" or version.shape != (1,):
            raise bad("not a clickbait model (bad format_version)")
        if int(version[0]) > FORMAT_VERSION:
            raise bad(
                f"model format version {int(version[0])} is newer than this program reads "
                f"({FORMAT_VERSION}); upgrade clickbait or retrain the model"
            )
        if int(version[0]) < 1:
            raise bad(f"not a clickbait model (format version {int(version[0])})")
        if "checksum" not in members:
            raise bad("not a clickbait model (no checksum)")
        body = {k: v for k, v in sorted(members.items()) if k != "checksum"}
        if _digest(body) != arrays["checksum"].tobytes():
            raise bad("checksum mismatch: the file is damaged or was altered")
        for name in ("settings", "metadata", "intercept", "threshold"):
            if name not in arrays:
                raise bad(f"not a clickbait model (no {name})")
        try:
            settings = json.loads(arrays["settings"].tobytes().decode("utf-8"))
            metadata = json.loads(arrays["metadata"].tobytes().decode("utf-8"))
            block_settings = settings["blocks"]
            blocks = []
            for i, bs in enumerate(block_settings):
                vocab_bytes = arrays[f"vocab_{i}"].tobytes()
                vocab = vocab_bytes.decode("utf-8").split("\n") if vocab_bytes else []
                idf, coef = arrays[f"idf_{i}"], arrays[f"coef_{i}"]
                if idf.dtype != np.float64 or coef.dtype != np.float64:
                    raise bad(f"block {i}: idf and coefficients must be float64")
                if not (len(vocab) == idf.shape[0] == coef.shape[0]) or idf.ndim != 1 or coef.ndim != 1:
                    raise bad(
                        f"block {i}: arrays disagree in size (vocabulary {len(vocab)}, "
                        f"idf {idf.shape}, coefficients {coef.shape})"
                    )
                lo, hi = (int(x) for x in bs["ngram_range"])
                if not 1 <= lo <= hi <= 20:
                    raise bad(f"block {i}: bad ngram_range {bs['ngram_range']}")
                blocks.append(
                    Block(
                        analyzer=str(bs["analyzer"]),
                        ngram_range=(lo, hi),
                        vocabulary=vocab,
                        idf=idf,
                        coef=coef,
                        sublinear_tf=bool(bs["sublinear_tf"]),
                        token_pattern=str(bs.get("token_pattern", r"(?u)\b\w\w+\b")),
                    )
                )
            intercept, threshold = arrays["intercept"], arrays["threshold"]
            if intercept.shape != (1,) or threshold.shape != (1,):
                raise bad("intercept and threshold must hold one number each")
            threshold_value = float(threshold[0])
            if not 0.0 <= threshold_value <= 1.0:
                raise bad(f"threshold {threshold_value} is outside 0..1")
            model = cls(
                blocks=blocks,
                intercept=float(intercept[0]),
                threshold=threshold_value,
                fold_diacritics=bool(settings.get("fold_diacritics", False)),
                markers=bool(settings.get("markers", False)),
                metadata=metadata,
                path=path,
            )
        except ClickbaitError:
            raise
        except KeyError as exc:
            raise bad(f"not a clickbait model (missing {exc.args[0]!r})") from None
        except (ValueError, TypeError, UnicodeDecodeError, re.error) as exc:
            raise bad(f"not a clickbait model ({exc})") from None
        return model


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ClickbaitError(f"{path}: cannot write model ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        try:
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError:
            pass
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ClickbaitError(f"{path}: cannot write model ({exc.strerror or exc})") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _logistic(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def _json_array(obj: dict) -> np.ndarray:
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _digest(members: dict[str, bytes]) -> bytes:
    h = hashlib.sha256()
    for name in sorted(members):
        data = members[name]
        h.update(name.encode("utf-8") + b"\0" + len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()
