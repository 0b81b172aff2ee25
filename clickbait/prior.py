"""Prior shift: the clickbait share a model's probabilities assume, moved to a feed's own share.

Pure numpy, no I/O. A classifier's posterior p under the training prior pi_t becomes, for a feed
whose clickbait share is pi, by Bayes' rule (Saerens, Latinne & Decaestecker 2002)::

    p' = (pi / pi_t) p / ((pi / pi_t) p + ((1 - pi) / (1 - pi_t)) (1 - p))

which on the log-odds scale is a constant shift: ``logit(p') = logit(p) + logit(pi) - logit(pi_t)``.
:func:`estimate` finds pi from unlabelled probabilities by expectation-maximisation: adapt the
posteriors to the current pi, take their mean as the next pi, until it stops moving.
"""

from __future__ import annotations

import math

import numpy as np

from clickbait.errors import ClickbaitError


def check_prior(prior: float) -> float:
    """``prior`` as a float strictly between 0 and 1, or a :class:`ClickbaitError`."""
    if isinstance(prior, bool) or not isinstance(prior, (int, float, np.floating)):
        raise ClickbaitError(f"prior must be a number between 0 and 1 (exclusive), not {type(prior).__name__}")
    prior = float(prior)
    if not 0.0 < prior < 1.0:
        raise ClickbaitError(f"prior must be between 0 and 1 (exclusive), got {prior:g}")
    return prior


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def shift(train_prior: float, prior: float) -> float:
    """The log-odds shift that moves probabilities from ``train_prior`` to ``prior``."""
    return logit(prior) - logit(train_prior)


def adapt(p: np.ndarray, train_prior: float, prior: float) -> np.ndarray:
    """Probabilities ``p`` (under ``train_prior``) re-weighted by Bayes' rule to ``prior``. NaN stays NaN."""
    p = np.asarray(p, dtype=np.float64)
    a = prior / train_prior
    b = (1.0 - prior) / (1.0 - train_prior)
    with np.errstate(invalid="ignore"):
        return a * p / (a * p + b * (1.0 - p))


def model_prior(metadata: dict) -> float:
    """The prior a model's probabilities assume, from its metadata: the stored ``prior``; else 0.5 for
    balanced class weights (each class weighs as much in the fit), else the training rows' share."""
    if isinstance(metadata.get("prior"), (int, float)) and 0 < metadata["prior"] < 1:
        return float(metadata["prior"])
    if metadata.get("class_weight") == "balanced":
        return 0.5
    rows = metadata.get("rows") or {}
    if rows.get("total") and 0 < rows.get("clickbait", 0) < rows["total"]:
        return rows["clickbait"] / rows["total"]
    return 0.5


def estimate(p: np.ndarray, train_prior: float, tol: float = 1e-6, max_iter: int = 1000,
             weights: np.ndarray | None = None) -> tuple[float, int]:
    """EM estimate of the clickbait share of the texts whose probabilities are ``p``.

    Returns (share, iterations). NaN entries (texts with no score) are ignored; ``weights`` counts
    each entry that many times (for bootstraps over binned probabilities).
    """
    p = np.asarray(p, dtype=np.float64)
    keep = ~np.isnan(p)
    p = p[keep]
    w = None if weights is None else np.asarray(weights, dtype=np.float64)[keep]
    total = p.size if w is None else float(w.sum())
    if p.size == 0 or total <= 0:
        raise ClickbaitError("no scored titles to estimate a share from")
    # Clip away exact 0 and 1, which would pin the estimate.
    p = np.clip(p, 1e-12, 1 - 1e-12)
    pi = train_prior
    for it in range(1, max_iter + 1):
        q = adapt(p, train_prior, pi)
        new = float(q.mean() if w is None else (q * w).sum() / total)
        new = min(max(new, 1e-9), 1 - 1e-9)
        if abs(new - pi) < tol:
            return new, it
        pi = new
    return pi, max_iter


def bootstrap(p: np.ndarray, train_prior: float, resamples: int = 1000, seed: int = 0,
              level: float = 0.95, bins: int = 2000) -> tuple[float, float]:
    """A percentile bootstrap interval of :func:`estimate`'s share.

    Each resample draws the texts anew (multinomially); to keep the cost independent of the number of
    texts, the probabilities are first grouped into ``bins`` bins of equal width in log-odds (the
    estimate moves by far less than the interval's width).
    """
    p = np.asarray(p, dtype=np.float64)
    p = p[~np.isnan(p)]
    if p.size == 0:
        raise ClickbaitError("no scored titles to estimate a share from")
    z = np.log(np.clip(p, 1e-12, 1 - 1e-12)) - np.log1p(-np.clip(p, 1e-12, 1 - 1e-12))
    if p.size > bins:
        edges = np.linspace(z.min(), z.max(), bins + 1)
        which = np.clip(np.searchsorted(edges, z, side="right") - 1, 0, bins - 1)
        counts = np.bincount(which, minlength=bins).astype(np.float64)
        sums = np.bincount(which, weights=z, minlength=bins)
        used = counts > 0
        centres = sums[used] / counts[used]
        probs = counts[used] / counts.sum()
    else:
        centres, probs = z, np.full(p.size, 1.0 / p.size)
    values = 1.0 / (1.0 + np.exp(-centres))
    rng = np.random.default_rng(seed)
    shares = np.empty(resamples)
    for r in range(resamples):
        w = rng.multinomial(p.size, probs)
        shares[r] = estimate(values, train_prior, weights=w)[0]
    alpha = (1.0 - level) / 2
    lo, hi = np.quantile(shares, [alpha, 1.0 - alpha])
    return float(lo), float(hi)
