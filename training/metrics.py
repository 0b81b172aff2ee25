"""Classification figures for the clickbait class: plain numpy, so they are cheap to bootstrap."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

HEADLINE_METRICS = ("accuracy", "precision", "recall", "macro_f1", "roc_auc")


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half); NaN with one class only."""
    y = np.asarray(y)
    pos = int(y.sum())
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    ranks = rankdata(p)
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def binary(y, p, threshold: float) -> dict:
    """n, accuracy, precision and recall of the clickbait class, macro-F1, ROC-AUC, confusion counts."""
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    pred = p >= threshold
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    n = len(y)
    return {
        "n": n,
        "accuracy": (tp + tn) / n if n else float("nan"),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "macro_f1": (_f1(tp, fp, fn) + _f1(tn, fn, fp)) / 2,
        "roc_auc": roc_auc(y, p),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
    }


def choose_threshold(y, p, target_precision: float | None = None, feed_prior: float | None = None) -> tuple[float, str]:
    """The decision threshold from out-of-fold probabilities.

    ``feed_prior``: choose for feeds whose clickbait share is this (the rows of each class are
    weighted so that they make that share), not for the corpus's own share.

    Default: the threshold that maximises macro-F1. With ``target_precision``: the lowest threshold
    whose clickbait precision reaches the target (so recall is as high as it can be at that precision).
    """
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    # With ``feed_prior``, each class is weighted as if it made that share of the rows.
    wp, wn = 1.0, 1.0
    if feed_prior is not None:
        share = y.mean()
        wp, wn = feed_prior / share, (1 - feed_prior) / (1 - share)
    tp = np.cumsum(ys * wp)
    fp = np.cumsum((1 - ys) * wn)
    # Candidate cut i: everything at index <= i predicted clickbait; only at the last of equal scores.
    last = np.r_[ps[1:] != ps[:-1], True]
    tp, fp, cut = tp[last], fp[last], ps[last]
    P, N = float(y.sum()) * wp, float(len(y) - y.sum()) * wn
    fn, tn = P - tp, N - fp
    f1_pos = 2 * tp / np.maximum(2 * tp + fp + fn, 1e-12)
    f1_neg = 2 * tn / np.maximum(2 * tn + fn + fp, 1e-12)
    macro = (f1_pos + f1_neg) / 2
    if target_precision is None:
        i = int(np.argmax(macro))
        where = "" if feed_prior is None else f", rows weighted to a {feed_prior:.0%} clickbait share"
        return _between(cut, i), f"max macro-F1 on out-of-fold probabilities{where}"
    precision = tp / np.maximum(tp + fp, 1e-12)
    ok = np.nonzero(precision >= target_precision)[0]
    if len(ok) == 0:
        i = int(np.argmax(precision))
        return _between(cut, i), f"target precision {target_precision:g} not reachable; highest precision used"
    i = int(ok[-1])
    return _between(cut, i), f"lowest threshold with out-of-fold precision >= {target_precision:g}"


def _between(cut: np.ndarray, i: int) -> float:
    """A threshold just at cut[i] (inclusive) and above the next lower score: their midpoint."""
    lower = cut[i + 1] if i + 1 < len(cut) else 0.0
    return float((cut[i] + lower) / 2)


def calibration(y, p, bins: int = 10, feed_prior: float | None = None) -> dict:
    """Brier score and a reliability table: per probability bin, n, mean predicted, observed rate.

    With ``feed_prior`` the rows of each class are weighted so that they make that share, as in a
    feed the (moved) probabilities are meant for.
    """
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    w = np.ones_like(y)
    if feed_prior is not None and 0 < y.mean() < 1:
        w = np.where(y == 1, feed_prior / y.mean(), (1 - feed_prior) / (1 - y.mean()))
    idx = np.minimum((p * bins).astype(int), bins - 1)
    table = []
    for b in range(bins):
        m = idx == b
        n = int(m.sum())
        table.append(
            {
                "bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
                "n": n,
                "predicted": float(p[m].mean()) if n else None,
                "observed": float(np.average(y[m], weights=w[m])) if n else None,
            }
        )
    return {"brier": float(np.average((p - y) ** 2, weights=w)), "bins": table,
            "weighted_to": feed_prior}


def bootstrap_ci(y, p, threshold: float, rounds: int = 1000, seed: int = 0) -> dict:
    """95% percentile bootstrap intervals of macro-F1 and ROC-AUC (resampling rows)."""
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    rng = np.random.default_rng(seed)
    f1s, aucs = [], []
    n = len(y)
    for _ in range(rounds):
        i = rng.integers(0, n, n)
        m = binary(y[i], p[i], threshold)
        f1s.append(m["macro_f1"])
        if not np.isnan(m["roc_auc"]):
            aucs.append(m["roc_auc"])
    q = lambda xs: [float(np.percentile(xs, 2.5)), float(np.percentile(xs, 97.5))] if xs else [None, None]
    return {"macro_f1": q(f1s), "roc_auc": q(aucs)}
