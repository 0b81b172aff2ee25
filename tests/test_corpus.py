"""The corpus check over data/headlines.csv, and the check itself on small files written here."""

import csv

import pytest

from tests.conftest import DATA, SHARED
from clickbait.training import corpus


def test_corpus_passes_its_check():
    shared = SHARED if (SHARED / "datasets").is_dir() else None
    problems, summary = corpus.check(DATA, shared)
    assert problems == []
    assert summary["rows"] >= 4000
    assert 0.4 <= summary["clickbait_share"] <= 0.6
    assert len(summary["topics"]) >= 12


def _write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(corpus.COLUMNS)
        w.writerows(rows)
    return path


def test_check_catches_each_kind_of_problem(tmp_path):
    rows = [
        ["Guvernul a aprobat bugetul pe anul viitor", "0", "politics", "news_agency", ""],
        ["Ce a urmat după ședința de guvern de aseară", "1", "politics", "tv_news", ""],
        ["Guvernul a aprobat bugetul pe anul viitor!", "0", "politics", "news_agency", ""],  # near-duplicate
        ["Şedinţă de guvern: ce a urmat", "1", "politics", "tv_news", ""],
        ["Ședință de guvern: ce a urmat", "1", "politics", "tv_news", ""],  # duplicate after normalisation
        ["INEDIT Un urs a intrat într-un magazin din Brașov", "0", "local", "tabloid", ""],  # tag column disagrees
        ["Un titlu cu etichetă greșită", "poate", "weather", "tabloid", ""],
        ["Un titlu cu temă necunoscută", "0", "fashion", "blog", ""],
    ]
    problems, _ = corpus.check(_write(tmp_path / "c.csv", rows))
    text = "\n".join(problems)
    for expected in ("near-duplicate", "duplicate of line 5", "tag column", "label 'poate'", "unknown topic 'fashion'", "unknown source_kind 'blog'"):
        assert expected in text
    unbalanced = [[f"Titlul numărul {i} despre drumuri noi în județul {i}", "1", "local", "tabloid", ""] for i in range(10)]
    problems, _ = corpus.check(_write(tmp_path / "u.csv", unbalanced))
    assert any("outside 40-60%" in p for p in problems)


@pytest.mark.skipif(not (SHARED / "datasets" / "roclico-dev").is_dir(), reason="../shared/datasets is absent")
def test_check_rejects_an_evaluation_title(tmp_path):
    title = corpus.evaluation_titles(SHARED)[0]
    rows = [[title, "1", "politics", "news_agency", ""], ["Un titlu scris pentru proiect, fără legătură", "0", "local", "tabloid", ""]]
    problems, _ = corpus.check(_write(tmp_path / "leak.csv", rows), SHARED)
    assert any("equals an evaluation title" in p for p in problems)
