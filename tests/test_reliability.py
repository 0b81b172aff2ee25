"""Reliability: hostile input, damaged model files, interrupted training, closed pipes, Ctrl-C."""

import io
import json
import os
import pickle
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

from clickbait.errors import ClickbaitError
from clickbait.model import FORMAT_VERSION, Model, _digest
from tests.conftest import ROOT, run_cli


def jsonl(out: bytes) -> list[dict]:
    return [json.loads(l) for l in out.decode("utf-8").split("\n") if l]


# --- scoring input -----------------------------------------------------------------------------
def test_every_line_one_record_with_hostile_bytes(cli):
    lines = [
        "\ufeffPrimul titlu cu BOM",
        "Titlu cu CR LF\r",
        "Titlu\x00cu NUL și \x1b[31mescape",
        "Ti\u200btlu cu zero\u200d-width",
        "Emoji 🔥😱 ce a urmat 👀",
        "",
        "\t \t",
        "Ultimul",
    ]
    raw = "\n".join(lines).encode("utf-8") + b"\nbad \xff\xfe bytes here\n\xc3\n"
    r = cli("score", "--format", "jsonl", input=raw)
    assert r.returncode == 0
    recs = jsonl(r.stdout)
    assert len(recs) == len(lines) + 2
    assert recs[0]["headline"] == "Primul titlu cu BOM"  # BOM dropped
    assert recs[1]["headline"] == "Titlu cu CR LF"  # CR of CR LF dropped
    assert recs[5]["probability"] is None and recs[6]["probability"] is None
    assert recs[9]["headline"] == "\ufffd" and recs[9]["reason"] == "no words"
    assert all(0 <= r["probability"] <= 1 for i, r in enumerate(recs) if i not in (5, 6, 9))
    assert recs[8]["headline"] == "bad \ufffd\ufffd bytes here"
    err = r.stderr.decode()
    assert err.count("\n") == 1 and "2 input line(s)" in err and "not UTF-8" in err


def test_crlf_input_throughout(cli):
    r = cli("score", "--format", "tsv", input=b"Unu\r\nDoi\r\n\r\nTrei\r\n")
    cells = [l.split("\t")[0] for l in r.stdout.decode().split("\n")[:-1]]
    assert cells == ["Unu", "Doi", "", "Trei"]


def test_unicode_line_separators_do_not_split_lines(cli):
    r = cli("score", "--format", "jsonl", input="a\u2028b\x0bc\x1cd\x85e\nf\n")
    assert [x["headline"] for x in jsonl(r.stdout)] == ["a\u2028b\x0bc\x1cd\x85e", "f"]


def test_cedilla_and_comma_score_alike_through_cli(cli):
    recs = jsonl(cli("score", "--format", "jsonl", "Şeful ţării", "Șeful țării").stdout)
    assert recs[0]["probability"] == recs[1]["probability"]


def test_one_megabyte_line_is_scored(cli):
    big = ("Ce a urmat " * 100_000)[:1_000_000]
    r = cli("score", "--format", "jsonl", input=big + "\nurmătorul\n")
    recs = jsonl(r.stdout)
    assert len(recs) == 2 and recs[0]["headline"] == big and recs[1]["headline"] == "următorul"


def test_empty_input_no_output_exit_0(cli):
    r = cli("score", input=b"")
    assert r.returncode == 0 and r.stdout == b"" and r.stderr == b""


def test_reader_going_away_is_quiet(trained, tmp_path):
    src = tmp_path / "many.txt"
    src.write_text("Ce a urmat te va lăsa fără cuvinte\n" * 200_000, encoding="utf-8")
    env = {**os.environ, "CLICKBAIT_MODEL": str(trained.path)}
    cmd = f"{sys.executable} -m clickbait score --format jsonl < {src} | head -1"
    r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, env=env, cwd=ROOT, timeout=120)
    assert r.stdout.count(b"\n") == 1
    assert r.stderr == b"", r.stderr.decode()
    assert r.returncode == 0


def test_ctrl_c_exits_130_quietly(trained):
    env = {**os.environ, "CLICKBAIT_MODEL": str(trained.path)}
    proc = subprocess.Popen([sys.executable, "-m", "clickbait", "score", "--format", "jsonl"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    proc.stdin.write(b"Un titlu\n")
    proc.stdin.flush()
    proc.stdout.readline()  # started and scoring
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err


# --- model files -------------------------------------------------------------------------------
def _members(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _write_members(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _npy(arr, allow_pickle=False):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


def _damaged(trained, tmp_path, kind):
    p = tmp_path / f"{kind}.npz"
    good = trained.path.read_bytes()
    if kind == "empty":
        p.write_bytes(b"")
    elif kind == "truncated":
        p.write_bytes(good[: len(good) // 2])
    elif kind == "random":
        p.write_bytes(np.random.default_rng(0).bytes(5000))
    elif kind == "not_a_model":
        np.savez(p, a=np.arange(3))
    else:
        m = _members(trained.path)
        if kind == "newer":
            m["format_version.npy"] = _npy(np.array([FORMAT_VERSION + 1]))
        elif kind == "sizes":  # consistent checksum, inconsistent arrays
            m["idf_0.npy"] = _npy(np.ones(5))
            body = {k[:-4]: v for k, v in m.items() if k != "checksum.npy"}
            m["checksum.npy"] = _npy(np.frombuffer(_digest(body), dtype=np.uint8))
        elif kind == "checksum":
            coef = np.lib.format.read_array(io.BytesIO(m["coef_0.npy"]))
            coef[0] += 1.0
            m["coef_0.npy"] = _npy(coef)
        elif kind == "pickle":
            m["metadata.npy"] = _npy(np.array([{"evil": 1}], dtype=object), allow_pickle=True)
        _write_members(p, m)
    return p


@pytest.mark.parametrize(
    "kind, message",
    [
        ("empty", "empty file"),
        ("truncated", "not a model file"),
        ("random", "not a model file"),
        ("not_a_model", "not a clickbait model"),
        ("newer", "newer than this program reads"),
        ("sizes", "arrays disagree in size"),
        ("checksum", "checksum mismatch"),
        ("pickle", "pickled objects"),
    ],
)
def test_damaged_model_files_one_line_error_status_1(trained, tmp_path, kind, message):
    p = _damaged(trained, tmp_path, kind)
    with pytest.raises(ClickbaitError, match=message):
        Model.load(p)
    r = run_cli("score", "--model", str(p), "x")
    err = r.stderr.decode()
    assert r.returncode == 1 and err.count("\n") == 1 and str(p) in err and message in err
    assert r.stdout == b""


def test_pickle_is_never_executed(trained, tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    m = _members(trained.path)
    m["metadata.npy"] = _npy(np.array([Evil()], dtype=object), allow_pickle=True)
    p = tmp_path / "evil.npz"
    _write_members(p, m)
    with pytest.raises(ClickbaitError, match="pickled objects"):
        Model.load(p)
    assert not marker.exists()


def test_model_path_is_a_folder(tmp_path):
    with pytest.raises(ClickbaitError, match="is a folder"):
        Model.load(tmp_path)


# --- training failures leave the previous model alone ------------------------------------------
@pytest.mark.parametrize(
    "content",
    ["", "titlu,eticheta\nx,1\n", "headline,label\nUn titlu,poate\n", "headline,label\n" + "A,1\n" * 3],
)
def test_failed_training_writes_nothing(trained, tmp_path, content):
    out = tmp_path / "model.npz"
    out.write_bytes(trained.path.read_bytes())
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    r = run_cli("train", str(bad), "--out", str(out), "--grid", "quick")
    assert r.returncode == 1 and r.stderr.decode().count("\n") == 1 and "bad.csv" in r.stderr.decode()
    assert out.read_bytes() == trained.path.read_bytes()
    assert sorted(x.name for x in tmp_path.iterdir()) == ["bad.csv", "model.npz"]


def test_killed_training_leaves_previous_model_working(trained, train_csv, tmp_path):
    """SIGKILL a training run at 10%, 50% and 90% of its duration: the file is always the old model, whole,
    or (if the run had already finished) the new one, whole; never anything in between."""
    out = tmp_path / "model.npz"
    old_bytes = trained.path.read_bytes()
    out.write_bytes(old_bytes)
    probe = trained.texts[:200]
    before = Model.load(out).probabilities(probe)

    def cmd(target):  # a third of the corpus (thousands of rows), the default word config, 3 folds: a few seconds
        return [sys.executable, "-m", "clickbait", "train", str(train_csv), "--out", str(target), "--grid", "default",
                "--folds", "3", "--jobs", "1"]

    # One full run (to another path) to learn how long a run takes on this machine.
    t0 = time.perf_counter()
    done = subprocess.run(cmd(tmp_path / "timing.npz"), capture_output=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    duration = time.perf_counter() - t0
    for fraction in (0.1, 0.5, 0.9):
        proc = subprocess.Popen(cmd(out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        time.sleep(duration * fraction)
        proc.kill()
        proc.wait()
        after = Model.load(out)
        if out.read_bytes() == old_bytes:
            assert np.array_equal(after.probabilities(probe), before)
        else:  # the run finished before the kill: then it is exactly the new model (training is deterministic)
            assert out.read_bytes() == (tmp_path / "timing.npz").read_bytes()
