"""Choosing the default model's settings on RoCliCo dev: `python -m clickbait.training.select [--quick]`.

The procedure of the README ("Choosing the settings"): every candidate is trained on data/ only
(the default corpus), then scored on the real titles of ../shared/datasets/roclico-dev/, never trained
on. Printed per candidate: pooled ROC-AUC with a 95% bootstrap interval, ROC-AUC per source, and
macro-F1 under two threshold rules: max macro-F1 on the corpus's out-of-fold probabilities, and the
Bayes decision for a feed with DEFAULT_FEED_PRIOR clickbait (0.5 on probabilities moved to it). The simpler,
cheaper setting is preferred when intervals overlap; the chosen one is pinned in training/fit.py
(DEFAULT_CONFIG). Nothing is tuned to single titles: only these pooled figures are read.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

import numpy as np

from clickbait.training import data as tdata
from clickbait.training import fit as tfit
from clickbait.training import metrics
from clickbait.training.bench import ROOT, load_roclico, say, table


def candidates(quick: bool) -> list[tfit.Config]:
    base = tfit.DEFAULT_CONFIG
    out = []
    for features in ("word", "union"):
        for C in ((1.0, 4.0) if quick else (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)):
            out.append(replace(base, features=features, C=C))
    if not quick:
        for markers in (False, True):
            for ngram in ((1, 1), (1, 2), (1, 3)):
                for min_df in (1, 2, 3):
                    out.append(replace(base, markers=markers, word_ngram=ngram, min_df=min_df))
    seen, unique = set(), []
    for c in out:
        if c not in seen:
            seen.add(c)
            unique.append(c)
    return unique


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    dev = load_roclico()
    if dev is None:
        say("RoCliCo dev is absent (../shared/datasets/roclico-dev); nothing to select on")
        return 1
    ds = tdata.load([ROOT / "data" / "headlines.csv"])
    y = np.asarray(ds.labels)
    names = list(dev)
    dev_texts = [t for n in names for t in dev[n][0]]
    dev_y = np.concatenate([dev[n][1] for n in names])
    sizes = [len(dev[n][0]) for n in names]
    grid = candidates(args.quick)
    probs = tfit.dev_predictions(ds.texts, y, dev_texts, grid, n_jobs=2)
    # Thresholds by the default rule, on out-of-fold probabilities of the corpus (cheap: one config at a time).
    rows = []
    for cfg in grid:
        p = probs[cfg]
        oof = tfit.cross_validate(ds.texts, y, [cfg], folds=5, n_jobs=2)[cfg]
        thr, _ = tfit.threshold_for(y, oof)
        ci = metrics.bootstrap_ci(dev_y, p, thr)
        m = metrics.binary(dev_y, p, thr)
        bayes = 1.0 - tfit.DEFAULT_FEED_PRIOR  # 0.5 after moving 0.5 -> prior, on the balanced scale
        mb = metrics.binary(dev_y, p, bayes)
        cib = metrics.bootstrap_ci(dev_y, p, bayes)
        per, start = [], 0
        for n in sizes:
            per.append(metrics.roc_auc(dev_y[start:start + n], p[start:start + n]))
            start += n
        rows.append([cfg.label() + f" min_df={cfg.min_df}", f"{m['roc_auc']:.3f} [{ci['roc_auc'][0]:.3f}-{ci['roc_auc'][1]:.3f}]",
                     *[f"{a:.3f}" for a in per], f"{thr:.3f}", f"{m['macro_f1']:.3f} [{ci['macro_f1'][0]:.3f}-{ci['macro_f1'][1]:.3f}]",
                     f"{mb['macro_f1']:.3f} [{cib['macro_f1'][0]:.3f}-{cib['macro_f1'][1]:.3f}]"])
    table(f"Candidates trained on data/headlines.csv ({len(y)} rows), measured on RoCliCo dev ({len(dev_y)} titles)",
          ["config", "pooled ROC-AUC [95% CI]", *[f"AUC {n}" for n in names], "OOF threshold", "macro-F1, OOF rule",
           f"macro-F1, Bayes at {tfit.DEFAULT_FEED_PRIOR:g}"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
