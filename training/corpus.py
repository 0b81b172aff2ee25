"""The corpus check: `python -m training.corpus data/headlines.csv` (also run by the tests).

Checks: required columns, valid labels, topics and source kinds, a tag column that agrees with the
tag detector, no duplicate after normalisation, no near-duplicate pair (character 5-gram Jaccard
>= 0.6), class balance within 40-60%, and no headline that equals or nearly copies a title of the
evaluation sets in ../shared/datasets/ (when present).
"""

from __future__ import annotations

import csv
import glob
import json
import sys
from collections import Counter
from pathlib import Path

from clickbait.text import normalize, split_tag

COLUMNS = ("headline", "label", "topic", "source_kind", "tag")
TOPICS = {
    "politics", "justice", "economy", "international", "health", "sport", "celebrities", "tv",
    "tech", "auto", "weather", "crime", "lifestyle", "science", "local",
}
SOURCE_KINDS = {"news_agency", "quality_daily", "tv_news", "tabloid", "lifestyle", "sports", "partner_rail", "magazine"}
NEAR = 0.6


def shingles(text: str, n: int = 5) -> set[str]:
    t = normalize(text).lower()
    return {t[i : i + n] for i in range(max(1, len(t) - n + 1))}


def near_pairs(a: list[str], b: list[str] | None = None, threshold: float = NEAR) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) with 5-gram Jaccard >= threshold: within ``a``, or between ``a`` and ``b``."""
    A = [shingles(t) for t in a]
    B = A if b is None else [shingles(t) for t in b]
    index: dict[str, list[int]] = {}
    for j, g in enumerate(B):
        for s in g:
            index.setdefault(s, []).append(j)
    out = []
    for i, g in enumerate(A):
        counts: Counter = Counter()
        for s in g:
            for j in index.get(s, ()):
                if b is not None or j > i:
                    counts[j] += 1
        for j, c in counts.items():
            jac = c / (len(g) + len(B[j]) - c)
            if jac >= threshold:
                out.append((i, j, jac))
    return out


def evaluation_titles(shared: Path) -> list[str]:
    titles = []
    for f in sorted(glob.glob(str(shared / "datasets" / "roclico-dev" / "*.json"))):
        titles += [x["title"] for x in json.load(open(f, encoding="utf-8"))]
    for name in ("clickbait.txt", "non_clickbait.txt"):
        p = shared / "datasets" / "stop-clickbait" / name
        if p.exists():
            titles += [l.strip() for l in p.read_text(encoding="utf-8").splitlines() if l.strip()]
    return titles


def check(path: str | Path, shared: Path | None = None) -> tuple[list[str], dict]:
    """Problems found (empty when the corpus is sound) and summary counts."""
    path = Path(path)
    problems: list[str] = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        rows = list(reader)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [f"{path}: missing columns {missing}"], {}
    seen: dict[str, int] = {}
    for n, r in enumerate(rows, start=2):
        h = r["headline"] or ""
        where = f"{path}:{n}"
        if r["label"] not in ("0", "1"):
            problems.append(f"{where}: label {r['label']!r} is not 0 or 1")
        if r["topic"] not in TOPICS:
            problems.append(f"{where}: unknown topic {r['topic']!r}")
        if r["source_kind"] not in SOURCE_KINDS:
            problems.append(f"{where}: unknown source_kind {r['source_kind']!r}")
        detected = split_tag(normalize(h))[0] or ""
        if detected != (r["tag"] or ""):
            problems.append(f"{where}: tag column {r['tag']!r} but the headline's tag is {detected!r}")
        key = normalize(h).lower()
        if not key:
            problems.append(f"{where}: empty headline")
        elif key in seen:
            problems.append(f"{where}: duplicate of line {seen[key]}")
        else:
            seen[key] = n
    heads = [r["headline"] for r in rows]
    for i, j, jac in near_pairs(heads):
        problems.append(f"{path}:{i + 2} ~ line {j + 2}: near-duplicate (5-gram Jaccard {jac:.2f})")
    labels = Counter(r["label"] for r in rows)
    share = labels.get("1", 0) / max(1, len(rows))
    if not 0.4 <= share <= 0.6:
        problems.append(f"{path}: clickbait share {share:.1%} is outside 40-60%")
    if shared is not None and (shared / "datasets").is_dir():
        ev = evaluation_titles(shared)
        ev_keys = {normalize(t).lower() for t in ev}
        for n, h in enumerate(heads, start=2):
            if normalize(h).lower() in ev_keys:
                problems.append(f"{path}:{n}: equals an evaluation title")
        for i, j, jac in near_pairs(heads, ev):
            problems.append(f"{path}:{i + 2}: nearly copies an evaluation title (5-gram Jaccard {jac:.2f})")
    summary = {
        "rows": len(rows),
        "labels": dict(labels),
        "clickbait_share": round(share, 4),
        "topics": dict(Counter(r["topic"] for r in rows)),
        "source_kinds": dict(Counter(r["source_kind"] for r in rows)),
        "tagged": sum(1 for r in rows if r["tag"]),
    }
    return problems, summary


def main(argv: list[str]) -> int:
    path = argv[0] if argv else "data/headlines.csv"
    shared = Path(__file__).resolve().parent.parent.parent / "shared"
    problems, summary = check(path, shared if shared.is_dir() else None)
    for p in problems:
        print(p)
    print(json.dumps(summary, ensure_ascii=False))
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
