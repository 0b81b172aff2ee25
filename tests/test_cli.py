"""End-to-end CLI: arguments, stdin, formats, tags, threshold, --model, errors and exit statuses."""

import json
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, run_cli


def jsonl(out: bytes) -> list[dict]:
    return [json.loads(l) for l in out.decode("utf-8").split("\n") if l]


def test_score_arguments_jsonl(cli, trained):
    r = cli("score", "--format", "jsonl", "INEDIT Ce a găsit un pescar în Delta Dunării", "Guvernul a aprobat bugetul pe 2027")
    assert r.returncode == 0, r.stderr
    recs = jsonl(r.stdout)
    assert recs == trained.model.score(["INEDIT Ce a găsit un pescar în Delta Dunării", "Guvernul a aprobat bugetul pe 2027"])
    assert recs[0]["tag"] == "INEDIT" and recs[1]["tag"] is None
    assert set(recs[0]) == {"headline", "tag", "probability", "clickbait", "short", "reason"}


def test_score_stdin_keeps_every_line_in_order(cli, trained):
    lines = ["Primul titlu: ce a urmat", "", "   ", "FLASH NEWS Al doilea titlu", "Ultimul titlu fără newline"]
    r = cli("score", "--format", "jsonl", input="\n".join(lines))
    assert r.returncode == 0
    recs = jsonl(r.stdout)
    assert [x["headline"] for x in recs] == lines
    assert recs[1]["probability"] is None and recs[2]["probability"] is None
    assert recs[3]["tag"] == "FLASH NEWS"


def test_score_dash_reads_stdin(cli):
    r = cli("score", "-", "--format", "jsonl", input="Un titlu\nAltul\n")
    assert [x["headline"] for x in jsonl(r.stdout)] == ["Un titlu", "Altul"]


def test_tsv_is_default_in_a_pipe(cli, trained):
    r = cli("score", input="CONTROVERSA Primarul a demisionat\n\nAl doilea\n")
    assert r.returncode == 0
    rows = [l.split("\t") for l in r.stdout.decode().split("\n")[:-1]]
    assert len(rows) == 3 and all(len(x) == 6 for x in rows)
    assert rows[0][0] == "CONTROVERSA Primarul a demisionat" and rows[0][1] == "CONTROVERSĂ"
    p = float(rows[0][2])
    assert rows[0][3] == ("true" if p >= trained.model.threshold else "false")
    assert rows[1] == ["", "", "", "", "false", "blank"]


def test_tsv_header_option_and_tabs_in_headline(cli):
    r = cli("score", "--format", "tsv", "--header", "a\tb c")
    lines = r.stdout.decode().splitlines()
    assert lines[0] == "headline\ttag\tprobability\tclickbait\tshort\treason"
    assert lines[1].split("\t")[0] == "a b c" and len(lines) == 2


def test_threshold_option(cli):
    r0 = jsonl(cli("score", "--format", "jsonl", "--threshold", "0", "Guvernul a aprobat bugetul").stdout)
    r1 = jsonl(cli("score", "--format", "jsonl", "--threshold", "1", "Guvernul a aprobat bugetul").stdout)
    assert r0[0]["clickbait"] is True and r1[0]["clickbait"] is False
    bad = cli("score", "--threshold", "1.5", "x")
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr


def test_model_option_and_env(trained, tmp_path):
    r = run_cli("score", "--format", "jsonl", "--model", str(trained.path), "Ce a urmat")
    assert r.returncode == 0 and jsonl(r.stdout)[0]["headline"] == "Ce a urmat"
    r = run_cli("score", "x", env={"CLICKBAIT_MODEL": str(tmp_path / "nope.npz")})
    assert r.returncode == 1
    assert r.stderr.decode().count("\n") == 1 and "model file not found" in r.stderr.decode()


def test_missing_default_model_tells_to_run_make_train(tmp_path):
    r = run_cli("score", "x", env={"CLICKBAIT_MODEL": ""})
    # With CLICKBAIT_MODEL empty the checkout's models/ is used; it may or may not exist here.
    if r.returncode == 1:
        assert "make train" in r.stderr.decode()
    else:
        assert r.returncode == 0


def test_table_format_renders(cli):
    r = cli("score", "--format", "table", "INEDIT Ce a urmat", "Guvernul a aprobat bugetul")
    out = r.stdout.decode()
    assert r.returncode == 0 and "probability" in out and "INEDIT" in out and "Guvernul a aprobat" in out
    header = out.splitlines()[0].split()
    assert header == ["headline", "tag", "probability", "clickbait", "short", "reason"]  # the order of tsv and jsonl


def test_usage_errors_exit_2(cli):
    for args in (["score", "--format", "xml", "x"], ["nosuchcommand"], ["score", "--bogus"]):
        r = cli(*args)
        assert r.returncode == 2, args
        assert b"Traceback" not in r.stderr


def test_help_lists_exit_statuses():
    r = run_cli("score", "--help")
    assert r.returncode == 0 and b"Exit status" in r.stdout


def test_python_api_matches_cli(cli, trained):
    from clickbait import load_model

    texts = ["Ce a urmat", "Un titlu obișnuit"]
    assert load_model(trained.path).score(texts) == jsonl(cli("score", "--format", "jsonl", *texts).stdout)


def test_streaming_answers_before_input_ends(trained):
    env = {**os.environ, "CLICKBAIT_MODEL": str(trained.path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "clickbait", "score", "--format", "jsonl"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=ROOT,
    )
    try:
        proc.stdin.write("Primul titlu\n".encode())
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())  # blocks until the answer comes; stdin is still open
        assert first["headline"] == "Primul titlu"
        proc.stdin.write("Al doilea\n".encode())
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["headline"] == "Al doilea"
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert proc.returncode == 0


def test_train_command_writes_model_and_reports(tmp_path, train_csv):
    out = tmp_path / "m.npz"
    r = run_cli("train", str(train_csv), "--out", str(out), "--grid", "default", "--format", "json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["model"] == str(out) and out.exists()
    assert {"accuracy", "precision", "recall", "macro_f1", "roc_auc"} <= set(report["cv"]["mean"])


def test_extract_pipes_into_score(cli):
    page = ROOT / "tests" / "fixtures" / "pages" / "p03_partner_names.txt"
    ex = cli("extract", str(page), "--format", "jsonl")
    assert ex.returncode == 0
    heads = [x["headline"] for x in jsonl(ex.stdout)]
    sc = cli("score", "--format", "jsonl", input="\n".join(heads) + "\n")
    assert [x["headline"] for x in jsonl(sc.stdout)] == heads


def test_extract_suggest_and_csv(cli):
    page = ROOT / "tests" / "fixtures" / "pages" / "p01_no_rail.txt"
    r = cli("extract", str(page), "--suggest", "--format", "jsonl")
    recs = jsonl(r.stdout)
    assert recs and all(0 <= x["probability"] <= 1 and x["label"] in (0, 1) for x in recs)
    r = cli("extract", str(page), "--format", "csv")
    lines = r.stdout.decode().splitlines()
    assert lines[0] == "headline,tag,time,source,section,page" and len(lines) == len(recs) + 1


def test_extract_many_pages_one_header_and_per_file_errors(cli, tmp_path):
    from tests.conftest import FIXTURES

    good = FIXTURES / "pages" / "p01_no_rail.txt"
    html = tmp_path / "saved.html.txt"
    html.write_text("<!DOCTYPE html><html><body>x</body></html>", encoding="utf-8")
    r = cli("extract", str(good), str(good), "--format", "csv")
    lines = r.stdout.decode().splitlines()
    assert r.returncode == 0 and sum(l.startswith("headline,tag,") for l in lines) == 1
    r = cli("extract", str(html), str(good), "nonexistent.txt", "--format", "jsonl")
    recs = jsonl(r.stdout)
    assert r.returncode == 1 and recs and all(x["page"] == str(good) for x in recs)
    err = r.stderr.decode()
    assert "HTML page" in err and "nonexistent.txt" in err and "Traceback" not in err
