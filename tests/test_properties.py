"""Property tests and fuzzing (hypothesis): scoring, normalisation, tags, the extractor, the data reader."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clickbait.errors import ClickbaitError
from clickbait.pages import extract
from clickbait.text import TAGS, normalize, split_tag, strip_diacritics
from tests.conftest import FIXTURES

FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ROMANIAN = st.text(alphabet=st.sampled_from(list("aăâbcdeéfghiîjklmnopqrsșşţțtuvwxyzAĂÂBCDEFGHIÎSȘŞTȚŢ .,;:!?„”\"'-–…0123456789\t\u200b")), max_size=120)


@FAST
@given(st.lists(st.text(max_size=200), min_size=1, max_size=8))
def test_score_any_unicode_never_raises_and_is_a_probability(trained, texts):
    for record, text in zip(trained.model.score(texts), texts):
        assert record["headline"] == text
        p = record["probability"]
        assert p is None or 0.0 <= p <= 1.0
        assert (p is None) == (record["clickbait"] is None)


@settings(max_examples=1500, deadline=None)
@given(st.text())
def test_normalize_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=500, deadline=None)
@given(ROMANIAN)
def test_normalize_idempotent_on_romanian_like_text(text):
    once = normalize(text)
    assert normalize(once) == once


@FAST
@given(ROMANIAN)
def test_cedilla_and_comma_forms_score_identically(trained, text):
    comma = text.replace("ş", "ș").replace("ţ", "ț").replace("Ş", "Ș").replace("Ţ", "Ț")
    cedilla = comma.replace("ș", "ş").replace("ț", "ţ").replace("Ș", "Ş").replace("Ț", "Ţ")
    a, b = trained.model.score([comma, cedilla])
    assert a["probability"] == b["probability"] and a["tag"] == b["tag"]


@settings(max_examples=1000, deadline=None)
@given(st.text(), st.sampled_from(TAGS), st.text(min_size=1))
def test_tag_detector_never_takes_text_from_the_middle(prefix, tag, rest):
    text = prefix + " " + tag + " " + rest
    found, remainder = split_tag(text)
    if found is not None:
        stripped = text.lstrip()
        # the tag (the first of a run such as FOTO/VIDEO) is at the very start, and the remainder is the text's own tail
        first = found.split("/")[0]
        assert strip_diacritics(stripped[: len(first)].replace("Ş", "Ș")) == strip_diacritics(first)
        assert stripped.endswith(remainder)
    if prefix.strip() and not split_tag(prefix)[0]:
        assert found is None or normalize(prefix).startswith(tuple(strip_diacritics(t) for t in TAGS) + TAGS)


@settings(max_examples=800, deadline=None)
@given(st.text(), st.sampled_from(TAGS), st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1))
def test_tag_at_start_is_found(lead_space, tag, word):
    text = " " * (len(lead_space) % 3) + tag + " " + word
    assert split_tag(text) == (tag, word)


PAGES = sorted((FIXTURES / "pages").glob("*.txt"))
PAGE_LINES = [p.read_text(encoding="utf-8").splitlines() for p in PAGES]


@settings(max_examples=800, deadline=None)
@given(st.integers(0, len(PAGES) - 1), st.randoms(use_true_random=False), st.text(max_size=40))
def test_extractor_survives_mutated_pages(index, rnd, noise):
    lines = list(PAGE_LINES[index])
    for _ in range(rnd.randint(1, 12)):
        op = rnd.choice(["drop", "dup", "swap", "noise", "blank", "time"])
        i = rnd.randrange(len(lines))
        if op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "noise":
            lines.insert(i, noise)
        elif op == "blank":
            lines.insert(i, "")
        else:
            lines.insert(i, f"{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}")
    records = extract("\n".join(lines), page="m.txt")
    heads = [r["headline"] for r in records]
    assert len({normalize(h) for h in heads}) == len(heads)
    assert all(normalize(h) for h in heads)
    assert all(r["section"] in ("article", "recommended", "rail", "partner") for r in records)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=400))
def test_extractor_survives_random_text(text):
    for r in extract(text, page="r.txt"):
        assert set(r) == {"headline", "tag", "time", "source", "section", "page"}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from(["x.csv", "x.tsv", "x.jsonl", "x.json"]))
def test_data_reader_random_bytes_only_documented_errors(tmp_path, data, name):
    from clickbait.training import data as tdata

    p = tmp_path / name
    p.write_bytes(data)
    try:
        tdata.load([p])
    except ClickbaitError as exc:
        assert str(exc) and "\n" not in str(exc).strip()


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False), st.text(max_size=30))
def test_data_reader_mutated_csv_only_documented_errors(tmp_path, rnd, noise):
    from clickbait.training import data as tdata

    rows = ['headline,label'] + [f'"Titlu numărul {i}, despre ceva",{i % 2}' for i in range(30)]
    for _ in range(rnd.randint(1, 6)):
        i = rnd.randrange(len(rows))
        op = rnd.choice(["noise", "quote", "drop", "label", "cut"])
        if op == "noise":
            rows[i] = rows[i][: rnd.randrange(len(rows[i]) + 1)] + noise
        elif op == "quote":
            rows[i] = '"' + rows[i]
        elif op == "drop" and len(rows) > 1:
            del rows[i]
        elif op == "label":
            rows[i] = rows[i].rsplit(",", 1)[0] + "," + noise
        else:
            rows[i] = rows[i][: len(rows[i]) // 2]
    p = tmp_path / "m.csv"
    p.write_text("\n".join(rows), encoding="utf-8")
    try:
        ds = tdata.load([p])
        assert len(ds.texts) == len(ds.labels) > 0
    except ClickbaitError as exc:
        assert str(exc) and "\n" not in str(exc).strip()
