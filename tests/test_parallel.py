"""The Python API in worker processes: the README's multiprocessing recipe gives the same records."""

from multiprocessing import get_context

from clickbait import load_model

_model = None


def _init(path):
    global _model
    _model = load_model(path)


def _score(lines):
    return _model.score(lines)


def test_pool_of_workers_scores_like_one_process(trained):
    lines = trained.texts[:3000] + ["", "INEDIT Ce a urmat"]
    chunks = [lines[i : i + 500] for i in range(0, len(lines), 500)]
    with get_context("spawn").Pool(2, initializer=_init, initargs=(str(trained.path),)) as pool:
        parallel = [r for recs in pool.imap(_score, chunks) for r in recs]
    assert parallel == trained.model.score(lines)
    assert len(parallel) == len(lines)
