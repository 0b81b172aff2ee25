"""`clickbait evaluate`: a model's figures on labelled files, overall, per group and its worst mistakes."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from clickbait.errors import ClickbaitError
from clickbait.training import data as tdata
from clickbait.training import metrics


def evaluate(
    model,
    paths: Sequence[str | Path],
    threshold: float | None = None,
    by: str | None = None,
    errors: int = 0,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    predictions: str | Path | None = None,
) -> dict:
    """Score every labelled row of ``paths`` (duplicates kept: this measures, it does not train)."""
    examples = []
    for p in paths:
        examples.extend(tdata.read_file(p, delimiter=delimiter, encoding=encoding))
    if not examples:
        raise ClickbaitError(f"{', '.join(map(str, paths))}: no labelled rows")
    cut = model.threshold if threshold is None else threshold
    y = np.array([e.label for e in examples], dtype=np.int64)
    raw = model.probabilities([e.text for e in examples])
    p = np.nan_to_num(raw, nan=0.0)  # a title with no word to judge counts as "not clickbait"
    overall = _figures(y, p, cut)
    overall["ci95"] = metrics.bootstrap_ci(y, p, cut) if len(set(y.tolist())) == 2 else None
    result = {
        "files": [str(x) for x in paths],
        "model": str(model.path) if model.path else None,
        "threshold": cut,
        "overall": overall,
        "unscored": int(np.isnan(raw).sum()),
    }
    if predictions is not None:
        write_predictions(predictions, examples, raw, cut)
    if by:
        key = by.strip().lower()
        if key == "tag":
            from clickbait.text import split_tag

            values = [e.fields.get("tag") or split_tag(e.text)[0] or "(none)" for e in examples]
        else:
            if not any(key in e.fields for e in examples):
                raise ClickbaitError(f"--by {by}: no such column in {', '.join(map(str, paths))}")
            values = [e.fields.get(key) or "(empty)" for e in examples]
        groups = {}
        for value in sorted(set(values)):
            idx = np.array([v == value for v in values])
            groups[value] = _figures(y[idx], p[idx], cut)
        result["by"] = {"column": key, "groups": groups}
    if errors:
        wrong = np.nonzero((p >= cut) != (y == 1))[0]
        # Most confident first: the furthest from the threshold on the wrong side.
        order = sorted(wrong.tolist(), key=lambda i: -abs(p[i] - cut))
        result["errors"] = [
            {"where": examples[i].where, "label": int(y[i]), "probability": float(p[i]), "headline": examples[i].text}
            for i in order[:errors]
        ]
    return result


def _figures(y: np.ndarray, p: np.ndarray, cut: float) -> dict:
    """metrics.binary, except that a one-class group says why its F1 and ROC-AUC are undefined
    (null) instead of showing numbers that mean nothing."""
    m = metrics.binary(y, p, cut)
    pos = int(y.sum())
    if pos == 0 or pos == len(y):
        m["macro_f1"] = None
        m["roc_auc"] = None
        only = "clickbait" if pos else "not clickbait"
        m["note"] = f"one class only ({len(y)} {only}): macro-F1 and ROC-AUC are undefined"
    return m


def write_predictions(path: str | Path, examples, probs: np.ndarray, cut: float) -> None:
    """Each input row with its probability and decision, as CSV, written atomically."""
    import csv
    import io

    from clickbait.files import atomic_write

    names: list[str] = []
    for e in examples:
        for k in e.fields:
            if k not in names:
                names.append(k)
    for k in ("headline", "label"):
        if k not in names:
            names.insert(0 if k == "headline" else 1, k)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names + ["where", "probability", "clickbait"])
    for e, p in zip(examples, probs.tolist()):
        row = {**e.fields, "headline": e.fields.get("headline", e.text), "label": e.fields.get("label", e.label)}
        w.writerow([row.get(k, "") for k in names] + [e.where, "" if p != p else repr(p), "" if p != p else int(p >= cut)])
    atomic_write(Path(path), buf.getvalue().encode("utf-8"), what="predictions")
