"""Fitting: model selection by stratified cross-validation, threshold choice, export to a Model file.

The final model is one ``LogisticRegression`` over TF-IDF blocks (word n-grams, character n-grams
inside word boundaries, or both), so :mod:`clickbait.model` can score it with numpy alone.
Class imbalance is handled with ``class_weight="balanced"``: each class weighs in inversely to its
frequency, so a corpus with 15% or 70% clickbait trains a model that does not just predict the
majority; the decision threshold is then chosen on out-of-fold probabilities.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from typing import Callable, Sequence

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from clickbait.errors import ClickbaitError
from clickbait.features import Block
from clickbait.model import Model
from clickbait.text import prepare_many
from clickbait.training import metrics

TOKEN_PATTERN = r"(?u)\b\w\w+\b"
SEED = 0
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Config:
    """Feature and regularisation settings of one candidate model."""

    features: str = "union"  # "word", "char" or "union"
    word_ngram: tuple[int, int] = (1, 2)
    char_ngram: tuple[int, int] = (2, 5)
    C: float = 4.0
    fold_diacritics: bool = True
    markers: bool = True
    min_df: int = 2

    def label(self) -> str:
        parts = [self.features]
        if self.features in ("word", "union"):
            parts.append(f"w{self.word_ngram[0]}-{self.word_ngram[1]}")
        if self.features in ("char", "union"):
            parts.append(f"c{self.char_ngram[0]}-{self.char_ngram[1]}")
        parts.append(f"C={self.C:g}")
        parts.append("fold" if self.fold_diacritics else "diacritics")
        if self.markers:
            parts.append("markers")
        return " ".join(parts)


# The grid `clickbait train --grid search` compares: feature kinds x n-gram ranges x structure markers x C.
# Diacritics are always folded (many sites write without them); markers are compared on every kind.
SEARCH_GRID: tuple[Config, ...] = tuple(
    Config(features=f, word_ngram=w, char_ngram=c, C=C, markers=markers)
    for f, w, c in (
        ("word", (1, 3), (2, 5)),
        ("char", (1, 2), (2, 5)),
        ("union", (1, 2), (2, 5)),
        ("union", (1, 3), (1, 5)),
    )
    for markers in (False, True)
    for C in (1.0, 4.0, 16.0)
)
# The default model's settings, chosen on RoCliCo dev (README, "Choosing the settings"); `make train`
# trains exactly these, so a fresh clone without ../shared gives the same model.
DEFAULT_CONFIG = Config(features="word", word_ngram=(1, 2), C=4.0, fold_diacritics=True, markers=True, min_df=2)
# The clickbait share the default model is made for (`make train --feed-prior`): its probabilities
# assume it, and it decides at 0.5 on them (real news feeds are far below the corpus's 45%).
DEFAULT_FEED_PRIOR = 0.2
DEFAULT_GRID: tuple[Config, ...] = (DEFAULT_CONFIG,)
QUICK_GRID: tuple[Config, ...] = (Config(),)


def vectorizers(cfg: Config) -> list[tuple[str, TfidfVectorizer]]:
    """The TF-IDF blocks of ``cfg``, configured exactly as the numpy scorer reads them."""
    common = dict(lowercase=False, sublinear_tf=True, min_df=cfg.min_df, dtype=np.float64, norm="l2")
    out = []
    if cfg.features in ("word", "union"):
        out.append(("word", TfidfVectorizer(analyzer="word", ngram_range=cfg.word_ngram, token_pattern=TOKEN_PATTERN, **common)))
    if cfg.features in ("char", "union"):
        out.append(("char_wb", TfidfVectorizer(analyzer="char_wb", ngram_range=cfg.char_ngram, **common)))
    if not out:
        raise ClickbaitError(f"unknown feature kind {cfg.features!r} (word, char or union)")
    return out


@dataclass(frozen=True)
class Docs:
    """The feature texts of a list of headlines: with structure markers (what word blocks read when
    the config has markers) and without (what character blocks always read)."""

    marked: list[str]
    plain: list[str]

    def for_block(self, analyzer: str, markers: bool) -> list[str]:
        return self.marked if (analyzer == "word" and markers) else self.plain

    def subset(self, idx) -> "Docs":
        return Docs([self.marked[i] for i in idx], [self.plain[i] for i in idx])


class Fitted:
    """A fitted scikit-learn model: the vectorizers and the logistic regression over their hstack."""

    def __init__(self, cfg: Config, vecs: list[tuple[str, TfidfVectorizer]], clf: LogisticRegression):
        self.cfg, self.vecs, self.clf = cfg, vecs, clf

    def transform(self, docs: Docs):
        return sparse.hstack([v.transform(docs.for_block(a, self.cfg.markers)) for a, v in self.vecs], format="csr")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """P(clickbait) from scikit-learn itself, for headlines ``texts``."""
        docs = feature_docs(texts, self.cfg.fold_diacritics, self.cfg.markers)
        return self.clf.predict_proba(self.transform(docs))[:, 1]

    def export(self, threshold: float, metadata: dict) -> Model:
        coef = self.clf.coef_[0].astype(np.float64)
        blocks, offset = [], 0
        for analyzer, vec in self.vecs:
            vocab = vec.vocabulary_
            terms = [""] * len(vocab)
            for term, col in vocab.items():
                terms[col] = term
            n = len(terms)
            blocks.append(
                Block(
                    analyzer=analyzer,
                    ngram_range=tuple(vec.ngram_range),
                    vocabulary=terms,
                    idf=vec.idf_.astype(np.float64),
                    coef=coef[offset : offset + n].copy(),
                    sublinear_tf=bool(vec.sublinear_tf),
                    token_pattern=vec.token_pattern or TOKEN_PATTERN,
                    markers=analyzer == "word" and self.cfg.markers,
                )
            )
            offset += n
        return Model(
            blocks=blocks,
            intercept=float(self.clf.intercept_[0]),
            threshold=float(threshold),
            fold_diacritics=self.cfg.fold_diacritics,
            markers=self.cfg.markers,
            metadata=metadata,
        )


def _single_threaded():
    """BLAS with one thread: liblinear's dot products then add up in the same order in the main
    process and in joblib's workers, so a serial and a parallel run give the same bytes."""
    return threadpool_limits(limits=1)


def _classifier(C: float) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=SEED)


def fit(docs: Docs, y: Sequence[int], cfg: Config, sample_weight: Sequence[float] | None = None) -> Fitted:
    """Fit ``cfg`` on the feature texts ``docs`` with labels ``y`` (each row weighted by
    ``sample_weight``, on top of the balanced class weights, when given)."""
    vecs = vectorizers(cfg)
    X = sparse.hstack([v.fit_transform(docs.for_block(a, cfg.markers)) for a, v in vecs], format="csr")
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    with _single_threaded():
        clf = _classifier(cfg.C).fit(X, np.asarray(y), sample_weight=w)
    return Fitted(cfg, vecs, clf)


def feature_docs(texts: Sequence[str], fold_diacritics: bool, markers: bool = False) -> Docs:
    """The feature texts of ``texts``, exactly as the scorer computes them."""
    prep = prepare_many(list(texts), fold_diacritics, markers)
    return Docs(marked=prep.marked, plain=prep.plain)


def _fit_predict(train_docs: Docs, y_train, test_docs: Docs, feature_cfg: Config, Cs: Sequence[float]) -> dict:
    """Vectorise once, then fit every C on the training rows: probabilities on the test rows per C."""
    vecs = vectorizers(feature_cfg)
    m = feature_cfg.markers
    Xtr = sparse.hstack([v.fit_transform(train_docs.for_block(a, m)) for a, v in vecs], format="csr")
    Xte = sparse.hstack([v.transform(test_docs.for_block(a, m)) for a, v in vecs], format="csr")
    with _single_threaded():
        return {C: _classifier(C).fit(Xtr, y_train).predict_proba(Xte)[:, 1] for C in Cs}


def _fold_job(docs, y, train_idx, test_idx, feature_cfg: Config, Cs: Sequence[float]):
    """One fold of cross-validation: out-of-fold probabilities per C."""
    return test_idx, _fit_predict(docs.subset(train_idx), y[train_idx], docs.subset(test_idx), feature_cfg, Cs)


def cross_validate(
    texts: Sequence[str],
    y: Sequence[int],
    grid: Sequence[Config],
    folds: int = 5,
    n_jobs: int = 2,
    progress: Progress | None = None,
) -> dict[Config, np.ndarray]:
    """Stratified k-fold out-of-fold probabilities for every config of ``grid``."""
    y = np.asarray(y)
    counts = np.bincount(y, minlength=2)
    if counts.min() < folds:
        raise ClickbaitError(f"need at least {folds} rows per class for {folds}-fold cross-validation")
    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y))
    feature_groups: dict[Config, list[float]] = {}
    for cfg in grid:
        feature_groups.setdefault(replace(cfg, C=0.0), []).append(cfg.C)
    docs_by_text = {key: feature_docs(texts, *key) for key in {(c.fold_diacritics, c.markers) for c in grid}}
    jobs = [(fc, Cs, tr, te) for fc, Cs in feature_groups.items() for tr, te in splits]
    total = len(jobs)
    done = 0
    oof: dict[Config, np.ndarray] = {cfg: np.zeros(len(y)) for cfg in grid}
    if progress:
        progress(0, total, "cross-validation")
    # Batches of n_jobs so the progress display moves; results are identical to one big batch.
    with Parallel(n_jobs=n_jobs) as parallel:
        for start in range(0, total, max(1, n_jobs)):
            batch = jobs[start : start + max(1, n_jobs)]
            results = parallel(
                delayed(_fold_job)(docs_by_text[fc.fold_diacritics, fc.markers], y, tr, te, fc, Cs) for fc, Cs, tr, te in batch
            )
            for (fc, Cs, _, _), (test_idx, probs) in zip(batch, results):
                for C, p in probs.items():
                    oof[replace(fc, C=C)][test_idx] = p
            done += len(batch)
            if progress:
                progress(done, total, "cross-validation")
    return oof


def dev_predictions(texts, y, dev_texts, grid, n_jobs: int = 2, progress: Progress | None = None) -> dict[Config, np.ndarray]:
    """For every config of ``grid``: fitted on all of ``texts``, its probabilities on ``dev_texts``."""
    groups: dict[Config, list[float]] = {}
    for cfg in grid:
        groups.setdefault(replace(cfg, C=0.0), []).append(cfg.C)
    keys = {(c.fold_diacritics, c.markers) for c in grid}
    docs = {k: feature_docs(texts, *k) for k in keys}
    dev_docs = {k: feature_docs(dev_texts, *k) for k in keys}
    items = list(groups.items())
    if progress:
        progress(0, len(items), "dev selection")
    with Parallel(n_jobs=n_jobs) as parallel:
        results = parallel(
            delayed(_fit_predict)(docs[fc.fold_diacritics, fc.markers], np.asarray(y), dev_docs[fc.fold_diacritics, fc.markers], fc, Cs)
            for fc, Cs in items
        )
    if progress:
        progress(len(items), len(items), "dev selection")
    out = {}
    for (fc, _), probs in zip(items, results):
        for C, p in probs.items():
            out[replace(fc, C=C)] = p
    return out


@dataclass
class Report:
    """What training measured: the chosen config, its CV figures, the candidates, calibration."""

    config: Config
    threshold: float
    threshold_rule: str
    cv: dict  # metrics at the chosen threshold, out of fold, plus per-fold rows
    candidates: list[dict]
    calibration: dict
    rows: dict

    def as_metadata(self) -> dict:
        return {
            "config": {**asdict(self.config), "label": self.config.label()},
            "threshold": self.threshold,
            "threshold_rule": self.threshold_rule,
            "cv": self.cv,
            "candidates": self.candidates,
            "calibration": self.calibration,
            "rows": self.rows,
            "class_weight": "balanced",
        }


def train(
    texts: Sequence[str],
    labels: Sequence[int],
    grid: Sequence[Config] = DEFAULT_GRID,
    folds: int = 5,
    target_precision: float | None = None,
    n_jobs: int = 2,
    progress: Progress | None = None,
    extra_metadata: dict | None = None,
    dev: tuple[Sequence[str], Sequence[int]] | None = None,
    feed_prior: float | None = None,
) -> tuple[Model, Report, Fitted]:
    """Select a config by cross-validated ROC-AUC (or, with ``dev``, by ROC-AUC on those labelled
    titles), choose the threshold on its out-of-fold (or dev) probabilities, fit it on all the data
    and export it as a :class:`Model`.

    ``feed_prior``: the clickbait share of the feeds the model is for. The balanced fit assumes equal
    shares; with a feed prior its probabilities are moved to that share by Bayes' rule (the intercept
    shifts by logit(feed_prior)), and the threshold is 0.5 on them (or, with ``target_precision``,
    chosen on out-of-fold probabilities with the rows weighted to that share).
    """
    y = np.asarray(labels, dtype=np.int64)
    move = 0.0 if feed_prior is None else float(np.log(feed_prior / (1 - feed_prior)))

    def moved(q: np.ndarray) -> np.ndarray:
        if not move:
            return q
        z = np.log(np.clip(q, 1e-15, 1 - 1e-15)) - np.log1p(-np.clip(q, 1e-15, 1 - 1e-15))
        return 1.0 / (1.0 + np.exp(-(z + move)))

    oof = cross_validate(texts, y, grid, folds=folds, n_jobs=n_jobs, progress=progress)
    candidates = []
    for cfg, p in oof.items():
        m = metrics.binary(y, p, 0.5)
        candidates.append({"config": cfg.label(), "roc_auc": m["roc_auc"], "macro_f1@0.5": m["macro_f1"]})
    dev_probs = None
    if dev is not None:
        dev_y = np.asarray(dev[1], dtype=np.int64)
        dev_probs = {c: moved(q) for c, q in dev_predictions(texts, y, list(dev[0]), grid, n_jobs=n_jobs, progress=progress).items()}
        for c, cfg in zip(candidates, grid):
            dp = dev_probs[cfg]
            thr, _ = metrics.choose_threshold(dev_y, dp, target_precision)
            c["dev_roc_auc"] = metrics.roc_auc(dev_y, dp)
            c["dev_macro_f1"] = metrics.binary(dev_y, dp, thr)["macro_f1"]
        key = "dev_roc_auc"
    else:
        key = "roc_auc"
    # Highest ROC-AUC; ties go to the earlier (simpler) config of the grid.
    best_i = max(range(len(grid)), key=lambda i: (round(candidates[i][key], 6), -i))
    best = grid[best_i]
    p = moved(oof[best])
    if dev is not None:
        threshold, rule = metrics.choose_threshold(dev_y, dev_probs[best], target_precision)
        rule += " on the dev data"
    elif feed_prior is not None and target_precision is None:
        # The Bayes decision for a feed of that share: clickbait when more likely than not there.
        # Chosen on RoCliCo dev over max macro-F1 on out-of-fold probabilities (README).
        threshold, rule = 0.5, f"0.5 on probabilities moved to a {feed_prior:g} clickbait share (Bayes decision)"
    else:
        threshold, rule = metrics.choose_threshold(y, p, target_precision, feed_prior)
    splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y)
    per_fold = [metrics.binary(y[te], p[te], threshold) for _, te in splits]
    pooled = metrics.binary(y, p, threshold)
    cv = {
        "folds": folds,
        "pooled": pooled,
        "per_fold": per_fold,
        "mean": {k: float(np.mean([f[k] for f in per_fold])) for k in metrics.HEADLINE_METRICS},
        "std": {k: float(np.std([f[k] for f in per_fold])) for k in metrics.HEADLINE_METRICS},
    }
    if progress:
        progress(0, 1, "final fit")
    fitted = fit(feature_docs(texts, best.fold_diacritics, best.markers), y, best)
    if progress:
        progress(1, 1, "final fit")
    report = Report(
        config=best,
        threshold=threshold,
        threshold_rule=rule,
        cv=cv,
        candidates=candidates,
        calibration=metrics.calibration(y, p, feed_prior=feed_prior),
        rows={"total": int(len(y)), "clickbait": int(y.sum()), "nonclickbait": int(len(y) - y.sum())},
    )
    metadata = report.as_metadata()
    metadata["data_sha256"] = data_digest(texts, labels)
    # Balanced class weights: the fitted probabilities assume equal shares, unless moved to a feed prior.
    metadata["prior"] = 0.5 if feed_prior is None else float(feed_prior)
    if dev is not None:
        metadata["dev"] = metrics.binary(dev_y, dev_probs[best], threshold)
    metadata.update(extra_metadata or {})
    model = fitted.export(threshold, metadata)
    model.intercept += move
    return model, report, fitted


def threshold_for(y, p, target_precision: float | None = None, feed_prior: float | None = None) -> tuple[float, str]:
    """The threshold rule (see metrics.choose_threshold)."""
    return metrics.choose_threshold(y, p, target_precision, feed_prior)


def data_digest(texts: Sequence[str], labels: Sequence[int]) -> str:
    h = hashlib.sha256()
    for t, l in zip(texts, labels):
        h.update(f"{int(l)}\t{t}\n".encode("utf-8"))
    return h.hexdigest()


def parse_grid(spec: str) -> tuple[Config, ...]:
    """``default`` (the settings chosen on RoCliCo dev), ``search`` (the full grid, chosen by
    cross-validation or by a --dev file) or ``quick`` (one small config, no search)."""
    grids = {"default": DEFAULT_GRID, "search": SEARCH_GRID, "quick": QUICK_GRID}
    if spec not in grids:
        raise ClickbaitError(f"unknown grid {spec!r}: use default, search or quick")
    return grids[spec]
