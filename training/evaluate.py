"""`clickbait evaluate`: a model's figures on labelled files, overall, per group and its worst mistakes."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from clickbait.errors import ClickbaitError
from training import data as tdata
from training import metrics


def evaluate(
    model,
    paths: Sequence[str | Path],
    threshold: float | None = None,
    by: str | None = None,
    errors: int = 0,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> dict:
    """Score every labelled row of ``paths`` (duplicates kept: this measures, it does not train)."""
    examples = []
    for p in paths:
        examples.extend(tdata.read_file(p, delimiter=delimiter, encoding=encoding))
    if not examples:
        raise ClickbaitError(f"{', '.join(map(str, paths))}: no labelled rows")
    cut = model.threshold if threshold is None else threshold
    y = np.array([e.label for e in examples], dtype=np.int64)
    p = model.probabilities([e.text for e in examples])
    p = np.nan_to_num(p, nan=0.0)
    result = {
        "files": [str(x) for x in paths],
        "model": str(model.path) if model.path else None,
        "threshold": cut,
        "overall": metrics.binary(y, p, cut),
    }
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
            groups[value] = metrics.binary(y[idx], p[idx], cut)
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
