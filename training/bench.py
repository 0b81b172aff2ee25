"""`make bench`: quality on real headlines and speed against a scikit-learn + joblib reference.

Every figure is measured in this run, on this machine. Quality figures carry their n and, for
macro-F1 and ROC-AUC, a 95% bootstrap interval. Speed figures are medians of whole processes and
are printed as ratios project / reference; nothing here is asserted (the tests check behaviour).

Sections (``python -m clickbait.training.bench [--only quality|speed] [--quick]``):
  quality  RoCliCo dev (default model, per source and pooled; cross-source trainer), Stop Clickbait CV
  speed    cold start, 200k batch, peak memory at 100k and 1M, streaming latency, training time
Data sets are read from ../shared/datasets/ and skipped, with a message, when absent.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ROCLICO = SHARED / "datasets" / "roclico-dev"
STOP = SHARED / "datasets" / "stop-clickbait"
OUT = ROOT / "bench-out"
PY = sys.executable


def say(text: str = "") -> None:
    print(text, flush=True)


def table(title: str, header: list[str], rows: list[list]) -> None:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    say(f"\n{title}")
    for k, r in enumerate(cells):
        say("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if k == 0:
            say("  " + "  ".join("-" * w for w in widths))


def fmt_ci(x: float, ci: list) -> str:
    if ci[0] is None:
        return f"{x:.3f}"
    return f"{x:.3f} [{ci[0]:.3f}-{ci[1]:.3f}]"


def quality_row(name: str, y, p, threshold: float) -> list:
    from clickbait.training import metrics

    m = metrics.binary(y, p, threshold)
    ci = metrics.bootstrap_ci(y, p, threshold)
    return [name, m["n"], int(np.sum(y)), fmt_ci(m["macro_f1"], ci["macro_f1"]), fmt_ci(m["roc_auc"], ci["roc_auc"]),
            f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['accuracy']:.3f}"]


QUALITY_HEADER = ["set", "n", "clickbait", "macro-F1 [95% CI]", "ROC-AUC [95% CI]", "precision", "recall", "accuracy"]


def load_roclico() -> dict[str, tuple[list[str], np.ndarray]] | None:
    if not ROCLICO.is_dir():
        return None
    out = {}
    for f in sorted(ROCLICO.glob("*.json")):
        items = json.loads(f.read_text(encoding="utf-8"))
        out[f.stem] = ([x["title"] for x in items], np.array([x["category"] == "clickbait" for x in items], dtype=np.int64))
    return out


def bench_roclico_default() -> None:
    from clickbait.errors import ClickbaitError
    from clickbait.model import Model

    data = load_roclico()
    if data is None:
        say(f"\nRoCliCo: {ROCLICO} is absent; skipped")
        return
    try:
        model = Model.load(ROOT / "models" / "clickbait.npz")
    except ClickbaitError as exc:
        say(f"\nRoCliCo: {exc}; skipped")
        return
    rows, ys, ps = [], [], []
    for name, (titles, y) in data.items():
        p = model.probabilities(titles)
        rows.append(quality_row(name, y, p, model.threshold))
        ys.append(y)
        ps.append(p)
    rows.append(quality_row("pooled", np.concatenate(ys), np.concatenate(ps), model.threshold))
    table(f"RoCliCo dev, default model (models/clickbait.npz, threshold {model.threshold:.3f}; trained on data/headlines.csv only)",
          QUALITY_HEADER, rows)


def bench_prior() -> None:
    """Issue 10's table: per source, the true share, the flagged share, the EM estimate with its
    95% interval, and macro-F1 at the model's threshold without and with --prior auto."""
    from clickbait import prior as priors
    from clickbait.model import Model
    from clickbait.training import metrics

    data = load_roclico()
    model_path = ROOT / "models" / "clickbait.npz"
    if data is None or not model_path.exists():
        say("\nprior: RoCliCo or the default model is absent; skipped")
        return
    model = Model.load(model_path)
    rows = []
    for name, (titles, y) in data.items():
        p = model.probabilities(titles)
        share, its = priors.estimate(p, model.prior)
        lo, hi = priors.bootstrap(p, model.prior)
        q = model.probabilities(titles, prior=share)
        rows.append([name, len(y), f"{y.mean():.3f}", f"{np.mean(p >= model.threshold):.3f}",
                     f"{share:.3f} [{lo:.3f}-{hi:.3f}]", f"{abs(share - y.mean()):.3f}", its,
                     f"{metrics.binary(y, p, model.threshold)['macro_f1']:.3f}",
                     f"{metrics.binary(y, q, model.threshold)['macro_f1']:.3f}",
                     f"{metrics.binary(y, priors.adapt(p, model.prior, float(y.mean())), model.threshold)['macro_f1']:.3f}",
                     f"{best_macro_f1(y, p):.3f}"])
    table(f"Prior shift on RoCliCo dev (default model: probabilities assume a {model.prior:g} share, threshold {model.threshold:.3f})",
          ["source", "n", "true share", "flagged", "EM estimate [95% CI]", "|error|", "EM iterations",
           "macro-F1 default", "macro-F1 --prior auto", "macro-F1 at the true share", "best macro-F1, any threshold"], rows)
    say("  (the last two columns are oracles, for scale: the prior set to the source's true share, and the threshold that\n"
        "   maximises macro-F1 on the source's own labels; no threshold or prior on these probabilities can beat the last)")
    bench_resampled_feeds(model, data)


def best_macro_f1(y, p) -> float:
    """The highest macro-F1 any threshold reaches on ``p`` (each distinct probability tried)."""
    from clickbait.training import metrics

    cuts = np.unique(p)
    return max(metrics.binary(y, p, t)["macro_f1"] for t in cuts)


FEED_SHARES = (0.05, 0.35, 0.6, 0.8)
FEED_SIZE = 600
FEED_DRAWS = 20


def bench_resampled_feeds(model, data) -> None:
    """Both dev sources publish about 16% clickbait, close to the default model's 20%. To see feeds of
    other shares, each source's titles are redrawn (with replacement, per label) into feeds of 600 with
    a set share; figures are means over 20 draws per share (seeded, so every run draws the same)."""
    from clickbait import prior as priors
    from clickbait.training import metrics

    rng = np.random.default_rng(0)
    rows = []
    for name, (titles, y) in data.items():
        p = model.probabilities(titles)
        pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
        for share in FEED_SHARES:
            k = int(round(share * FEED_SIZE))
            flagged, est, f1, f1_auto = [], [], [], []
            for _ in range(FEED_DRAWS):
                idx = np.concatenate([rng.choice(pos, k), rng.choice(neg, FEED_SIZE - k)])
                pp, yy = p[idx], y[idx]
                s, _ = priors.estimate(pp, model.prior)
                flagged.append(np.mean(pp >= model.threshold))
                est.append(s)
                f1.append(metrics.binary(yy, pp, model.threshold)["macro_f1"])
                f1_auto.append(metrics.binary(yy, priors.adapt(pp, model.prior, s), model.threshold)["macro_f1"])
            rows.append([name, f"{share:.2f}", f"{np.mean(flagged):.3f}", f"{np.mean(est):.3f}",
                         f"{np.mean(np.abs(np.array(est) - share)):.3f}", f"{np.mean(f1):.3f}", f"{np.mean(f1_auto):.3f}"])
    table(f"Resampled feeds: each dev source redrawn into feeds of {FEED_SIZE} titles with a set clickbait share "
          f"(means of {FEED_DRAWS} draws)",
          ["source", "true share", "flagged", "EM estimate", "|error|", "macro-F1 default", "macro-F1 --prior auto"], rows)


def bench_roclico_cross_source(quick: bool) -> None:
    from clickbait.training import fit as tfit

    data = load_roclico()
    if data is None:
        return
    names = list(data)
    rows = []
    grid = tfit.QUICK_GRID if quick else tfit.SEARCH_GRID
    for a in names:
        for b in names:
            if a == b:
                continue
            model, report, _ = tfit.train(data[a][0], data[a][1], grid=grid)
            p = model.probabilities(data[b][0])
            rows.append(quality_row(f"train {a} -> test {b}", data[b][1], p, model.threshold))
    table("RoCliCo cross-source: the trainer (grid search, threshold from out-of-fold) on one source, tested on the other",
          QUALITY_HEADER, rows)


def load_stop() -> tuple[list[str], np.ndarray] | None:
    if not STOP.is_dir():
        return None
    texts, labels = [], []
    for name, label in (("clickbait.txt", 1), ("non_clickbait.txt", 0)):
        for line in (STOP / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(line.strip())
                labels.append(label)
    return texts, np.array(labels, dtype=np.int64)


def bench_stop_clickbait() -> None:
    from clickbait.training import fit as tfit
    from clickbait.training import metrics

    data = load_stop()
    if data is None:
        say(f"\nStop Clickbait: {STOP} is absent; skipped")
        return
    texts, y = data
    grid = (tfit.Config(features="union", word_ngram=(1, 2), char_ngram=(1, 5), C=8.0, fold_diacritics=False, markers=True),)
    t0 = time.perf_counter()
    oof = tfit.cross_validate(texts, y, grid, folds=5)[grid[0]]
    secs = time.perf_counter() - t0
    rows = [quality_row("5-fold CV, threshold 0.5", y, oof, 0.5)]
    thr, _ = metrics.choose_threshold(y, oof)
    table(f"Stop Clickbait (English, {len(y)} headlines): the trainer's {grid[0].label()}, stratified 5-fold CV "
          f"({secs:.0f} s); published baseline: accuracy 0.93 (SVM, 10-fold)", QUALITY_HEADER, rows)
    say(f"  (max-macro-F1 threshold on these out-of-fold probabilities would be {thr:.3f})")


# ----------------------------------------------------------------------------------------------- speed
REF_SCRIPT = r'''
import json, sys
import joblib
pipe = joblib.load(sys.argv[1])
lines = sys.argv[2:] if len(sys.argv) > 2 else sys.stdin.read().split("\n")
if lines and lines[-1] == "" and len(sys.argv) <= 2:
    lines.pop()
probs = pipe.predict_proba(lines)[:, 1]
out = sys.stdout
for h, p in zip(lines, probs):
    out.write(json.dumps({"headline": h, "probability": float(p), "clickbait": bool(p >= 0.5)}, ensure_ascii=False) + "\n")
'''


def build_reference(model_settings: dict, texts: list[str], labels: list[int], path: Path) -> None:
    """A plain scikit-learn pipeline with the default model's settings, saved with joblib."""
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    cfg = model_settings
    parts = []
    if cfg["features"] in ("word", "union"):
        parts.append(("word", TfidfVectorizer(analyzer="word", ngram_range=tuple(cfg["word_ngram"]), sublinear_tf=True, min_df=cfg["min_df"])))
    if cfg["features"] in ("char", "union"):
        parts.append(("char", TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(cfg["char_ngram"]), sublinear_tf=True, min_df=cfg["min_df"])))
    pipe = make_pipeline(FeatureUnion(parts), LogisticRegression(C=cfg["C"], class_weight="balanced", solver="liblinear"))
    pipe.fit(texts, labels)
    joblib.dump(pipe, path)


# Peak memory is read from wait4() in a small launcher: a child forked straight from this (large)
# process would report this process's high-water mark, not its own.
_LAUNCHER = (
    "import os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execvp(sys.argv[1], sys.argv[1:])\n"
    "_, status, ru = os.wait4(pid, 0)\n"
    "sys.stderr.write(f'\\nMAXRSS_KB {ru.ru_maxrss}\\n')\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run(cmd: list[str], stdin_path: Path | None = None, env: dict | None = None, memory: bool = False) -> tuple[float, int]:
    """Wall seconds and (with ``memory``) peak RSS in MB of one whole process; output to /dev/null."""
    full = [PY, "-c", _LAUNCHER, *cmd] if memory else cmd
    with open(stdin_path, "rb") if stdin_path else open(os.devnull, "rb") as stdin:
        t0 = time.perf_counter()
        proc = subprocess.run(full, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        secs = time.perf_counter() - t0
    err = proc.stderr.decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}… failed ({proc.returncode}): {err.strip()[-300:]}")
    rss = 0
    if memory:
        rss = int(err.rsplit("MAXRSS_KB", 1)[1].split()[0]) // 1024
    return secs, rss


def median_run(cmd, reps: int, stdin_path=None, env=None) -> float:
    return statistics.median(run(cmd, stdin_path, env)[0] for _ in range(reps))


def headline_file(texts: list[str], n: int, path: Path) -> Path:
    rng = random.Random(0)
    with open(path, "w", encoding="utf-8") as fh:
        for _ in range(n):
            fh.write(texts[rng.randrange(len(texts))] + "\n")
    return path


def streaming_latency(cmd: list[str], env: dict, reps: int = 5) -> float:
    times = []
    for _ in range(reps):
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        proc.stdin.write(b"Warm-up headline\n")
        proc.stdin.flush()
        proc.stdout.readline()  # the program has started and loaded its model
        t0 = time.perf_counter()
        proc.stdin.write("Ce a urmat te va lăsa fără cuvinte\n".encode())
        proc.stdin.flush()
        proc.stdout.readline()
        times.append(time.perf_counter() - t0)
        proc.stdin.close()
        proc.wait()
    return statistics.median(times)


def _plain_reference(texts: list[str], labels: list[int], path: Path) -> None:
    """What a user writes in five lines: TfidfVectorizer(1-2, sublinear) + LogisticRegression(), joblib."""
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    pipe = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression())
    pipe.fit(texts, labels)
    joblib.dump(pipe, path)


def stage_times(model_path: Path, batch: Path, n: int) -> list[str]:
    """Microseconds per headline by stage, in this process, over ``batch`` (best of 3 passes)."""
    from clickbait.model import Model
    from clickbait.stream import LineReader, format_scored
    from clickbait.text import MAX_CHARS, feature_lines, normalize_many, split_tags

    model = Model.load(model_path)
    best: dict[str, float] = {}
    for _ in range(3):
        t = {k: 0.0 for k in ("read", "normalise", "tag", "feature text", "features", "dot product", "format", "write")}
        devnull = os.open(os.devnull, os.O_WRONLY)
        fd = os.open(batch, os.O_RDONLY)
        reader = LineReader(fd)
        it = reader.chunks()
        while True:
            t0 = time.perf_counter()
            chunk = next(it, None)
            t["read"] += time.perf_counter() - t0
            if chunk is None:
                break
            t0 = time.perf_counter()
            lines = normalize_many([c[:MAX_CHARS] for c in chunk])
            t1 = time.perf_counter()
            tags, lines = split_tags(lines)
            t2 = time.perf_counter()
            plain, marked = feature_lines(lines, model.fold_diacritics, model.markers)
            t3 = time.perf_counter()
            z = np.full(len(chunk), model.intercept)
            feat = dot = 0.0
            words: list = []
            for blk in model.blocks:
                doc = marked if (blk.markers and marked is not None) else plain
                u0 = time.perf_counter()
                rows, cols, values = blk.weights(doc, len(chunk), words if blk.counts_words and not words else None)
                u1 = time.perf_counter()
                z += np.bincount(rows, weights=values * blk.coef[cols], minlength=len(chunk))
                feat += u1 - u0
                dot += time.perf_counter() - u1
            t4 = time.perf_counter()
            from clickbait.model import Scored, _logistic

            sc = Scored(chunk, tags, _logistic(z), model.threshold, words or [3] * len(chunk), [None] * len(chunk))
            text = format_scored(sc, "jsonl")
            t5 = time.perf_counter()
            os.write(devnull, text.encode("utf-8"))
            t6 = time.perf_counter()
            t["normalise"] += t1 - t0
            t["tag"] += t2 - t1
            t["feature text"] += t3 - t2
            t["features"] += feat
            t["dot product"] += dot
            t["format"] += t5 - t4
            t["write"] += t6 - t5
        os.close(fd)
        os.close(devnull)
        for k, v in t.items():
            best[k] = min(best.get(k, v), v)
    total = sum(best.values())
    return [f"{best[k] / n * 1e6:.2f}" for k in best] + [f"{total / n * 1e6:.2f}"]


def bench_speed(quick: bool) -> None:
    from clickbait.model import Model
    from clickbait.training import data as tdata
    from clickbait.training import fit as tfit

    OUT.mkdir(exist_ok=True)
    model_path = ROOT / "models" / "clickbait.npz"
    if not model_path.exists():
        say("\nspeed: models/clickbait.npz is absent (run `make train`); skipped")
        return
    model = Model.load(model_path)
    ds = tdata.load([ROOT / "data" / "headlines.csv"])
    # A union model (word + character n-grams) of the same data, to show what the character block costs.
    union_cfg = tfit.replace(tfit.DEFAULT_CONFIG, features="union")
    union_path = OUT / "union.npz"
    tfit.fit(tfit.feature_docs(ds.texts, True, True), ds.labels, union_cfg).export(0.5, {"class_weight": "balanced"}).save(union_path)
    plain_path = OUT / "plain.joblib"
    _plain_reference(ds.texts, ds.labels, plain_path)
    union_ref_path = OUT / "reference.joblib"
    build_reference(dict(model.metadata["config"], features="union"), ds.texts, ds.labels, union_ref_path)
    ref_script = OUT / "reference_score.py"
    ref_script.write_text(REF_SCRIPT, encoding="utf-8")
    env = {**os.environ, "CLICKBAIT_MODEL": str(model_path)}
    env_union = {**os.environ, "CLICKBAIT_MODEL": str(union_path)}
    clickbait = [PY, "-m", "clickbait", "score", "--format", "jsonl"]
    plain_ref = [PY, str(ref_script), str(plain_path)]
    union_ref = [PY, str(ref_script), str(union_ref_path)]
    reps = 3 if quick else 7
    one = "Ce a urmat te va lăsa fără cuvinte"
    rows = []

    c_p = median_run(clickbait + [one], reps, env=env)
    c_r = median_run(plain_ref + [one], reps, env=env)
    c_py = median_run([PY, "-c", "pass"], reps)
    c_np = median_run([PY, "-c", "import numpy"], reps)
    rows.append(["cold start, one headline (s)", f"{c_p:.3f}", f"{c_r:.3f}", f"{c_p / c_r:.2f}", "<= 0.15"])
    first = statistics.median(first_result(clickbait, env) for _ in range(reps))
    rows.append(["first streamed result, from process start (s)", f"{first:.3f}", "", "", "< 0.3 s"])

    n_batch = 50_000 if quick else 200_000
    batch = headline_file(ds.texts, n_batch, OUT / f"batch_{n_batch}.txt")
    b_p = median_run(clickbait, 3, stdin_path=batch, env=env)
    b_r = median_run(plain_ref, 3, stdin_path=batch, env=env)
    rows.append([f"batch {n_batch:,} headlines, jsonl (s): default model vs plain", f"{b_p:.2f}", f"{b_r:.2f}", f"{b_p / b_r:.2f}", "<= 0.5"])
    rows.append(["  headlines per second", f"{n_batch / b_p:,.0f}", f"{n_batch / b_r:,.0f}", "", ""])
    b_u = median_run(clickbait, 3, stdin_path=batch, env=env_union)
    rows.append([f"batch {n_batch:,}: union model vs plain", f"{b_u:.2f}", f"{b_r:.2f}", f"{b_u / b_r:.2f}", "<= 1.0"])
    b_ur = median_run(union_ref, 3, stdin_path=batch, env=env)
    rows.append([f"batch {n_batch:,}: union model vs union scikit-learn", f"{b_u:.2f}", f"{b_ur:.2f}", f"{b_u / b_ur:.2f}", ""])

    sizes = (100_000, 1_000_000) if not quick else (20_000, 100_000)
    for n in sizes:
        f = headline_file(ds.texts, n, OUT / f"mem_{n}.txt")
        _, rss_p = run(clickbait, stdin_path=f, env=env, memory=True)
        # The reference holds all its input and features in memory; it is run at the smaller size only.
        _, rss_r = run(plain_ref, stdin_path=f, env=env, memory=True) if n == sizes[0] else (0, 0)
        rows.append([f"peak memory, {n:,} headlines (MB)", f"{rss_p}", f"{rss_r}" if rss_r else "not run",
                     f"{rss_p / rss_r:.2f}" if rss_r else "", "<= 100 MB, flat"])
    long_lines = OUT / "long_lines.txt"
    with open(long_lines, "w", encoding="utf-8") as fh:
        for i in range(20 if quick else 100):
            fh.write(("Ce a urmat " * 190_000)[: 2_000_000] + "\n")
    _, rss_l = run(clickbait, stdin_path=long_lines, env=env, memory=True)
    rows.append([f"peak memory, {20 if quick else 100} lines of 2 MB (MB)", f"{rss_l}", "", "", "<= 150 MB"])

    lat = streaming_latency(clickbait, env)
    rows.append(["streaming: line in -> result out (s)", f"{lat:.4f}", "n/a (reads to EOF)", "", "< 1 s"])
    table(f"Speed: project vs a plain scikit-learn pipeline (TfidfVectorizer 1-2 sublinear + LogisticRegression, joblib, "
          f"json.dumps per line); default model {model.metadata['config']['label']}; "
          f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}; "
          f"bare interpreter {c_py:.3f} s, interpreter + numpy {c_np:.3f} s",
          ["measure", "project", "reference", "ratio", "target"], rows)

    srows = [["default (" + model.metadata["config"]["label"] + ")", *stage_times(model_path, batch, n_batch)],
             ["union (" + union_cfg.label() + ")", *stage_times(union_path, batch, n_batch)]]
    table("Where the time goes: microseconds per headline by stage (in process, best of 3)",
          ["model", "read", "normalise", "tag", "feature text", "features", "dot product", "format", "write", "total"], srows)

    # Training time and peak memory, whole `clickbait train` processes.
    trows = []
    with tempfile.TemporaryDirectory() as tmp:
        secs, rss = run([PY, "-m", "clickbait", "train", str(ROOT / "data" / "headlines.csv"), "--grid", "default",
                         "--feed-prior", str(tfit.DEFAULT_FEED_PRIOR), "--out", f"{tmp}/m.npz"], env=env, memory=True)
        trows.append([f"data/headlines.csv ({len(ds.texts)} rows, make train)", f"{secs:.1f}", rss])
        if not quick:
            secs, rss = run([PY, "-m", "clickbait", "train", str(ROOT / "data" / "headlines.csv"), "--grid", "search",
                             "--out", f"{tmp}/s.npz"], env=env, memory=True)
            trows.append([f"data/headlines.csv ({len(ds.texts)} rows, --grid search: 24 candidates)", f"{secs:.1f}", rss])
        stop = load_stop()
        if stop is None:
            trows.append(["Stop Clickbait: absent, skipped", "", ""])
        else:
            folder = Path(tmp)
            (folder / "cb.txt").write_text("\n".join(t for t, l in zip(*stop) if l == 1) + "\n", encoding="utf-8")
            (folder / "ncb.txt").write_text("\n".join(t for t, l in zip(*stop) if l == 0) + "\n", encoding="utf-8")
            secs, rss = run([PY, "-m", "clickbait", "train", "--clickbait", str(folder / "cb.txt"), "--not-clickbait",
                             str(folder / "ncb.txt"), "--out", f"{tmp}/s2.npz", "--grid", "quick"], env=env, memory=True)
            trows.append([f"Stop Clickbait ({len(stop[0])} rows, quick grid: one config)", f"{secs:.1f}", rss])
    table("Training, whole process", ["data", "seconds", "peak MB"], trows)


def first_result(cmd: list[str], env: dict) -> float:
    """Seconds from starting the process to reading its first output line (a line already waiting)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    proc.stdin.write("Ce a urmat te va lăsa fără cuvinte\n".encode())
    proc.stdin.flush()
    proc.stdout.readline()
    secs = time.perf_counter() - t0
    proc.stdin.close()
    proc.wait()
    return secs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["quality", "prior", "label", "speed", "serve"])
    ap.add_argument("--quick", action="store_true", help="smaller inputs and fewer repetitions")
    args = ap.parse_args(argv)
    say(f"clickbait bench, {time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} cores")
    if args.only in (None, "quality"):
        bench_roclico_default()
        bench_roclico_cross_source(args.quick)
        bench_stop_clickbait()
    if args.only in (None, "prior"):
        bench_prior()
    if args.only in (None, "label"):
        from clickbait.training import bench_label

        say("\n" + bench_label.run(args.quick))
    if args.only in (None, "speed"):
        bench_speed(args.quick)
    if args.only in (None, "serve"):
        from clickbait.training import bench_serve

        say("\n" + bench_serve.run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
