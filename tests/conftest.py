"""Shared fixtures: one small model trained from a third of the project's corpus, paths, a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "headlines.csv"
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def train_csv(tmp_path_factory) -> Path:
    """Every third row of the corpus, in order: what the tests of training behaviour train on (the
    session model, determinism, atomic writes, the train command, the wheel). The whole corpus
    (22,899 rows) makes each of them three times slower and tests nothing more; `make train` and the
    bench train on all of it."""
    import csv

    with open(DATA, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)[::3]
    path = tmp_path_factory.mktemp("train") / "headlines_third.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def trained(tmp_path_factory, train_csv):
    """A third of the corpus (``train_csv``) trained with the quick grid (one config, no search):
    model file, the scikit-learn objects it came from, and the training texts."""
    from clickbait.model import Model
    from clickbait.training import data as tdata
    from clickbait.training import fit as tfit

    ds = tdata.load([train_csv])
    model, report, fitted = tfit.train(ds.texts, ds.labels, grid=tfit.QUICK_GRID, folds=3, n_jobs=1)
    path = tmp_path_factory.mktemp("model") / "model.npz"
    model.save(path)
    return SimpleNamespace(
        path=path, model=Model.load(path), fitted=fitted, report=report, texts=ds.texts, labels=ds.labels
    )


def run_cli(*args: str, input: bytes | str | None = None, env: dict | None = None, timeout: float = 60):
    """Run `python -m clickbait ARGS` as a user would; returns the CompletedProcess (bytes)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("CLICKBAIT_MODEL", None) if env is None or "CLICKBAIT_MODEL" not in env else None
    data = input.encode("utf-8") if isinstance(input, str) else input
    return subprocess.run(
        [sys.executable, "-m", "clickbait", *args],
        input=data if data is not None else b"",
        capture_output=True,
        env=full_env,
        timeout=timeout,
        cwd=ROOT,
    )


@pytest.fixture
def cli(trained):
    """run_cli with --model pointing at the session's trained model (through $CLICKBAIT_MODEL)."""

    def _run(*args, input=None, env=None, timeout=60):
        return run_cli(*args, input=input, env={"CLICKBAIT_MODEL": str(trained.path), **(env or {})}, timeout=timeout)

    return _run
