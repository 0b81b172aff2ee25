"""`clickbait label`: the queue, its order, the answer file, the quick retrain, and the command driven
through a pseudo-terminal (answers, skip, undo, quit, resume, a SIGKILL, Ctrl-C, no terminal, --export).

The titles below were written for these tests (invented news); the pages are the project's fixtures.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from clickbait import label as lb
from clickbait import label_tty
from clickbait.errors import ClickbaitError
from tests.conftest import DATA, FIXTURES, ROOT, SHARED, run_cli

PY = sys.executable
PAGE = FIXTURES / "pages" / "p02_two_rails.txt"
SEED_PAGES = sorted((SHARED / "seed").glob("*.txt")) if (SHARED / "seed").is_dir() else []

CLICKBAIT = [
    "Ce a găsit o bunică din Vaslui în podul casei. Nepoții nu și-au crezut ochii",
    "Motivul pentru care tot mai mulți șoferi lasă o sticlă de apă pe bancheta din spate",
    "Trucul simplu care îți scade factura la curent cu o treime. Puțini îl cunosc",
    "Nu o să crezi ce s-a întâmplat la nunta din Bistrița după miezul nopții",
    "Vedeta care a renunțat la televiziune pentru o fermă de capre. Cum arată viața ei acum",
    "Greșeala pe care o fac aproape toți părinții dimineața, înainte de școală",
    "Ce ascundea un bărbat din Arad în portbagajul mașinii. Polițiștii au rămas fără cuvinte",
    "Alimentul ieftin care ține foamea departe ore întregi. Nutriționiștii îl recomandă",
    "Un pensionar din Giurgiu a primit o scrisoare ciudată. Ce scria în ea",
    "Semnul discret care arată că ai nevoie de ochelari. Mulți îl ignoră ani la rând",
    "Ce a spus antrenorul în vestiar la pauză. Jucătorii au intrat alți oameni pe teren",
    "Asta e cea mai frumoasă plajă din Europa, potrivit turiștilor. Nu e în Grecia",
    "Suma uriașă pe care a cerut-o un meșter pentru o țeavă spartă. Clientul a rămas mască",
    "De ce nu trebuie să speli niciodată ouăle înainte să le pui în frigider",
    "Cum arată acum fetița din reclama celebră de acum douăzeci de ani",
    "Ce s-a ales de satul de munte în care nu mai locuiește nimeni de zece ani",
]
NOT_CLICKBAIT = [
    "Primăria Sibiu a aprobat bugetul pentru reabilitarea a 40 de blocuri în 2027",
    "CFR introduce din iunie un tren direct între Cluj-Napoca și Constanța",
    "Ministerul Educației publică calendarul examenului de bacalaureat pentru anul viitor",
    "Două persoane au fost rănite într-un accident pe DN1, la ieșirea din Ploiești",
    "Consiliul Județean Iași a semnat contractul pentru noul spital regional",
    "Echipa națională de handbal feminin s-a calificat în semifinalele Campionatului European",
    "Prețul pâinii a crescut cu 8% în ultimul an, arată datele publicate de statistică",
    "Un incendiu a distrus o hală de depozitare din zona industrială a Brașovului",
    "Parlamentul a votat legea care interzice vânzarea băuturilor energizante către minori",
    "Aeroportul din Timișoara va avea o nouă pistă de decolare până în 2028",
    "Universitatea din Craiova deschide un program de master în robotică industrială",
    "Ploile abundente au inundat 30 de gospodării din județul Buzău",
    "Poliția a reținut doi tineri suspectați de furtul a zeci de biciclete din Cluj",
    "Compania de transport public din București cumpără 100 de autobuze electrice",
    "Comisia Europeană a aprobat planul României pentru irigații în Dobrogea",
    "Spitalul Județean Suceava primește un aparat nou de tomografie computerizată",
]
TITLES = CLICKBAIT + NOT_CLICKBAIT
QUESTION = re.compile(r"\[(\d+) \| (\d+) left\] ([^\r\n]+)\r?\n.*?clickbait\? \[y/n/s/u/q/\?\] ", re.DOTALL)


# -- fixtures ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    """The corpus fitted with the trainer's fixed default config (no search: about a second)."""
    from clickbait.training import data as tdata
    from clickbait.training import fit as tfit

    ds = tdata.load([DATA])
    cfg = tfit.DEFAULT_CONFIG
    fitted = tfit.fit(tfit.feature_docs(ds.texts, cfg.fold_diacritics, cfg.markers), ds.labels, cfg)
    path = tmp_path_factory.mktemp("label_model") / "model.npz"
    fitted.export(0.5, {"rows": {"total": len(ds.texts)}}).save(path)
    return path


@pytest.fixture(scope="module")
def model(model_path):
    from clickbait.model import Model

    return Model.load(model_path)


@pytest.fixture
def titles_file(tmp_path):
    path = tmp_path / "titles.txt"
    path.write_text("\n".join(TITLES) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small_base(tmp_path):
    """A tiny labelled base corpus (the invented titles), so a retrain takes milliseconds."""
    path = tmp_path / "base.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["headline", "label"])
        w.writerows([(t, 1) for t in CLICKBAIT] + [(t, 0) for t in NOT_CLICKBAIT])
    return path


def read_answers(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_invented_titles_are_new_to_the_corpus():
    from clickbait.training import data as tdata

    base = {lb.title_key(t) for t in tdata.load([DATA]).texts}
    assert not base & {lb.title_key(t) for t in TITLES}
    assert len({lb.title_key(t) for t in TITLES}) == len(TITLES)


# -- sources and de-duplication ---------------------------------------------------------------------
def test_title_key_ignores_tag_case_diacritics_and_punctuation():
    assert lb.title_key("INEDIT Ce a găsit un cioban?") == lb.title_key("ce a gasit un cioban") == "ce a gasit un cioban"
    assert lb.title_key("Şcoala  „din” deal.") == lb.title_key("scoala din deal")
    assert lb.title_key("BNR a anunțat") == "bnr a anuntat"  # an acronym is not a tag


def test_sources_page_text_file_and_tables(tmp_path, titles_file):
    from clickbait.pages import extract_file

    kind, items = lb.read_source(PAGE)
    assert kind == "page"
    assert [it.headline for it in items] == [r["headline"] for r in extract_file(PAGE)]
    partner = next(it for it in items if it.section == "partner")
    assert partner.source == "Mediafax" and partner.page == str(PAGE)
    assert next(it for it in items if it.headline.startswith("Trenurile spre Suceava")).tag == "FLASH NEWS"

    kind, items = lb.read_source(titles_file)
    assert kind == "titles" and [it.headline for it in items] == TITLES

    csv_path = tmp_path / "t.csv"
    csv_path.write_text("id;title;source\n1;" + TITLES[0] + ";Gazeta\n2;;x\n3;" + TITLES[1] + ";\n", encoding="utf-8")
    kind, items = lb.read_source(csv_path)
    assert kind == "table" and [it.headline for it in items] == TITLES[:2] and items[0].source == "Gazeta"

    jl = tmp_path / "t.jsonl"
    jl.write_text("\n".join(json.dumps({"titlu": t}) for t in TITLES[:3]) + "\n", encoding="utf-8")
    assert [it.headline for it in lb.read_source(jl, column="titlu")[1]] == TITLES[:3]
    with pytest.raises(ClickbaitError, match=r"t\.jsonl:1: no text column"):
        lb.read_source(jl)

    tagged = tmp_path / "tagged.txt"
    tagged.write_text("EXCLUSIV " + TITLES[2] + "\r\n\r\n", encoding="utf-8")
    (item,) = lb.read_source(tagged)[1]
    assert item.tag == "EXCLUSIV" and item.key == lb.title_key(TITLES[2])


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"<!doctype html><html><body>x</body></html>", "an HTML page"),
    (b"\x00\x01\x02binary" * 50, "a binary file"),
])
def test_bad_sources_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ClickbaitError, match=message):
        lb.read_source(path)
    with pytest.raises(ClickbaitError, match="no such file"):
        lb.read_source(tmp_path / "missing.txt")


def test_collect_drops_duplicates_answered_and_base_titles(tmp_path, titles_file):
    again = tmp_path / "again.txt"
    again.write_text(TITLES[0].upper() + "\n" + TITLES[0] + "\n… !!!\n", encoding="utf-8")
    got = lb.collect([titles_file, again], answered={lb.title_key(TITLES[1])}, base={lb.title_key(TITLES[2])})
    assert got.read == len(TITLES) + 3
    assert (got.duplicates, got.in_out, got.in_base) == (2, 1, 1)
    assert got.unscorable == 1  # no word at all
    assert [it.headline for it in got.items] == [t for t in TITLES if t not in TITLES[1:3]]
    assert got.kinds == {str(titles_file): "titles", str(again): "titles"}


def test_exclude_files_and_random_order_without_retraining(tmp_path, titles_file, small_base, model_path):
    held = tmp_path / "held.csv"
    lb.AnswerFile(held).append(lb.Item(headline=TITLES[7]), 1)
    out = tmp_path / "mine.csv"
    s = lb.open_session([titles_file], out, model_path=model_path, base=[small_base], exclude=[held])
    assert s.collected.in_base == len(TITLES) - 1 and s.collected.excluded == 1  # the base holds them all
    more = tmp_path / "more.txt"
    more.write_text(TITLES[7] + "\nUn titlu nou despre vremea de mâine\n", encoding="utf-8")
    s = lb.open_session([more], out, model_path=model_path, base=[small_base], exclude=[held], strategy="random")
    assert [it.headline for it in s.queue] == ["Un titlu nou despre vremea de mâine"]
    assert not s.retrain_enabled  # the random order does not follow the model
    assert lb.open_session([more], out, model_path=model_path, base=[small_base], strategy="random",
                           retrain_every=5).retrain_enabled


def test_a_resumed_session_retrains_before_its_first_question(tmp_path, small_base, model_path):
    more = tmp_path / "more.txt"
    more.write_text("Un titlu nou despre vremea de mâine\nCe a pățit un turist pe Vârful Omu\n", encoding="utf-8")
    out = tmp_path / "mine.csv"
    lb.AnswerFile(out).append(lb.Item(headline="Ce a pățit un turist pe Vârful Omu"), 1)
    s = lb.open_session([more], out, model_path=model_path, base=[small_base])
    assert s.retrain_due and len(s.queue) == 1
    written = []
    assert label_tty.run(s, lambda: "q", written.append) == 0
    assert "retrained on 33 titles" in "".join(written) and s.retrains == 1


# -- order ------------------------------------------------------------------------------------------
def test_uncertain_asks_nearest_the_threshold_first_confident_the_farthest():
    p = [0.85, 0.52, 0.1, 0.45, 0.6]
    assert lb.order(p, 0.5, "uncertain") == [1, 3, 4, 0, 2]
    assert lb.order(p, 0.5, "confident") == [2, 0, 4, 3, 1]
    assert lb.order(p, 0.8, "uncertain")[0] == 0


def test_near_identical_titles_are_not_asked_in_a_row():
    twins = [f"Ce a găsit un cioban în zăpadă pe muntele {m}. Localnicii nu își revin" for m in
             ("Ciucaș", "Ceahlău", "Parâng", "Retezat", "Bucegi", "Făgăraș")]
    items = [lb.Item(headline=t) for t in twins + TITLES[:6]]
    p = [0.50, 0.501, 0.502, 0.499, 0.503, 0.498] + [0.54, 0.46, 0.56, 0.44, 0.57, 0.43]
    plain = lb.order(p, 0.5, "uncertain")
    assert sorted(plain[:6]) == list(range(6))  # by probability alone the six twins come first
    got = lb.order(p, 0.5, "uncertain", tokens=[it.tokens for it in items])
    assert got[0] == 0 and set(got[1:7]) == set(range(6, 12)), got  # the other titles come between the twins
    assert sorted(got) == list(range(12))
    # the last questions asked count too: after a twin, the other titles come first
    again = lb.order(p, 0.5, "uncertain", tokens=[it.tokens for it in items], recent=[items[5].tokens])
    assert set(again[:6]) == set(range(6, 12)), again


def test_random_order_is_fixed_by_seed_and_title():
    keys = [lb.title_key(t) for t in TITLES]
    a = lb.order([0.5] * len(keys), 0.5, "random", keys=keys, seed=1)
    assert a == lb.order([0.1] * len(keys), 0.5, "random", keys=keys, seed=1)
    assert a != lb.order([0.5] * len(keys), 0.5, "random", keys=keys, seed=2)
    sub = keys[::2]
    got = [sub[i] for i in lb.order([0.5] * len(sub), 0.5, "random", keys=sub, seed=1)]
    assert got == [keys[i] for i in a if keys[i] in set(sub)]  # a title keeps its place
    with pytest.raises(ClickbaitError, match="unknown strategy"):
        lb.order([0.5], 0.5, "smart")


# -- the answer file --------------------------------------------------------------------------------
def test_answers_are_flushed_and_fsynced_one_by_one(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    path = tmp_path / "mine.csv"
    f = lb.AnswerFile(path)
    assert not path.exists() and len(f) == 0
    f.append(lb.Item(headline=TITLES[0], source="Gazeta", page="a.txt"), 1, when="2026-01-02T03:04:05Z")
    n = len(synced)
    assert n >= 1
    assert path.read_text(encoding="utf-8") == (
        "headline,label,source,page,labelled_at\n" + TITLES[0] + ",1,Gazeta,a.txt,2026-01-02T03:04:05Z\n")
    f.append(lb.Item(headline=TITLES[-1]), 0)
    assert len(synced) > n  # every answer is synced
    rows = read_answers(path)
    assert [(r["headline"], r["label"]) for r in rows] == [(TITLES[0], "1"), (TITLES[-1], "0")]
    again = lb.AnswerFile(path)  # resume
    assert again.texts == [TITLES[0], TITLES[-1]] and again.labels == [1, 0]
    assert again.keys == {lb.title_key(TITLES[0]), lb.title_key(TITLES[-1])}


def test_undo_rewrites_atomically_and_the_file_stays_training_data(tmp_path, monkeypatch):
    from clickbait.training import data as tdata

    path = tmp_path / "mine.csv"
    f = lb.AnswerFile(path)
    for i, t in enumerate(TITLES[:4]):
        f.append(lb.Item(headline=t), i % 2)
    replaced = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (replaced.append((Path(a).parent, Path(b))), real(a, b)))
    row = f.retract_last()
    assert row["headline"] == TITLES[3] and replaced == [(tmp_path, path)]
    assert [r["headline"] for r in read_answers(path)] == TITLES[:3]
    assert not list(tmp_path.glob(".*.tmp"))
    f.append(lb.Item(headline=TITLES[5]), 1)
    assert [r["headline"] for r in read_answers(path)] == TITLES[:3] + [TITLES[5]]
    assert [e.text for e in tdata.read_file(path)] == TITLES[:3] + [TITLES[5]]
    assert lb.AnswerFile(path).labels == [0, 1, 0, 1]


def test_answer_file_problems(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("name,score\nx,1\n", encoding="utf-8")
    with pytest.raises(ClickbaitError, match="not an answer file"):
        lb.AnswerFile(other)
    bad = tmp_path / "bad.csv"
    bad.write_text("headline,label\nUn titlu,poate\n", encoding="utf-8")
    with pytest.raises(ClickbaitError, match=r"bad\.csv:2: the label is 'poate'"):
        lb.AnswerFile(bad)
    # a file someone edited by hand: other columns kept, no final newline
    edited = tmp_path / "edited.csv"
    edited.write_text("label,headline,note\n1," + TITLES[0] + ",ok", encoding="utf-8")
    f = lb.AnswerFile(edited)
    f.append(lb.Item(headline=TITLES[1]), 0)
    assert edited.read_text(encoding="utf-8") == f"label,headline,note\n1,{TITLES[0]},ok\n0,{TITLES[1]},\n"
    with pytest.raises(ClickbaitError, match="is a folder"):
        lb.check_out_path(tmp_path)
    with pytest.raises(ClickbaitError, match="does not exist"):
        lb.check_out_path(tmp_path / "no" / "mine.csv")


# -- the quick retrain and the session --------------------------------------------------------------
def test_quick_retrain_keeps_the_threshold_and_learns_the_answers(small_base):
    base = lb.load_base([small_base])
    t0 = time.perf_counter()
    m = lb.quick_retrain(*base, [TITLES[0], "Un titlu nou despre vreme"], [0, 1], threshold=0.37)
    assert time.perf_counter() - t0 < 30
    assert m.threshold == 0.37 and m.path is None
    assert m.metadata["rows"] == {"total": 33, "clickbait": 16, "nonclickbait": 17, "labelled": 2}
    with pytest.raises(ClickbaitError, match="one class"):
        lb.quick_retrain([], [], ["a b", "c d"], [1, 1], 0.5)


def test_session_through_scripted_keys(tmp_path, titles_file, small_base, model):
    out = tmp_path / "mine.csv"
    items = lb.collect([titles_file]).items
    s = lb.Session(items, lb.AnswerFile(out), model, batch=2, base=lb.load_base([small_base]))
    order = [q.headline for q in s.queue]
    shown = []
    keys = iter("ysxnu?ynq")
    written = []

    def read_key():
        q = s.current()
        shown.append(q.item.headline)
        return next(keys)

    assert label_tty.run(s, read_key, written.append) == 0
    text = "".join(written)
    rows = read_answers(out)
    # the answers are titles of the base corpus too: an answer replaces its base row (32 rows in all)
    assert "retraining on the base corpus plus 2 answers" in text and "retrained on 32 titles" in text
    assert "not a key here" in text and "undone answer" in text and "  u  undo" in text
    assert rows[0]["headline"] == order[0] and rows[0]["label"] == "1"
    assert len(rows) == 3 and [r["label"] for r in rows] == ["1", "1", "0"]
    assert s.skipped == {lb.title_key(order[1])}
    assert "3 answers in" in text and "clickbait train data/headlines.csv" in text


def test_undo_reaches_back_into_the_previous_session(tmp_path, titles_file, model):
    out = tmp_path / "mine.csv"
    f = lb.AnswerFile(out)
    f.append(lb.Item(headline=TITLES[3]), 1)
    got = lb.collect([titles_file], answered=f.keys)
    s = lb.Session(got.items, lb.AnswerFile(out), model, retrain_every=0, collected=got)
    assert TITLES[3] not in [it.headline for it in s.queue]
    what, item = s.undo()
    assert what == "answer" and item.headline == TITLES[3]
    assert s.current().item.headline == TITLES[3] and read_answers(out) == []
    assert s.undo() is None


# -- the command in a pseudo-terminal ----------------------------------------------------------------
class Tty:
    def __init__(self, *args: str, cwd: Path):
        pexpect = pytest.importorskip("pexpect")
        self.pexpect = pexpect
        env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
        env.pop("CLICKBAIT_MODEL", None)
        self.child = pexpect.spawn(PY, ["-m", "clickbait", "label", *args], cwd=str(cwd), env=env,
                                   timeout=30, encoding="utf-8", dimensions=(40, 120))
        self.seen = ""

    def question(self) -> str:
        self.child.expect(QUESTION)
        self.seen += self.child.before + self.child.after
        return self.child.match.group(3)

    def key(self, k: str, then: str | None = None) -> None:
        self.child.send(k)
        if then:
            self.child.expect(then)
            self.seen += self.child.before + self.child.after

    def finish(self) -> int:
        self.child.expect(self.pexpect.EOF)
        self.seen += self.child.before
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None else -self.child.signalstatus


def test_answers_skip_undo_quit_and_resume(tmp_path, titles_file, model_path):
    out = tmp_path / "mine.csv"
    args = [str(titles_file), "--out", str(out), "--model", str(model_path), "--retrain-every", "0"]
    t = Tty(*args, cwd=tmp_path)
    first = t.question()
    t.key("y", "saved")
    second = t.question()
    t.key("s", "skipped")
    third = t.question()
    t.key("n", "saved")
    assert t.question() != third
    t.key("u", "undone answer")
    assert t.question() == third  # asked again
    t.key("y", "saved")
    fourth = t.question()
    t.key("?", "save and quit")
    assert t.question() == fourth
    t.key("q")
    assert t.finish() == 0
    assert "to ask, strategy uncertain" in t.seen and "2 answers in" in t.seen
    rows = read_answers(out)
    assert [(r["headline"], r["label"]) for r in rows] == [(first, "1"), (third, "1")]
    assert rows[0]["page"] == str(titles_file) and rows[0]["labelled_at"].endswith("Z")

    t = Tty(*args, cwd=tmp_path)  # resume: the answered titles are never asked again, the skipped one is
    asked = [t.question()]
    assert "Resuming" in t.seen and "2 already in" in t.seen
    t.key("n", "saved")
    asked.append(t.question())
    t.key("\x03")  # Ctrl-C: quits like q (status 130), the answers are kept
    assert t.finish() == 130
    assert asked[0] == second  # the skipped title is back, first in line
    assert first not in asked and third not in asked
    rows = read_answers(out)
    assert [r["headline"] for r in rows] == [first, third, asked[0]] and rows[2]["label"] == "0"


def test_a_killed_session_keeps_every_answer(tmp_path, titles_file, model_path):
    out = tmp_path / "mine.csv"
    args = [str(titles_file), str(PAGE), "--out", str(out), "--model", str(model_path), "--retrain-every", "0"]
    t = Tty(*args, cwd=tmp_path)
    answered = []
    for k in "yny":
        answered.append((t.question(), "1" if k == "y" else "0"))
        t.key(k, "saved")
    t.question()
    os.kill(t.child.pid, signal.SIGKILL)
    t.child.expect(t.pexpect.EOF)
    t.child.close()
    assert t.child.signalstatus == signal.SIGKILL
    assert [(r["headline"], r["label"]) for r in read_answers(out)] == answered
    t = Tty(*args, cwd=tmp_path)
    nxt = t.question()
    assert nxt not in [a for a, _ in answered] and "3 answers already saved" in t.seen
    t.key("q")
    assert t.finish() == 0


def test_retrains_every_batch_between_questions(tmp_path, titles_file, small_base, model_path):
    out = tmp_path / "mine.csv"
    extra = tmp_path / "more.txt"
    extra.write_text("Ce a pățit un turist care a urcat pe Vârful Omu în papuci\n"
                     "Consiliul Local Galați a aprobat tarifele noi la apă\n", encoding="utf-8")
    t = Tty(str(extra), str(PAGE), "--out", str(out), "--model", str(model_path), "--batch", "2",
            "--base", str(small_base), cwd=tmp_path)
    t.question()
    t.key("y", "saved")
    t.question()
    t.key("n", "retrained on 34 titles")
    t.question()
    t.key("q")
    assert t.finish() == 0
    assert "retraining on the base corpus plus 2 answers" in t.seen
    assert len(read_answers(out)) == 2


@pytest.mark.skipif(not SEED_PAGES, reason="../shared/seed is absent")
def test_label_on_the_seed_page(tmp_path, small_base, model_path):
    out = tmp_path / "mine.csv"
    t = Tty(str(SEED_PAGES[0]), "--out", str(out), "--model", str(model_path), "--base", str(small_base),
            "--retrain-every", "0", cwd=tmp_path)
    first = t.question()
    t.key("n", "saved")
    t.question()
    t.key("q")
    assert t.finish() == 0
    assert "from 1 page" in t.seen
    from clickbait.pages import extract_file

    assert first in [r["headline"] for r in extract_file(SEED_PAGES[0])]
    assert read_answers(out)[0]["page"] == str(SEED_PAGES[0])


def test_refuses_when_stdin_is_not_a_terminal(tmp_path, titles_file, model_path):
    out = tmp_path / "mine.csv"
    r = run_cli("label", str(titles_file), "--out", str(out), "--model", str(model_path), input="y\ny\n")
    err = r.stderr.decode()
    assert r.returncode == 1 and err.count("\n") == 1 and "not a terminal" in err and "--export" in err
    assert not out.exists()


def test_export_writes_the_queue_in_order(tmp_path, titles_file, model_path, model):
    out = tmp_path / "mine.csv"
    lb.AnswerFile(out).append(lb.Item(headline=TITLES[4]), 1)
    queue = tmp_path / "queue.csv"
    r = run_cli("label", str(titles_file), str(PAGE), "--out", str(out), "--model", str(model_path),
                "--export", str(queue))
    assert r.returncode == 0, r.stderr
    rows = read_answers(queue)
    assert list(rows[0]) == list(lb.EXPORT_COLUMNS)
    expected = lb.open_session([titles_file, PAGE], out, model_path=model_path, retrain_every=0).queue
    assert [r["headline"] for r in rows] == [it.headline for it in expected]
    assert TITLES[4] not in [r["headline"] for r in rows] and all(r["label"] == "" for r in rows)
    dist = [abs(float(r["probability"]) - model.threshold) for r in rows]
    assert dist[0] == min(dist)
    r = run_cli("label", str(titles_file), "--model", str(model_path), "--export", "-", "--strategy", "confident")
    lines = r.stdout.decode().splitlines()
    assert r.returncode == 0 and lines[0] == ",".join(lb.EXPORT_COLUMNS) and len(lines) == len(TITLES) + 1


@pytest.mark.parametrize("args, status, message", [
    (["missing.txt", "--out", "m.csv"], 1, "clickbait: error: missing.txt: no such file"),
    (["{titles}", "--out", "nofolder/m.csv"], 1, "the folder nofolder does not exist"),
    (["{titles}", "--out", "{titles}"], 1, "not an answer file"),
    (["{titles}"], 1, "--out is missing"),
    (["{titles}", "--out", "m.csv", "--strategy", "smart"], 2, "'smart' is not one of"),
    (["{titles}", "--out", "m.csv", "--batch", "0"], 2, "--batch"),
], ids=["missing-source", "missing-folder", "out-not-answers", "no-out", "strategy", "batch"])
def test_bad_input_is_one_line_in_a_terminal(tmp_path, titles_file, model_path, args, status, message):
    t = Tty(*[a.replace("{titles}", str(titles_file)) for a in args], "--model", str(model_path), cwd=tmp_path)
    assert t.finish() == status, t.seen
    assert message in t.seen and "Traceback" not in t.seen
    if status == 1:
        assert len(t.seen.strip().splitlines()) == 1
