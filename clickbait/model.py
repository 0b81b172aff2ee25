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
    tokens_<i>      uint8   word blocks: the tokens of the terms, UTF-8, joined by newlines (format 2)
    termtok_<i>     int32[n_i, max_n]  word blocks: each term's token ids, -1 past its end (format 2)
    isword_<i>      bool[n_tokens]     word blocks: which tokens are words to judge (format 2)
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
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from clickbait.errors import ClickbaitError
from clickbait.files import atomic_write
from clickbait.features import Block, _char_ngrams
from clickbait.prior import check_prior, model_prior, shift
from clickbait.text import MARKERS, MAX_CHARS, Prepared, normalize, prepare_many, split_tag, tag_only

_TOKEN_RE = re.compile(r"\w\w+")

FORMAT_VERSION = 2  # 2: per-block `markers` (character blocks never see marker words)
MODEL_FILENAME = "clickbait.npz"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def model_locations() -> list[Path]:
    """Where the default model is looked for, in order: $CLICKBAIT_MODEL; ``models/clickbait.npz`` of
    the checkout this package runs from (an editable install); ``clickbait.npz`` in the user's data
    folder (platformdirs: ``~/.local/share/clickbait`` on Linux), where an installed package keeps it."""
    env = os.environ.get("CLICKBAIT_MODEL")
    if env:
        return [Path(env)]
    places = []
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").exists():
        places.append(checkout / "models" / MODEL_FILENAME)
    places.append(user_model_path())
    return places


def user_model_path() -> Path:
    """``clickbait.npz`` in the user's data folder."""
    from platformdirs import user_data_path

    return user_data_path("clickbait", appauthor=False) / MODEL_FILENAME


def default_model_path() -> Path:
    """The first of :func:`model_locations` that exists (else the first of them)."""
    places = model_locations()
    for p in places:
        if p.exists():
            return p
    return places[0]


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

    def __repr__(self) -> str:
        where = f" from {self.path}" if self.path else ""
        return (f"<clickbait Model{where}: {', '.join(repr(b) for b in self.blocks)}, "
                f"threshold {self.threshold:.3f}, prior {self.prior:.3f}>")

    @property
    def prior(self) -> float:
        """The clickbait share the model's probabilities assume (0.5 when trained with balanced class
        weights; else the training rows' share)."""
        return model_prior(self.metadata)

    # -- scoring --------------------------------------------------------------------------------
    def prepare(self, texts: Sequence[str]) -> Prepared:
        """Rail tags and feature texts of ``texts`` (see :func:`clickbait.text.prepare_many`)."""
        return prepare_many(texts, self.fold_diacritics, self.markers)

    def _logits(self, prep: Prepared, n: int) -> np.ndarray:
        out = np.full(n, float(self.intercept))
        if n == 0:
            return out
        counted = False
        for block in self.blocks:
            doc = prep.joined_marked if (block.markers and prep.joined_marked is not None) else prep.joined_plain
            words = [] if (block.counts_words and not counted) else None
            out += block.logits(doc, n, words)
            if words is not None:
                prep._words, counted = words, True  # the same count as text.count_words, from this pass
        out[np.asarray(prep.words, dtype=np.int64) == 0] = np.nan
        return out

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """The linear score (log-odds of clickbait) of each text; NaN for a text with no word to judge."""
        texts = check_texts(texts)
        return self._logits(self.prepare(texts), len(texts))

    def probabilities(self, texts: Sequence[str], prior: float | None = None) -> np.ndarray:
        """P(clickbait) for each text, the logistic of :meth:`logits` (moved to ``prior`` when given);
        NaN for a text with no word to judge."""
        z = self.logits(texts)
        if prior is not None:
            z = z + shift(self.prior, check_prior(prior))
        return _logistic(z)

    def scored(self, texts: Sequence[str], threshold: float | None = None, prior: float | None = None) -> "Scored":
        """Columns of the scores of ``texts`` (the fast path behind :meth:`score` and the CLI)."""
        texts = check_texts(texts)
        cut = self.threshold if threshold is None else check_threshold(threshold)
        prep = self.prepare(texts)
        z = self._logits(prep, len(texts))
        if prior is not None:
            z += shift(self.prior, check_prior(prior))
        return Scored(texts, prep.tags, _logistic(z), cut, prep.words, prep.reasons)

    def score(self, texts: Sequence[str], threshold: float | None = None, prior: float | None = None) -> list[dict]:
        """One record per text, in order: headline (as given), tag, probability, clickbait, short, reason.

        A text with no word to judge (blank, punctuation or digits only, a single letter, a tag alone)
        gets ``probability`` and ``clickbait`` None and a ``reason``; a text of one or two words is
        scored and marked ``short``. ``prior``: the clickbait share of the feed, in (0, 1): the
        probabilities are moved to it by Bayes' rule (see :mod:`clickbait.prior`), and decided at the
        model's threshold.
        """
        return self.scored(texts, threshold, prior).records()

    def explain(self, text: str) -> dict:
        """The exact terms of the linear score of ``text``: each n-gram's tf-idf value x coefficient.

        The contributions plus the intercept sum to the logit.
        """
        if not isinstance(text, str):
            raise ClickbaitError(f"explain() takes one headline as a string, not {type(text).__name__}")
        prep = self.prepare([text])
        tag, doc, plain = prep.tags[0], prep.marked[0], prep.plain[0]
        terms = []
        for block in self.blocks:
            rows, cols, values = block.weights(doc if block.markers else plain, 1)
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
        blank = prep.words[0] == 0
        prob = None if blank else float(_logistic(np.array([logit]))[0])
        words, after = self._word_pushes(text, terms, doc, plain)
        return {
            "headline": text,
            "feature_text": doc,
            "tag": tag,
            "short": 1 <= prep.words[0] <= 2,
            "reason": prep.reasons[0],
            "intercept": float(self.intercept),
            "logit": None if blank else logit,
            "probability": prob,
            "clickbait": None if prob is None else prob >= self.threshold,
            "threshold": self.threshold,
            "terms": terms,
            "words": words,
            "after": after,
        }

    def _word_pushes(self, text: str, terms: list[dict], marked: str, plain: str) -> tuple[list[dict], str]:
        """The headline's words as written (normalised, tag removed), each with the summed contribution
        of the n-grams it takes part in (an n-gram seen k times gives each occurrence 1/k of its share)."""
        line = normalize(text[:MAX_CHARS])
        if tag_only(line) is not None:
            return [], ""
        body = split_tag(line)[1]
        shown = body.split(" ") if body else []
        plain_words = plain.split(" ") if plain else []
        if len(shown) != len(plain_words):
            return [], body
        push = [0.0] * len(shown)
        # token -> the shown word it lies in
        tok_word: list[int] = []
        for i, w in enumerate(plain_words):
            tok_word.extend([i] * len(_TOKEN_RE.findall(w)))
        by_term = {(t["ngram"], t["analyzer"]): t["contribution"] for t in terms}
        for block in self.blocks:
            lo, hi = block.ngram_range
            if block.analyzer == "word":
                toks = _TOKEN_RE.findall(marked if block.markers else plain)
                where: list[int | None] = []
                j = 0
                for tok in toks:  # marker words have no place in the headline
                    if j < len(tok_word) and tok not in MARKERS:
                        where.append(tok_word[j])
                        j += 1
                    else:
                        where.append(None)
                occ: dict[str, list[list[int]]] = {}
                for n in range(lo, hi + 1):
                    for i in range(len(toks) - n + 1):
                        gram = " ".join(toks[i : i + n])
                        if (gram, "word") in by_term:
                            occ.setdefault(gram, []).append([w for w in where[i : i + n] if w is not None])
                for gram, places in occ.items():
                    share = by_term[(gram, "word")] / len(places)
                    for ws in places:
                        for w in set(ws):
                            push[w] += share
            else:
                occ_c: dict[str, list[int]] = {}
                for i, w in enumerate(plain_words):
                    for gram in _char_ngrams(w, lo, hi):
                        if (gram, block.analyzer) in by_term:
                            occ_c.setdefault(gram, []).append(i)
                for gram, places in occ_c.items():
                    share = by_term[(gram, block.analyzer)] / len(places)
                    for w in places:
                        push[w] += share
        words = [{"text": w, "before": "" if i == 0 else " ", "push": push[i]} for i, w in enumerate(shown)]
        return words, ""

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
            "prior": self.prior,
            "max_abs_coef": self.max_abs_coef(),
            "vocabulary_size": self.n_features,
            "class_weight": meta.get("class_weight"),
            "data_sha256": meta.get("data_sha256"),
            "cv": cv,
            "brier": (meta.get("calibration") or {}).get("brier"),
            "calibration": (meta.get("calibration") or {}).get("bins"),
            "calibration_weighted_to": (meta.get("calibration") or {}).get("weighted_to"),
            "top_clickbait": pos,
            "top_nonclickbait": neg,
        }

    def max_abs_coef(self) -> dict | None:
        """The n-gram with the largest |coefficient|: one term that decides alone is a warning sign."""
        best = None
        for b in self.blocks:
            if len(b.coef):
                i = int(np.argmax(np.abs(b.coef)))
                if best is None or abs(b.coef[i]) > abs(best["coef"]):
                    best = {"ngram": b.vocabulary[i], "analyzer": b.analyzer, "coef": float(b.coef[i])}
        return best

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
            if block.analyzer == "word":
                tokens, term_tok, is_word = block.word_structure()
                arrays[f"tokens_{i}"] = np.frombuffer("\n".join(tokens).encode("utf-8"), dtype=np.uint8)
                arrays[f"termtok_{i}"] = np.ascontiguousarray(term_tok, dtype=np.int32)
                arrays[f"isword_{i}"] = np.ascontiguousarray(is_word, dtype=bool)
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
        atomic_write(path, data, what="model")
        self.path = path
        return path

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "Model":
        """Read and check a model file. Raises :class:`ClickbaitError` naming the path and the problem."""
        if path is None and os.environ.get("CLICKBAIT_MODEL"):
            path = Path(os.environ["CLICKBAIT_MODEL"])
            if not path.exists():
                raise ClickbaitError(f"{path}: model file not found (named by $CLICKBAIT_MODEL)")
        if path is None:
            places = model_locations()
            path = next((p for p in places if p.exists()), None)
            if path is None:
                looked = "; ".join(str(p) for p in places)
                raise ClickbaitError(
                    f"no model found (looked in: {looked}); run `make train` in the checkout, or "
                    f"`clickbait train DATA --out {places[-1]}`, or set $CLICKBAIT_MODEL"
                )
        path = Path(path)
        if not path.exists():
            raise ClickbaitError(f"{path}: model file not found")
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
                structure = None
                if f"termtok_{i}" in arrays:  # the word lookup structure, stored at training time
                    tok_bytes = arrays[f"tokens_{i}"].tobytes()
                    tokens = tok_bytes.decode("utf-8").split("\n") if tok_bytes else []
                    term_tok, is_word = arrays[f"termtok_{i}"], arrays.get(f"isword_{i}")
                    if (term_tok.dtype != np.int32 or term_tok.shape != (len(vocab), hi) or is_word is None
                            or is_word.dtype != bool or is_word.shape != (len(tokens),)
                            or (len(tokens) and (term_tok.max() >= len(tokens) or term_tok.min() < -1))):
                        raise bad(f"block {i}: the stored token structure does not fit its vocabulary")
                    structure = (tokens, term_tok, is_word)
                blocks.append(
                    Block(
                        analyzer=str(bs["analyzer"]),
                        ngram_range=(lo, hi),
                        vocabulary=vocab,
                        idf=idf,
                        coef=coef,
                        sublinear_tf=bool(bs["sublinear_tf"]),
                        token_pattern=str(bs.get("token_pattern", r"(?u)\b\w\w+\b")),
                        # format 1 fed marker words to every block
                        markers=bool(bs.get("markers", settings.get("markers", False))),
                        structure=structure,
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


RECORD_COLUMNS = ("headline", "tag", "probability", "clickbait", "short", "reason")


@dataclass
class Scored:
    """The scores of a list of texts, as columns: what :meth:`Model.score` turns into records and the
    CLI writes out without building them. ``probability`` holds NaN where a text has no score."""

    texts: list[str]
    tags: list[str | None]
    probability: np.ndarray
    threshold: float
    words: list[int]
    reasons: list[str | None]

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def clickbait(self) -> np.ndarray:
        return self.probability >= self.threshold

    @property
    def short(self) -> list[bool]:
        return [1 <= w <= 2 for w in self.words]

    def records(self) -> list[dict]:
        probs = self.probability.tolist()
        out = []
        for text, tag, p, short, reason in zip(self.texts, self.tags, probs, self.short, self.reasons):
            if p != p:  # NaN: nothing to judge
                out.append({"headline": text, "tag": tag, "probability": None, "clickbait": None,
                            "short": short, "reason": reason})
            else:
                out.append({"headline": text, "tag": tag, "probability": p, "clickbait": p >= self.threshold,
                            "short": short, "reason": None})
        return out


def check_texts(texts) -> list[str]:
    """``texts`` as a list of strings, or a :class:`ClickbaitError` that says what is wrong."""
    if isinstance(texts, (str, bytes)):
        raise ClickbaitError(
            "score() takes a list of headlines, not one string: write model.score([headline])"
        )
    try:
        texts = list(texts)
    except TypeError:
        raise ClickbaitError(f"score() takes a list of headlines, not {type(texts).__name__}") from None
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise ClickbaitError(f"headline {i} is {type(t).__name__}, not a string")
    return texts


def check_threshold(threshold) -> float:
    """A decision threshold as a float in [0, 1], or a :class:`ClickbaitError`."""
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating)):
        raise ClickbaitError(f"threshold must be a number between 0 and 1, not {type(threshold).__name__}")
    threshold = float(threshold)
    if not 0.0 <= threshold <= 1.0:
        raise ClickbaitError(f"threshold must be between 0 and 1, got {threshold:g}")
    return threshold


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
