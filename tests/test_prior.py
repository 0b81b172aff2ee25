"""Prior shift (clickbait.prior), `score --prior`, `score --input`, `clickbait share` and `train --dev`."""

import csv
import json
import math

import numpy as np
import pytest

from clickbait import prior as priors
from clickbait.errors import ClickbaitError
from tests.conftest import DATA


def jsonl(out: bytes) -> list[dict]:
    return [json.loads(l) for l in out.decode("utf-8").splitlines() if l]


def synthetic(share: float, n: int = 20_000, seed: int = 0) -> np.ndarray:
    """Calibrated posteriors under a 0.5 training prior for a population with clickbait share ``share``:
    the log-likelihood ratio of each item is drawn from its class, and the posterior at prior 0.5 is
    exactly the logistic of it."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < share
    llr = np.where(y, rng.normal(1.5, 1.3, n), rng.normal(-1.5, 1.3, n))
    # For equal-variance normals the log-likelihood ratio of x is (2 * 1.5 / 1.3**2) * x.
    return 1.0 / (1.0 + np.exp(-(3.0 / 1.69) * llr))


@pytest.mark.parametrize("share", [0.1, 0.3, 0.5, 0.7])
def test_em_recovers_a_known_prior(share):
    est, its = priors.estimate(synthetic(share), 0.5)
    assert abs(est - share) < 0.02 and its > 0
    lo, hi = priors.bootstrap(synthetic(share), 0.5, resamples=200)
    assert lo < est < hi and lo <= share + 0.02 and hi >= share - 0.02


def test_bayes_reweighting_identity_monotone_and_exact():
    p = np.linspace(0.001, 0.999, 999)
    assert np.allclose(priors.adapt(p, 0.3, 0.3), p, atol=1e-15)
    q = priors.adapt(p, 0.5, 0.2)
    assert np.all(np.diff(q) > 0) and np.all(q < p)
    a, b = 0.2 / 0.5, 0.8 / 0.5
    assert np.allclose(q, a * p / (a * p + b * (1 - p)), atol=1e-15)
    z = np.log(p / (1 - p)) + math.log(0.2 / 0.8) - math.log(0.5 / 0.5)
    assert np.allclose(q, 1 / (1 + np.exp(-z)), atol=1e-12)
    assert np.isnan(priors.adapt(np.array([np.nan]), 0.5, 0.2)).all()


def test_bad_priors_are_refused():
    for bad in (0, 1, -0.1, 1.5, "0.3", True):
        with pytest.raises(ClickbaitError):
            priors.check_prior(bad)
    with pytest.raises(ClickbaitError):
        priors.estimate(np.array([np.nan, np.nan]), 0.5)


def test_model_prior_moves_scores_and_equals_the_formula(trained):
    m = trained.model
    texts = trained.texts[:300]
    p = m.probabilities(texts)
    assert m.prior == 0.5
    assert np.allclose(m.probabilities(texts, prior=0.5), p, atol=1e-15)
    q = m.probabilities(texts, prior=0.15)
    assert np.allclose(q, priors.adapt(p, 0.5, 0.15), atol=1e-12)
    recs = m.score(texts, prior=0.15)
    assert [r["clickbait"] for r in recs] == [bool(x >= m.threshold) for x in q]


def test_cli_prior_auto_keeps_lines_aligned(cli, trained, tmp_path):
    lines = trained.texts[:1500] + ["", "?", "INEDIT"] + trained.texts[1500:2500]
    f = tmp_path / "feed.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for how in ("file", "pipe"):
        if how == "file":
            r = cli("score", "--prior", "auto", "--format", "jsonl", input=f.read_bytes())
        else:  # a pipe that cannot be rewound: spooled
            import subprocess
            import sys

            r = subprocess.run(f"cat {f} | {sys.executable} -m clickbait score --prior auto --format jsonl", shell=True,
                               capture_output=True, env={**__import__('os').environ, "CLICKBAIT_MODEL": str(trained.path)})
        assert r.returncode == 0, r.stderr
        recs = jsonl(r.stdout)
        assert [x["headline"] for x in recs] == lines
        assert "estimated clickbait share" in r.stderr.decode() and "EM iterations" in r.stderr.decode()
    est = float(r.stderr.decode().split("share ")[1].split()[0])
    m = trained.model
    expected = m.probabilities(lines, prior=est)
    got = np.array([np.nan if x["probability"] is None else x["probability"] for x in recs])
    assert np.allclose(got, expected, equal_nan=True, atol=1e-3)  # the estimate is printed to 4 decimals


def test_cli_prior_bad_inputs(cli):
    assert cli("score", "--prior", "1.5", "x").returncode == 2
    assert cli("score", "--prior", "0", "x").returncode == 2
    assert cli("score", "--prior", "lots", "x").returncode == 2
    r = cli("score", "--prior", "auto", input="\n?\n\n")
    assert r.returncode == 1 and "no line to score" in r.stderr.decode()


def test_score_input_tables_keep_every_row(cli, tmp_path):
    c = tmp_path / "t.csv"
    c.write_text('id,title,outlet\n1,Ce a urmat te va lăsa fără cuvinte,a\n2,"Guvernul a aprobat bugetul, azi",b\n3\n', encoding="utf-8")
    r = cli("score", "--input", str(c), "--column", "title")
    rows = list(csv.reader(r.stdout.decode().splitlines()))
    assert r.returncode == 0 and rows[0] == ["id", "title", "outlet", "tag", "probability", "clickbait"]
    assert [x[0] for x in rows[1:]] == ["1", "2", "3"] and rows[3][3:] == ["", "", ""]
    assert 0 <= float(rows[1][4]) <= 1 and "t.csv:4" in r.stderr.decode()
    j = tmp_path / "t.jsonl"
    j.write_text('{"title": "Ce a urmat", "n": 1}\nnot json\n{"title": "Parlamentul a votat legea"}\n', encoding="utf-8")
    r = cli("score", "--input", str(j), "--prior", "auto")
    recs = jsonl(r.stdout)
    assert len(recs) == 3 and recs[0]["n"] == 1 and recs[1]["error"] and recs[2]["probability"] is not None
    t = tmp_path / "t.tsv"
    t.write_text("headline\tx\nCe a urmat\t1\n", encoding="utf-8")
    r = cli("score", "--input", str(t))
    assert r.stdout.decode().splitlines()[0] == "headline\tx\ttag\tprobability\tclickbait"
    bad = cli("score", "--input", str(c), "--column", "nope")
    assert bad.returncode == 1 and "no 'nope'" in bad.stderr.decode() and b"Traceback" not in bad.stderr


def test_share_per_file_and_per_column(cli, trained, tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    cb = [t for t, l in zip(trained.texts, trained.labels) if l == 1]
    ncb = [t for t, l in zip(trained.texts, trained.labels) if l == 0]
    a.write_text("\n".join(cb[:60] + ncb[:140]) + "\n", encoding="utf-8")  # 30% clickbait
    b.write_text("\n".join(cb[60:70] + ncb[140:150]) + "\n", encoding="utf-8")  # 20 titles: too few
    r = cli("share", str(a), str(b), "--format", "json")
    assert r.returncode == 0, r.stderr
    groups = {g["group"]: g for g in json.loads(r.stdout)["groups"]}
    ga, gb = groups[str(a)], groups[str(b)]
    assert ga["n"] == 200 and ga["ci95"][0] <= ga["estimated_share"] <= ga["ci95"][1]
    assert 0.15 < ga["estimated_share"] < 0.45  # training titles: the model knows them, the share is 0.30
    assert gb["estimated_share"] is None and "too small" in gb["note"]
    j = tmp_path / "rails.jsonl"
    j.write_text("\n".join(json.dumps({"headline": t, "source": "x" if i % 2 else "y"}, ensure_ascii=False)
                           for i, t in enumerate(cb[:80] + ncb[:80])) + "\n", encoding="utf-8")
    r = cli("share", str(j), "--by", "source", "--format", "csv")
    rows = list(csv.DictReader(r.stdout.decode().splitlines()))
    assert {x["group"] for x in rows} == {"x", "y"} and all(int(x["n"]) == 80 for x in rows)
    bad = cli("share", str(a), "--by", "outlet")
    assert bad.returncode == 1 and "no column 'outlet'" in bad.stderr.decode()


def test_train_dev_selection_follows_the_dev_file_and_refuses_overlap(tmp_path):
    from clickbait.training import data as tdata
    from clickbait.training import fit as tfit

    ds = tdata.load([DATA])
    texts, labels = ds.texts[:1200], ds.labels[:1200]
    dev_texts, dev_labels = ds.texts[1200:1500], ds.labels[1200:1500]
    grid = (tfit.Config(features="word", C=1.0), tfit.Config(features="word", C=16.0))
    probs = tfit.dev_predictions(texts, labels, dev_texts, grid, n_jobs=1)
    from clickbait.training import metrics

    aucs = [metrics.roc_auc(np.asarray(dev_labels), probs[c]) for c in grid]
    model, report, _ = tfit.train(texts, labels, grid=grid, n_jobs=1, dev=(dev_texts, dev_labels))
    assert report.config == grid[int(np.argmax(aucs))]
    assert all("dev_roc_auc" in c for c in report.candidates) and "on the dev data" in report.threshold_rule
    # the CLI refuses a dev file that overlaps the training data, naming the line
    train_f = tmp_path / "train.csv"
    dev_f = tmp_path / "dev.csv"
    with open(train_f, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["headline", "label"])
        w.writerows(zip(texts, labels))
    with open(dev_f, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["headline", "label"])
        w.writerows(zip(dev_texts[:50] + [texts[7]], dev_labels[:50] + [labels[7]]))
    with pytest.raises(ClickbaitError, match=r"dev\.csv:52: this dev headline is also training data \(.*train\.csv:9\)"):
        tdata.load_dev([dev_f], tdata.load([train_f]))
