"""The learning curve of ``clickbait label``: how much a few hundred of an outlet's own labels help.

The labelling loop is simulated on RoCliCo dev, with its published labels standing in for the person.
For each source, its titles are split in two halves (stratified, fixed seed). Starting from the
default corpus (data/headlines.csv), k titles of the first half are "labelled" and added, chosen

- ``uncertain``: as ``clickbait label`` asks them (:func:`clickbait.label.order`, nearest the threshold,
  with its diversity tie-breaks), in batches, the model retrained after each batch as the tool does;
- ``random``: a random sample (the tool's ``random`` order), mean of several seeds;

then the model is retrained with the default settings (``training.fit.DEFAULT_CONFIG``, the threshold
chosen once by 5-fold cross-validation on the corpus and kept, as the tool keeps it) and measured on
the second half: ROC-AUC and macro-F1. These temporary models live only in this process; the default
model is never trained on RoCliCo.

``python -m clickbait.training.bench_label [--quick]``; :func:`run` returns the printed table (and, when stdout
is a terminal, a small chart after it).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Callable

import numpy as np

from clickbait.training.bench import ROCLICO, ROOT, load_roclico  # noqa: E402
BASE = ROOT / "data" / "headlines.csv"
KS = (0, 50, 100, 200, 400)
SEEDS = 5
BATCH = 20  # the tool's default --batch
SPLIT_SEED = 0


def _table(header: list[str], rows: list[list]) -> list[str]:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    out = []
    for k, r in enumerate(cells):
        out.append("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if k == 0:
            out.append("  " + "  ".join("-" * w for w in widths))
    return out


def halves(y: np.ndarray, seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a stratified split in two halves: (pool, test)."""
    rng = np.random.default_rng(seed)
    pool, test = [], []
    for cls in (0, 1):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        half = (len(idx) + 1) // 2
        pool.extend(idx[:half].tolist())
        test.extend(idx[half:].tolist())
    return np.array(sorted(pool)), np.array(sorted(test))


class _Curve:
    """One source: the pool (first half), the test half, and fits of base + chosen pool titles."""

    def __init__(self, base_docs, base_y, titles: list[str], y: np.ndarray, cfg, threshold: float, prior: float):
        from clickbait import label as lb
        from clickbait.training import fit as tfit

        self.tfit, self.lb, self.cfg, self.threshold, self.prior = tfit, lb, cfg, threshold, prior
        self.base_docs, self.base_y = base_docs, list(base_y)
        pool, test = halves(y)
        self.pool_titles = [titles[i] for i in pool]
        self.pool_y = y[pool]
        self.pool_docs = tfit.feature_docs(self.pool_titles, cfg.fold_diacritics, cfg.markers)
        self.pool_items = [lb.Item(headline=t) for t in self.pool_titles]
        self.test_y = y[test]
        self.test_docs = tfit.feature_docs([titles[i] for i in test], cfg.fold_diacritics, cfg.markers)
        self.fits = 0

    def fit(self, chosen: list[int]):
        from clickbait.training.fit import Docs

        docs = Docs(self.base_docs.marked + [self.pool_docs.marked[i] for i in chosen],
                    self.base_docs.plain + [self.pool_docs.plain[i] for i in chosen])
        y = self.base_y + [int(self.pool_y[i]) for i in chosen]
        self.fits += 1
        from clickbait.label import LABEL_WEIGHT

        weight = [1.0] * len(self.base_y) + [float(LABEL_WEIGHT)] * len(chosen)
        return self.tfit.fit(docs, y, self.cfg, sample_weight=weight)

    def measure(self, fitted) -> tuple[float, float]:
        from clickbait.training import metrics

        p = self._moved(fitted.clf.predict_proba(fitted.transform(self.test_docs))[:, 1])
        m = metrics.binary(self.test_y, p, self.threshold)
        return m["roc_auc"], m["macro_f1"]

    def pool_probs(self, fitted, idx: list[int]) -> np.ndarray:
        sub = self.pool_docs.subset(idx)
        return self._moved(fitted.clf.predict_proba(fitted.transform(sub))[:, 1])

    def _moved(self, p: np.ndarray) -> np.ndarray:
        """The balanced fit's probabilities moved to the default model's prior, as the tool sees them."""
        from clickbait import prior as priors

        return priors.adapt(p, 0.5, self.prior)

    def random_curve(self, ks: list[int], seed: int) -> dict[int, tuple[float, float]]:
        n = len(self.pool_items)
        order = self.lb.order([0.5] * n, self.threshold, "random", keys=[it.key for it in self.pool_items], seed=seed)
        return {k: self.measure(self.fit(order[:k])) for k in ks if k > 0}

    def uncertain_curve(self, ks: list[int], batch: int, base_fit) -> dict[int, tuple[float, float]]:
        """The tool's loop: order the remaining pool by the current model, take a batch, retrain."""
        chosen: list[int] = []
        asked: list[frozenset] = []
        fitted = base_fit
        out = {}
        for k in [k for k in ks if k > 0]:
            while len(chosen) < k:
                taken = set(chosen)
                rest = [i for i in range(len(self.pool_items)) if i not in taken]
                p = self.pool_probs(fitted, rest)
                idx = self.lb.order(p.tolist(), self.threshold, "uncertain",
                                    tokens=[self.pool_items[i].tokens for i in rest], recent=asked)
                take = [rest[j] for j in idx[: min(batch, k - len(chosen))]]
                chosen.extend(take)
                asked.extend(self.pool_items[i].tokens for i in take)
                fitted = self.fit(chosen)
            out[k] = self.measure(fitted)
        return out


def curves(quick: bool = False, log: Callable[[str], None] | None = None) -> dict | None:
    """The measured curves: {source: {...}}, or None when RoCliCo is absent."""
    from clickbait.training import data as tdata
    from clickbait.training import fit as tfit

    log = log or (lambda s: None)
    data = load_roclico()
    if data is None:
        return None
    seeds = 2 if quick else SEEDS
    batch = 50 if quick else BATCH
    t0 = time.perf_counter()
    ds = tdata.load([BASE])
    cfg = tfit.DEFAULT_CONFIG
    base_model, report, base_fit = tfit.train(ds.texts, ds.labels, grid=(cfg,), n_jobs=2, feed_prior=tfit.DEFAULT_FEED_PRIOR)
    threshold = float(base_model.threshold)
    base_docs = tfit.feature_docs(ds.texts, cfg.fold_diacritics, cfg.markers)
    log(f"base model: {len(ds.texts)} rows, {cfg.label()}, threshold {threshold:.3f} ({time.perf_counter() - t0:.0f} s)")
    result = {"base_rows": len(ds.texts), "config": cfg.label(), "threshold": threshold, "seeds": seeds,
              "batch": batch, "sources": {}}
    for name, (titles, y) in data.items():
        c = _Curve(base_docs, ds.labels, titles, y, cfg, threshold, base_model.prior)
        n_pool = len(c.pool_items)
        ks = sorted({min(k, n_pool) for k in KS})
        k0 = c.measure(base_fit)
        unc = {0: k0, **c.uncertain_curve(ks, batch, base_fit)}
        log(f"{name}: uncertain done ({c.fits} fits, {time.perf_counter() - t0:.0f} s)")
        rnd = {k: [] for k in ks if k > 0}
        for seed in range(seeds):
            for k, v in c.random_curve(ks, seed).items():
                rnd[k].append(v)
        log(f"{name}: random done ({c.fits} fits, {time.perf_counter() - t0:.0f} s)")
        own = c.tfit.fit(c.pool_docs, c.pool_y, cfg)  # reference: the first half alone, no corpus
        result["sources"][name] = {"own_only": c.measure(own), "pool": n_pool, "pool_clickbait": int(c.pool_y.sum()), "test": len(c.test_y),
                                   "test_clickbait": int(c.test_y.sum()), "ks": ks, "uncertain": unc,
                                   "random": {0: [k0], **rnd}}
    result["seconds"] = time.perf_counter() - t0
    return result


def format_table(res: dict) -> str:
    lines = [
        f"Labelling curve: `clickbait label` simulated on RoCliCo dev (published labels answer). Each source split in "
        f"halves (stratified, seed {SPLIT_SEED}); k titles of the first half added to data/headlines.csv "
        f"({res['base_rows']:,} rows), retrained with {res['config']} (the default model's settings: probabilities moved "
        f"to a 0.2 share, threshold {res['threshold']:.3f}, kept); measured on the second half. uncertain: the tool's order, retrained every {res['batch']}; "
        f"random: mean ± sd of {res['seeds']} seeds. {res['seconds']:.0f} s."
    ]
    lines.append("Halves: " + "; ".join(f"{name} {s['pool']} to label ({s['pool_clickbait']} clickbait), {s['test']} to test "
                                       f"({s['test_clickbait']} clickbait)" for name, s in res["sources"].items()))
    header = ["source", "k", "ROC-AUC uncertain", "ROC-AUC random", "macro-F1 uncertain", "macro-F1 random"]
    rows = []
    for name, s in res["sources"].items():
        for k in s["ks"]:
            u = s["uncertain"][k]
            r = np.array(s["random"][k])
            rnd_auc = f"{r[:, 0].mean():.3f}" + (f" ± {r[:, 0].std():.3f}" if len(r) > 1 else "")
            rnd_f1 = f"{r[:, 1].mean():.3f}" + (f" ± {r[:, 1].std():.3f}" if len(r) > 1 else "")
            label = f"{k}" + (" (all)" if k == s["pool"] and k > 0 else "")
            rows.append([name, label, f"{u[0]:.3f}", rnd_auc,
                         f"{u[1]:.3f}", rnd_f1])
    lines += _table(header, rows)
    lines.append("  reference, the first half alone (no corpus), same settings and threshold: " + "; ".join(
        f"{name} ROC-AUC {s['own_only'][0]:.3f}, macro-F1 {s['own_only'][1]:.3f}" for name, s in res["sources"].items()))
    return "\n".join(lines)


def format_chart(res: dict, width: int = 24) -> str:
    """macro-F1 and ROC-AUC against k as bars (U uncertain, R random mean), each source and measure on
    its own scale (from a little under its lowest value to its highest)."""
    lines = ["Labelling curve, chart: U uncertain, R random (mean); each bar spans its source's own range"]
    for name, s in res["sources"].items():
        for m, title in ((1, "macro-F1"), (0, "ROC-AUC")):
            pts = {k: (s["uncertain"][k][m], float(np.mean([x[m] for x in s["random"][k]]))) for k in s["ks"]}
            vals = [v for pair in pts.values() for v in pair]
            hi = max(vals)
            lo = min(vals) - max(0.002, (hi - min(vals)) / 8)
            lines.append(f"  {name}, {title} ({lo:.3f} to {hi:.3f})")
            for k, (u, r) in pts.items():
                bar = lambda v: "█" * int(round((v - lo) / (hi - lo) * width)) if hi > lo else "█" * width
                lines.append(f"    k={k:<4} U {bar(u):<{width}} {u:.3f}   R {bar(r):<{width}} {r:.3f}")
    return "\n".join(lines)


def run(quick: bool = False, log: Callable[[str], None] | None = None) -> str:
    """Measure the curve and return the table (with the chart after it when stdout is a terminal)."""
    res = curves(quick, log)
    if res is None:
        return f"Labelling curve: {ROCLICO} is absent; skipped"
    text = format_table(res)
    if sys.stdout.isatty():
        text += "\n\n" + format_chart(res)
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"2 random seeds and batches of 50 (default {SEEDS} seeds, batches of {BATCH})")
    args = ap.parse_args(argv)
    print(run(args.quick, log=lambda s: print(s, file=sys.stderr, flush=True)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
