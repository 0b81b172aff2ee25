"""Headline clickbait classifier: a numpy-only scorer for models trained with TF-IDF + logistic regression.

    >>> from clickbait import load_model
    >>> load_model().score(["Ce a urmat te va lăsa fără cuvinte"])   # doctest: +SKIP
    [{'headline': 'Ce a urmat te va lăsa fără cuvinte', 'tag': None, 'probability': 0.93, 'clickbait': True}]
"""

from __future__ import annotations

from clickbait.errors import ClickbaitError

__all__ = ["ClickbaitError", "load_model", "default_model_path"]
__version__ = "0.1.0"


def default_model_path():
    """The model used when none is named: $CLICKBAIT_MODEL, else models/clickbait.npz in the checkout."""
    from clickbait.model import default_model_path as _default

    return _default()


def load_model(path=None):
    """Load a model file (default: :func:`default_model_path`). Imports numpy only."""
    from clickbait.model import Model

    return Model.load(path)
