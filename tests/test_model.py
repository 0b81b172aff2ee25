"""The numpy scorer against scikit-learn, the file format, determinism."""

import numpy as np
import pytest

from clickbait.errors import ClickbaitError
from clickbait.model import FORMAT_VERSION, Model
from clickbait.training import fit as tfit


def test_numpy_scorer_equals_sklearn_on_every_training_headline(trained):
    model, fitted = trained.model, trained.fitted
    expected = fitted.predict_proba(trained.texts)
    got = model.probabilities(trained.texts)
    assert len(got) == len(trained.texts) > 1000
    assert np.max(np.abs(got - expected)) < 1e-9


@pytest.mark.parametrize("features, markers", [("word", False), ("char", True), ("union", False)])
def test_equality_holds_for_each_feature_kind(trained, features, markers):
    cfg = tfit.Config(features=features, word_ngram=(1, 3), char_ngram=(1, 4), fold_diacritics=False, markers=markers, min_df=1)
    texts, labels = trained.texts[:600], trained.labels[:600]
    docs = tfit.feature_docs(texts, False, markers)
    fitted = tfit.fit(docs, labels, cfg)
    model = fitted.export(0.5, {})
    probe = texts + ["", "x", "Un titlu nou, nevăzut: ce a urmat?", "a b c d e f g"]
    assert np.allclose(model.probabilities(probe)[: len(texts)], fitted.predict_proba(texts), rtol=0, atol=1e-9)


def test_chunk_preparation_equals_one_line_at_a_time(trained):
    from clickbait.text import prepare, prepare_many

    texts = trained.texts + ["", "  „Ştiri”  —  azi\u00a0\t", "INEDIT", "FOTO VIDEO Ce a urmat", "s\u0327i"]
    for fold in (False, True):
        for markers in (False, True):
            prep = prepare_many(texts, fold, markers)
            assert prep.marked == [prepare(t, fold, markers)[1] for t in texts]
            assert prep.tags == [prepare(t, fold, markers)[0] for t in texts]


def test_score_records_shape(trained):
    recs = trained.model.score(["INEDIT Ce a găsit un pescar în Delta Dunării", "   ", "Guvernul a aprobat bugetul"])
    assert [r["headline"] for r in recs] == ["INEDIT Ce a găsit un pescar în Delta Dunării", "   ", "Guvernul a aprobat bugetul"]
    assert recs[0]["tag"] == "INEDIT" and 0 <= recs[0]["probability"] <= 1
    assert recs[1] == {"headline": "   ", "tag": None, "probability": None, "clickbait": None, "short": False, "reason": "blank"}
    assert recs[2]["clickbait"] == (recs[2]["probability"] >= trained.model.threshold)


def test_threshold_override(trained):
    [r] = trained.model.score(["Guvernul a aprobat bugetul"], threshold=0.0)
    assert r["clickbait"] is True
    [r] = trained.model.score(["Guvernul a aprobat bugetul"], threshold=1.0)
    assert r["clickbait"] is (r["probability"] >= 1.0)


def test_both_diacritic_styles_score_alike(trained):
    a, b = trained.model.probabilities(["Şeful ţării a câştigat", "Șeful țării a câștigat"])
    assert a == b


def test_save_load_roundtrip_and_determinism(trained, tmp_path):
    m = trained.model
    p1, p2 = tmp_path / "a.npz", tmp_path / "b.npz"
    m.save(p1)
    Model.load(p1).save(p2)
    assert p1.read_bytes() == p2.read_bytes() == trained.path.read_bytes()
    again = Model.load(p2)
    assert again.threshold == m.threshold and again.intercept == m.intercept
    assert np.array_equal(again.probabilities(trained.texts[:50]), m.probabilities(trained.texts[:50]))


def test_training_is_deterministic(trained, train_csv, tmp_path):
    from clickbait.training import data as tdata

    ds = tdata.load([train_csv])
    model, _, _ = tfit.train(ds.texts, ds.labels, grid=tfit.QUICK_GRID, folds=3, n_jobs=2)
    assert model.to_bytes() == trained.path.read_bytes()


def test_file_is_npz_loadable_without_pickle(trained):
    with np.load(trained.path, allow_pickle=False) as npz:
        assert int(npz["format_version"][0]) == FORMAT_VERSION
        assert {"intercept", "threshold", "vocab_0", "idf_0", "coef_0", "checksum"} <= set(npz.files)


def test_explain_terms_sum_to_logit(trained):
    m = trained.model
    e = m.explain("Motivul pentru care nu mai găsești ouă în magazine. Ce spun producătorii")
    total = e["intercept"] + sum(t["contribution"] for t in e["terms"])
    assert abs(total - e["logit"]) < 1e-9
    assert abs(e["logit"] - m.logits([e["headline"]])[0]) < 1e-9
    assert abs(e["probability"] - m.probabilities([e["headline"]])[0]) < 1e-12
    for t in e["terms"]:
        assert abs(t["tfidf"] * t["coef"] - t["contribution"]) < 1e-15


def test_missing_default_model_names_every_place_looked(monkeypatch, tmp_path):
    from clickbait import model as cm

    monkeypatch.setenv("CLICKBAIT_MODEL", str(tmp_path / "none.npz"))
    with pytest.raises(ClickbaitError, match=r"none\.npz: model file not found \(named by \$CLICKBAIT_MODEL\)"):
        Model.load()
    monkeypatch.delenv("CLICKBAIT_MODEL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(cm, "MODEL_FILENAME", "absent-model.npz")
    places = cm.model_locations()
    assert places[-1] == tmp_path / "data" / "clickbait" / "absent-model.npz"
    with pytest.raises(ClickbaitError) as exc:
        Model.load()
    for p in places:
        assert str(p) in str(exc.value)
    assert "make train" in str(exc.value)


def test_words_counted_in_the_word_pass_equal_the_text_count(trained):
    from clickbait.text import count_words, prepare_many

    odd = ["", "a", "x y", "?!", "...", "2027", "12 de", "xxs xxq", "_a 1_2", "Ce 2x", "ⅻ ab", "INEDIT", "FOTO/VIDEO:"]
    texts = trained.texts[:2000] + odd
    m = trained.model
    prep = m.prepare(texts)
    m._logits(prep, len(texts))
    fresh = prepare_many(texts, m.fold_diacritics, m.markers)
    assert prep.words == count_words(fresh.joined_plain, len(texts))


def test_content_free_lines_get_no_score_and_short_lines_are_marked(trained):
    recs = trained.model.score(["a", "x", "?", "...", "123", "INEDIT", "FOTO/VIDEO", "", "Vremea", "Ședința de guvern azi"])
    assert [r["reason"] for r in recs] == ["no words"] * 5 + ["tag only", "tag only", "blank", None, None]
    assert all(r["probability"] is None and r["clickbait"] is None for r in recs[:8])
    assert recs[8]["short"] is True and recs[8]["probability"] is not None
    assert recs[9]["short"] is False
