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
    assert corpus.SHARE_BOUNDS[0] <= summary["clickbait_share"] <= corpus.SHARE_BOUNDS[1]
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
    assert any("outside 30%-60%" in p for p in problems)


@pytest.mark.skipif(not (SHARED / "datasets" / "roclico-dev").is_dir(), reason="../shared/datasets is absent")
def test_check_rejects_an_evaluation_title(tmp_path):
    title = corpus.evaluation_titles(SHARED)[0]
    rows = [[title, "1", "politics", "news_agency", ""], ["Un titlu scris pentru proiect, fără legătură", "0", "local", "tabloid", ""]]
    problems, _ = corpus.check(_write(tmp_path / "leak.csv", rows), SHARED)
    assert any("equals an evaluation title" in p for p in problems)


def test_construction_gaps_finds_a_word_the_corpus_ties_to_bait():
    # "povestea" is bait in 3 of 4 corpus titles but plain news in the real set; "ploaie" is neutral in both.
    corpus_titles = ["Povestea omului din Arad", "Povestea unei case vechi", "Povestea câinelui de pe munte",
                     "Povestea primarului a fost publicată", "Ploaie mare la Cluj", "Ploaie și vânt la Iași"]
    corpus_labels = [1, 1, 1, 0, 1, 0]
    real_titles = ["Povestea medicului care a salvat un copil", "Povestea satului mutat de ape",
                   "Ploaie torențială la Brașov", "Ploaie și grindină în Vaslui"]
    real_labels = [0, 0, 1, 0]
    rows = corpus.construction_gaps(corpus_titles, corpus_labels, real_titles, real_labels, min_real=2, min_corpus=2, top=10)
    by_gram = {r["gram"]: r for r in rows}
    assert by_gram["povestea"]["corpus_share"] == 0.75 and by_gram["povestea"]["real_share"] == 0.0
    assert by_gram["povestea"]["gap"] > 0 > by_gram["ploaie"]["gap"]
    assert rows[0]["gram"] in ("povestea", "xxbos povestea")


def test_near_pairs_equals_brute_force():
    import random

    rng = random.Random(3)
    with open(DATA, encoding="utf-8", newline="") as fh:
        rows = [r["headline"] for _, r in zip(range(400), csv.DictReader(fh))]
    edits = [lambda t: t[: -rng.randint(1, 30)], lambda t: "Breaking: " + t, lambda t: t.replace("a", "ă", 2),
             lambda t: t + " Detalii", lambda t: " ".join(t.split()[1:])]
    texts = rows + [rng.choice(edits)(t) for t in rng.sample(rows, 120)] + ["", "ab"]
    other = [rng.choice(edits)(t) for t in rng.sample(rows, 80)] + rng.sample(rows, 20)
    S = [corpus.shingles(t) for t in texts]
    O = [corpus.shingles(t) for t in other]

    def jac(x, y):
        return len(x & y) / len(x | y) if x | y else 0.0

    for threshold in (0.4, 0.6, 0.8):
        within = [(i, j, jac(S[i], S[j])) for i in range(len(S)) for j in range(i + 1, len(S))
                  if S[i] and S[j] and jac(S[i], S[j]) >= threshold]
        between = [(i, j, jac(S[i], O[j])) for i in range(len(S)) for j in range(len(O))
                   if S[i] and O[j] and jac(S[i], O[j]) >= threshold]
        assert within and between  # the edits make near pairs at every threshold
        assert [(i, j) for i, j, _ in corpus.near_pairs(texts, threshold=threshold)] == [(i, j) for i, j, _ in within]
        assert [(i, j) for i, j, _ in corpus.near_pairs(texts, other, threshold=threshold)] == [(i, j) for i, j, _ in between]
