"""The package installs anywhere: a wheel in a fresh virtual environment, far from the checkout."""

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                       capture_output=True, timeout=600)
    if r.returncode != 0:
        pytest.fail(f"pip wheel failed: {r.stderr.decode()[-2000:]}")
    [whl] = list(out.glob("clickbait-*.whl"))
    return whl


def test_wheel_has_no_top_level_training_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("clickbait-")}
    assert tops == {"clickbait"}
    assert "clickbait/training/fit.py" in names and "clickbait/web/static/index.html" in names


def test_wheel_in_a_fresh_venv_trains_and_scores(wheel, tmp_path, train_csv):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # The wheel installs with pip (console script included); its dependencies come from this
    # environment's site-packages as a plain path (no .pth file is processed there, so the checkout's
    # editable install stays out), which keeps the test offline and quick.
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    inst = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                          capture_output=True, timeout=300)
    assert inst.returncode == 0, inst.stderr.decode()[-2000:]
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*args):
        return subprocess.run([str(venv / "bin" / "clickbait"), *args], capture_output=True, env=env, cwd=work, timeout=300)

    where = run("score", "x")  # no model anywhere yet: every place looked is named
    assert where.returncode == 1
    err = where.stderr.decode()
    assert str(tmp_path / "data" / "clickbait" / "clickbait.npz") in err and "Traceback" not in err
    target = tmp_path / "data" / "clickbait" / "clickbait.npz"
    target.parent.mkdir(parents=True)
    r = run("train", str(train_csv), "--grid", "quick", "--out", str(target), "--format", "json")
    assert r.returncode == 0, r.stderr.decode()
    assert target.exists()
    s = run("score", "--format", "jsonl", "Ce a urmat te va lăsa fără cuvinte")
    assert s.returncode == 0, s.stderr.decode()
    rec = json.loads(s.stdout)
    assert 0 <= rec["probability"] <= 1
    mod = subprocess.run([str(py), "-c", "import clickbait, clickbait.training.fit as f; print(clickbait.__file__, f.__file__)"],
                         capture_output=True, text=True, env=env, cwd=work)
    assert str(ROOT) not in mod.stdout and site in mod.stdout
    assert subprocess.run([str(py), "-c", "import training"], capture_output=True, env=env, cwd=work).returncode == 1
