"""What a newcomer broke (issue 14): one named test per item, as a user meets it."""

import csv
import json
import os
import subprocess
import sys

import pytest

from clickbait.errors import ClickbaitError
from tests.conftest import DATA, FIXTURES, ROOT

PY = sys.executable


def shell(cmd: str, trained, env: dict | None = None, input: bytes = b"") -> subprocess.CompletedProcess:
    """Run a shell pipeline as a user types it, with `clickbait` = this interpreter's module."""
    full_env = {**os.environ, "CLICKBAIT_MODEL": str(trained.path), **(env or {})}
    full_env["CB"] = f"{PY} -m clickbait"
    return subprocess.run(["bash", "-c", cmd], capture_output=True, env=full_env, cwd=ROOT, input=input, timeout=120)


def jsonl(out: bytes) -> list[dict]:
    return [json.loads(l) for l in out.decode("utf-8").splitlines() if l]


# 1 -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "command",
    [
        "$CB info | head -1",
        '$CB explain "Ce a urmat după ședința de guvern" | head -1',
        "$CB evaluate data/headlines.csv --errors 50 | head -1",
        "yes 'Guvernul a aprobat bugetul pe 2027' | head -5000 | $CB score --format table | head -1",
    ],
    ids=["info", "explain", "evaluate-errors", "score-table"],
)
def test_item01_reader_going_away_ends_quietly_with_0(trained, command):
    r = shell(command + "; exit ${PIPESTATUS[-2]}", trained)
    assert r.returncode == 0, r.stderr
    assert b"Traceback" not in r.stderr and b"Error" not in r.stderr


# 2 -------------------------------------------------------------------------------------------------
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize(
    "args",
    ['score "Ce a urmat"', "info", "info --format json", f"extract {FIXTURES / 'pages' / 'p01_no_rail.txt'} --format jsonl"],
    ids=["score", "info", "info-json", "extract"],
)
def test_item02_full_disk_is_one_line_and_status_1(trained, args):
    r = shell(f"$CB {args} > /dev/full", trained)
    err = r.stderr.decode()
    assert r.returncode == 1
    assert "Traceback" not in err and err.count("\n") == 1 and "No space left" in err


# 3 -------------------------------------------------------------------------------------------------
def test_item03_output_is_utf8_whatever_the_locale(cli):
    r = cli("score", "Ce a găsit un pescar în deltă", env={"PYTHONIOENCODING": "latin-1"})
    assert r.returncode == 0 and b"Traceback" not in r.stderr
    assert "găsit".encode("utf-8") in r.stdout


# 4 -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["train", str(DATA), "--out", "x.npz", "--grid", "foo"],
        ["train", str(DATA), "--out", "x.npz", "--delimiter", ";;"],
        ["train", str(DATA), "--out", "x.npz", "--encoding", "nonsense"],
        ["score", "--format", "jsonl", "--header", "x"],
    ],
    ids=["grid", "delimiter", "encoding", "header-with-jsonl"],
)
def test_item04_usage_errors_exit_2(cli, args):
    r = cli(*args)
    assert r.returncode == 2, r.stderr
    assert b"Traceback" not in r.stderr


def test_item04_version_and_short_help(cli):
    from clickbait import __version__

    v = cli("--version")
    assert v.returncode == 0 and v.stdout.decode().strip() == f"clickbait {__version__}"
    h = cli("score", "-h")
    assert h.returncode == 0 and b"--threshold" in h.stdout


# 5 -------------------------------------------------------------------------------------------------
def test_item05_json_is_strict_and_one_class_groups_say_why(cli, tmp_path):
    f = tmp_path / "groups.csv"
    rows = [("Guvernul a aprobat bugetul pe 2027", 0, "a"), ("Ce a urmat te va lăsa fără cuvinte", 1, "a"),
            ("Parlamentul a votat legea pensiilor", 0, "b"), ("Primăria a deschis un parc nou în Iași", 0, "b")]
    with open(f, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["headline", "label", "outlet"])
        w.writerows(rows)
    r = cli("evaluate", str(f), "--by", "outlet", "--format", "json")
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode()
    assert "NaN" not in text
    result = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    b = result["by"]["groups"]["b"]
    assert b["macro_f1"] is None and b["roc_auc"] is None and "one class only" in b["note"]
    assert result["by"]["groups"]["a"]["roc_auc"] is not None


# 6 -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["jsonl", "tsv", "table"])
def test_item06_content_free_lines_are_never_confident(cli, fmt):
    lines = ["a", "x", "?", "...", "!!!", "2027", "INEDIT", "ȘOC", "Vremea", "Ședința de guvern a început azi"]
    r = cli("score", "--format", fmt, input="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    if fmt == "jsonl":
        recs = jsonl(r.stdout)
        assert all(x["probability"] is None and x["reason"] for x in recs[:8])
        assert recs[8]["short"] is True and recs[8]["probability"] is not None and recs[9]["short"] is False
    elif fmt == "tsv":
        rows = [l.split("\t") for l in out.splitlines()]
        assert all(row[2] == "" and row[5] for row in rows[:8])
        assert rows[8][4] == "true" and rows[8][2] != ""
    else:
        assert out.count("no words") == 6 and out.count("tag only") == 2 and "short" in out.splitlines()[9]


def test_item06_markers_never_feed_character_ngrams(tmp_path):
    from clickbait.training import data as tdata
    from clickbait.training import fit as tfit

    ds = tdata.load([DATA])
    cfg = tfit.Config(features="union", markers=True)
    fitted = tfit.fit(tfit.feature_docs(ds.texts[:800], True, True), ds.labels[:800], cfg)
    model = fitted.export(0.5, {})
    char = [b for b in model.blocks if b.analyzer == "char_wb"][0]
    assert char.markers is False and not any("xx" in g for g in char.vocabulary if g.strip() in ("xxs", "xxbos", "xxeos"))
    assert not any(m in g for g in char.vocabulary for m in ("xxbos", "xxeos", "xxcolon"))


# 7 -------------------------------------------------------------------------------------------------
def test_item07_escape_sequences_are_shown_not_obeyed(cli):
    evil = "Titlu \x1b[31mroșu\x1b[0m și \x1b]0;titlu fereastră\x07 gata"
    for args in (["score", "--format", "table", evil], ["explain", evil]):
        r = cli(*args)
        assert r.returncode == 0
        assert b"\x1b" not in r.stdout and b"\x07" not in r.stdout
        assert b"\\x1b" in r.stdout


def test_item07_extract_table_shows_control_characters(cli, tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("Un titlu cu \x1b[2J ștergere de ecran\n\nAutor\n", encoding="utf-8")
    r = cli("extract", str(page), "--format", "table")
    assert r.returncode == 0 and b"\x1b" not in r.stdout and b"\\x1b" in r.stdout


# 8 -------------------------------------------------------------------------------------------------
def test_item08_chunks_are_bounded_by_bytes(tmp_path):
    from clickbait.stream import LineReader

    big = tmp_path / "big.txt"
    line = b"x" * 300_000
    big.write_bytes(b"\n".join([line] * 12) + b"\nscurt\n")
    with open(big, "rb") as fh:
        chunks = list(LineReader(fh.fileno(), chunk_bytes=1_000_000).chunks())
    assert sum(len(c) for c in chunks) == 13
    assert all(sum(len(x) for x in c) <= 1_000_000 or len(c) == 1 for c in chunks)
    assert max(len(c) for c in chunks) <= 4


def test_item08_huge_lines_still_echo_whole(cli):
    r = cli("score", "--format", "jsonl", input=("Ce a urmat " * 200_000 + "\nalt titlu\n").encode())
    recs = jsonl(r.stdout)
    assert len(recs) == 2 and len(recs[0]["headline"]) == len("Ce a urmat ") * 200_000


# 9 -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, tag, rest",
    [
        ("FOTO/VIDEO Ce a urmat", "FOTO/VIDEO", "Ce a urmat"),
        ("FOTO VIDEO Ce a urmat", "FOTO/VIDEO", "Ce a urmat"),
        ("VIDEO | FOTO Ce a urmat", "VIDEO/FOTO", "Ce a urmat"),
        ("FOTO / VIDEO: Incendiu la Iași", "FOTO/VIDEO", "Incendiu la Iași"),
    ],
)
def test_item09_runs_of_tags(text, tag, rest):
    from clickbait.text import split_tag

    assert split_tag(text) == (tag, rest)


# 10 ------------------------------------------------------------------------------------------------
def test_item10_explain_colours_the_headline_as_written(cli):
    r = cli("explain", "Liderii UE s-au întâlnit la Bruxelles. Ce au decis", env={"NO_COLOR": "1"})
    out = r.stdout.decode()
    first = out.splitlines()[0]
    assert first.startswith("headline: ")
    shown = [w.lstrip("+-") for w in first[len("headline: "):].split()]
    assert shown == "Liderii UE s-au întâlnit la Bruxelles. Ce au decis".split()
    assert any(w.startswith(("+", "-")) for w in first.split()[1:])
    assert "xxbos" not in out and "xxs" not in out and "red pushes" not in out
    assert 'start of sentence: "ce"' in out or '"ce"' in out


# 11 ------------------------------------------------------------------------------------------------
def test_item11_interactive_score_prints_one_header_and_a_plain_prompt(trained):
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "CLICKBAIT_MODEL": str(trained.path), "COLUMNS": "100"}
    child = pexpect.spawn(PY, ["-m", "clickbait", "score"], env=env, cwd=str(ROOT), timeout=30, encoding="utf-8")
    try:
        child.expect("one per line")
        prompt = child.before + child.after
        assert "warning" not in prompt
        seen = prompt
        child.sendline("Guvernul a aprobat bugetul pe 2027")
        child.expect(r"2027\s+[01]\.\d+")  # the answer row, at once
        seen += child.before + child.after
        child.sendline("Ce a urmat te va lăsa fără cuvinte")
        child.expect(r"cuvinte\s+[01]\.\d+")
        seen += child.before + child.after
        child.sendeof()
        child.expect(pexpect.EOF)
        seen += child.before
    finally:
        child.close()
    assert seen.count("probability") == 1


# 12 ------------------------------------------------------------------------------------------------
def test_item12_narrow_terminal_keeps_headers_whole(cli):
    r = cli("evaluate", str(DATA), env={"COLUMNS": "60"})
    out = r.stdout.decode()
    assert r.returncode == 0 and "…" not in out
    for head in ("acc", "prec", "recall", "F1", "AUC"):
        assert head in out


# 13 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("out, message", [("", "empty"), ("FOLDER", "folder"), ("/nonexistent/dir/x.npz", "does not exist")])
def test_item13_out_is_checked_before_training(cli, tmp_path, out, message):
    import time

    target = str(tmp_path) if out == "FOLDER" else out
    t0 = time.perf_counter()
    r = cli("train", str(DATA), "--out", target)
    assert r.returncode in (1, 2) and message in r.stderr.decode()
    assert time.perf_counter() - t0 < 20  # it did not train first (a full training takes minutes)
    assert not os.path.exists("/nonexistent")


# 14 ------------------------------------------------------------------------------------------------
def _write(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _rows(n: int = 12) -> list[tuple[str, str]]:
    return [(f"Titlul numărul {i} despre bugetul orașului {i}", "1.0" if i % 2 else "0.0") for i in range(n * 2)]


def test_item14_pandas_float_labels_are_accepted(tmp_path):
    from clickbait.training import data as tdata

    p = _write(tmp_path, "f.csv", ("headline,label\n" + "".join(f"{h},{l}\n" for h, l in _rows())).encode())
    ds = tdata.load([p])
    assert set(ds.labels) == {0, 1}


def test_item14_a_number_as_headline_is_named(tmp_path):
    from clickbait.training import data as tdata

    p = _write(tmp_path, "n.jsonl", b'{"headline": 123, "label": 1}\n')
    with pytest.raises(ClickbaitError, match=r"n\.jsonl:1: the headline is a number, not text"):
        tdata.read_file(p)


def test_item14_utf16_and_bom_files_are_read(tmp_path):
    from clickbait.training import data as tdata

    text = "headline,label\n" + "".join(f"Știre {h},{l}\n" for h, l in _rows())
    for name, data in (("u16.csv", text.encode("utf-16")), ("bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))):
        ds = tdata.load([_write(tmp_path, name, data)])
        assert ds.texts[0].startswith("Știre Titlul")


def test_item14_excel_sep_line_is_honoured(tmp_path):
    from clickbait.training import data as tdata

    text = "sep=;\nheadline;label\n" + "".join(f"{h}, cu virgulă;{l}\n" for h, l in _rows())
    ds = tdata.load([_write(tmp_path, "x.csv", text.encode())])
    assert ds.texts[0].endswith("cu virgulă")
    bad = _write(tmp_path, "y.csv", b"sep=;\nheadline;label\nUn titlu;poate\n")
    with pytest.raises(ClickbaitError, match=r"y\.csv:3:"):
        tdata.read_file(bad)


def test_item14_null_label_is_worded_for_people(tmp_path):
    from clickbait.training import data as tdata

    p = _write(tmp_path, "z.jsonl", b'{"headline": "Un titlu", "label": null}\n')
    with pytest.raises(ClickbaitError) as exc:
        tdata.read_file(p)
    assert "None" not in str(exc.value) and "empty (null)" in str(exc.value)


# 15 ------------------------------------------------------------------------------------------------
def test_item15_plain_text_files_of_one_class(cli, tmp_path):
    cb = tmp_path / "clickbait.txt"
    ncb = tmp_path / "non_clickbait.txt"
    cb.write_text("\n".join(f"You won't believe what happened to player {i}" for i in range(30)) + "\n", encoding="utf-8")
    ncb.write_text("\n".join(f"Parliament passes budget number {i} after a long debate" for i in range(30)) + "\n", encoding="utf-8")
    out = tmp_path / "en.npz"
    r = cli("train", "--clickbait", str(cb), "--not-clickbait", str(ncb), "--out", str(out), "--grid", "quick", "--format", "json")
    assert r.returncode == 0, r.stderr
    meta = json.loads(r.stdout)
    assert meta["rows"] == {"total": 60, "clickbait": 30, "nonclickbait": 30}


# 16 ------------------------------------------------------------------------------------------------
def test_item16_evaluate_writes_predictions_and_intervals(cli, tmp_path):
    pred = tmp_path / "pred.csv"
    r = cli("evaluate", str(DATA), "--predictions", str(pred))
    assert r.returncode == 0, r.stderr
    assert "95% bootstrap intervals" in r.stdout.decode()
    rows = list(csv.DictReader(open(pred, encoding="utf-8")))
    source = list(csv.DictReader(open(DATA, encoding="utf-8")))
    assert len(rows) == len(source)
    assert rows[5]["headline"] == source[5]["headline"] and rows[5]["topic"] == source[5]["topic"]
    assert 0 <= float(rows[5]["probability"]) <= 1 and rows[5]["clickbait"] in ("0", "1")


# 20 ------------------------------------------------------------------------------------------------
def test_item20_python_api_validates_its_arguments(trained):
    m = trained.model
    with pytest.raises(ClickbaitError, match=r"model.score\(\[headline\]\)"):
        m.score("Ce a urmat")
    with pytest.raises(ClickbaitError, match="threshold"):
        m.score(["x"], threshold=2)
    with pytest.raises(ClickbaitError, match="headline 1 is NoneType"):
        m.score(["bun", None])
    with pytest.raises(ClickbaitError, match="prior"):
        m.score(["bun"], prior=1.5)
    assert len(repr(m)) < 300 and "\n" not in repr(m)


# 22 ------------------------------------------------------------------------------------------------
def test_item22_help_says_how_to_score_a_headline_starting_with_a_dash(cli):
    h = cli("score", "--help").stdout.decode()
    assert 'clickbait score -- "-20 de grade în Harghita"' in h
    r = cli("score", "--format", "jsonl", "--", "-20 de grade în Harghita")
    assert r.returncode == 0 and jsonl(r.stdout)[0]["headline"] == "-20 de grade în Harghita"


# issue 12: progress on long work -------------------------------------------------------------------
def test_progress_line_only_when_stderr_is_a_terminal(trained, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    big = tmp_path / "big.txt"
    big.write_text("\n".join(trained.texts * 4) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "CLICKBAIT_MODEL": str(trained.path)}
    # stderr on a terminal (the pty), stdin and stdout files: a progress line on stderr, stdout untouched
    child = pexpect.spawn("bash", ["-c", f"{PY} -m clickbait score --format jsonl < {big} > {out}"], env=env,
                          cwd=str(ROOT), timeout=120, encoding="utf-8")
    child.expect(pexpect.EOF)
    seen = child.before
    child.close()
    assert "lines/s" in seen and "lines" in seen
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(trained.texts) * 4
    assert "lines/s" not in out.read_text(encoding="utf-8")
    # in a pipe: nothing on stderr
    r = subprocess.run([PY, "-m", "clickbait", "score", "--format", "jsonl"], stdin=open(big, "rb"), capture_output=True,
                       env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 0 and r.stderr == b""
