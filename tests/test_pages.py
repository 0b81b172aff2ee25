"""The page extractor on pages written for the project, and on the real seed page when present."""

import json

import pytest

from clickbait.pages import extract, extract_file
from tests.conftest import FIXTURES, SHARED

PAGES = sorted((FIXTURES / "pages").glob("*.txt"))


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_fixture_pages_match_expected_records(page, monkeypatch):
    expected = [json.loads(l) for l in page.with_suffix(".expected.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    monkeypatch.chdir(page.parent)
    assert extract_file(page.name) == expected  # `page` is the path as given


def test_no_headline_twice_and_no_furniture():
    furniture = {"Citește și", "Recomandarea video", "Cele mai noi", "Trimite acest link pe", "RECOMANDAREA AUTORULUI:"}
    for page in PAGES:
        recs = extract_file(page)
        heads = [r["headline"] for r in recs]
        assert len(heads) == len(set(heads))
        assert not furniture & set(heads)
        assert not any("»" in h for h in heads)


def test_rail_merges_tag_time_and_repeat():
    text = "Titlul articolului\n\nCitește și\n\nCONTROVERSA Primarul a demisionat\n09:05\nPrimarul a demisionat\n"
    recs = extract(text, page="x.txt")
    assert recs == [
        {"headline": "Titlul articolului", "tag": None, "time": None, "source": None, "section": "article", "page": "x.txt"},
        {"headline": "Primarul a demisionat", "tag": "CONTROVERSĂ", "time": "09:05", "source": None, "section": "rail", "page": "x.txt"},
    ]


def test_empty_and_headline_only_pages():
    assert extract("", page="e.txt") == []
    assert [r["section"] for r in extract("Doar un titlu", page="t.txt")] == ["article"]


@pytest.mark.skipif(not (SHARED / "seed").is_dir(), reason="../shared/seed is absent")
def test_real_seed_page():
    recs = extract_file(SHARED / "seed" / "000_569c59af60f09498.txt")
    by_section = {}
    for r in recs:
        by_section[r["section"]] = by_section.get(r["section"], 0) + 1
    assert by_section == {"article": 1, "recommended": 2, "rail": 12, "partner": 15}
    first_rail = next(r for r in recs if r["section"] == "rail")
    assert first_rail["tag"] == "INEDIT" and first_rail["time"] == "18:30"
    assert first_rail["headline"].startswith("Descoperirea uluitoare")
    sources = [r["source"] for r in recs if r["section"] == "partner"]
    assert "Cancan.ro" in sources and "Ce se întâmplă doctore" in sources and "Râzi cu lacrimi" in sources
    prodan = next(r for r in recs if "Anamaria Prodan" in r["headline"])
    assert prodan["tag"] == "FOTO" and prodan["source"] == "Prosport.ro"
    assert len({r["headline"] for r in recs}) == len(recs)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty page"),
        (b"  \n\n", "empty page"),
        (b"<!DOCTYPE html>\n<html><head><title>Stiri</title></head><body>x</body></html>", "HTML page"),
        (b"\xef\xbb\xbf<html lang=\"ro\">\n<body>Titlu</body></html>", "HTML page"),
        (b"\x1b[31m\x00\x01\x02binary\x00\x00garbage" * 20, "binary file"),
    ],
    ids=["empty", "blank", "html", "html-bom", "binary"],
)
def test_what_is_not_a_text_page_is_refused(tmp_path, content, message):
    from clickbait.errors import ClickbaitError

    page = tmp_path / "page.txt"
    page.write_bytes(content)
    with pytest.raises(ClickbaitError, match=message):
        extract_file(page)


def test_rail_without_times_and_breadcrumbs_and_tags_in_article(monkeypatch):
    monkeypatch.chdir(FIXTURES / "pages")
    rail = extract_file("p06_rail_no_times.txt")
    assert [r["section"] for r in rail].count("rail") == 4  # no headline lands in `source`
    assert [r["source"] for r in rail if r["section"] == "partner"] == ["Mediafax", "Cancan.ro"]
    crumbs = extract_file("p07_breadcrumb_tags.txt")
    assert crumbs[0]["section"] == "article" and "»" not in crumbs[0]["headline"]
    assert [(r["tag"], r["headline"].split()[0]) for r in crumbs] == [("VIDEO", "Farul"), ("EXCLUSIV", "Antrenorul"), ("FOTO", "Stadionul")]
