"""The corpus check: `python -m clickbait.training.corpus data/headlines.csv` (also run by the tests), and the
corpus-against-the-press style report: `python -m clickbait.training.corpus --compare [data/headlines.csv]`.

Checks: required columns, valid labels, topics and source kinds, a tag column that agrees with the
tag detector, no duplicate after normalisation, no near-duplicate pair (character 5-gram Jaccard
>= 0.6), class balance within 40-60%, and no headline that equals or nearly copies a title of the
evaluation sets in ../shared/datasets/ (when present).
"""

from __future__ import annotations

import csv
import glob
import json
import re
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
    """Pairs (i, j, jaccard) with 5-gram Jaccard >= threshold: within ``a``, or between ``a`` and ``b``.

    Exact, with prefix filtering: shingles are ordered from rarest to commonest, and two sets with
    Jaccard >= t must share one of the first |S| - ceil(t |S|) + 1 shingles of each (their overlap is
    at least ceil(t |S|) for both); only such candidate pairs are measured.
    """
    import math

    A = [shingles(t) for t in a]
    B = A if b is None else [shingles(t) for t in b]
    freq: Counter = Counter()
    for g in (A if b is None else A + B):
        freq.update(g)

    def prefix(g: set[str]) -> list[str]:
        k = len(g) - math.ceil(threshold * len(g)) + 1
        return sorted(g, key=lambda s: (freq[s], s))[:k]

    index: dict[str, list[int]] = {}
    for j, g in enumerate(B):
        for s in prefix(g):
            index.setdefault(s, []).append(j)
    out = []
    for i, g in enumerate(A):
        seen: set[int] = set()
        for s in prefix(g):
            for j in index.get(s, ()):
                if (b is not None or j > i) and j not in seen:
                    seen.add(j)
                    inter = len(g & B[j])
                    jac = inter / (len(g) + len(B[j]) - inter)
                    if jac >= threshold:
                        out.append((i, j, jac))
    out.sort()
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


# -- the corpus against the press: style shares side by side -------------------------------------
_QUOTE = re.compile(r'["\u201c\u201d\u201e\u00ab\u00bb]')
_SECOND_PERSON = re.compile(
    r"\b(?:tu|te|ți|iți|îți|ai|poți|trebuie să știi|afli|vezi|crezi|faci|știai|verifică|uită-te|ascultă|citește|"
    r"nu-ți|să-ți|te-ai|ți-ai|vei|dacă ai)\b", re.IGNORECASE)
STYLE_FEATURES = (
    ("quote", "a quotation", lambda t: bool(_QUOTE.search(t))),
    ("lead_quote", "a leading quotation", lambda t: bool(_QUOTE.match(t.lstrip()))),
    ("ellipsis", "an ellipsis", lambda t: "..." in t or "\u2026" in t),
    ("question", "a question mark", lambda t: "?" in t),
    ("exclamation", "an exclamation mark", lambda t: "!" in t),
    ("colon", "a colon", lambda t: ":" in t),
    ("digit", "a digit", lambda t: any(c.isdigit() for c in t)),
    ("slash", "' / ' joining two headlines", lambda t: " / " in t),
    ("sentences", "two or more sentences", lambda t: bool(re.search(r"[.!?]\s+\S", t))),
    ("second_person", "a second-person form", lambda t: bool(_SECOND_PERSON.search(t))),
    ("tag", "a rail tag", lambda t: split_tag(normalize(t))[0] is not None),
)


def style(titles: list[str]) -> dict:
    """n, length quantiles (10/50/90) and the share of titles with each style feature."""
    import statistics

    n = len(titles)
    lengths = sorted(len(t) for t in titles)
    q = (lambda f: lengths[min(n - 1, int(f * n))]) if n else (lambda f: 0)
    out = {"n": n, "len10": q(0.1), "len50": int(statistics.median(lengths)) if n else 0, "len90": q(0.9)}
    for key, _, test in STYLE_FEATURES:
        out[key] = sum(1 for t in titles if test(t)) / n if n else 0.0
    return out


def compare(path: str | Path, shared: Path | None) -> list[tuple[str, dict]]:
    """Style rows: the corpus overall, per source_kind, and each real set of ../shared/datasets/."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = [("corpus", style([r["headline"] for r in rows]))]
    for kind in sorted({r["source_kind"] for r in rows}):
        out.append((f"  {kind}", style([r["headline"] for r in rows if r["source_kind"] == kind])))
    if shared is not None:
        for f in sorted(glob.glob(str(shared / "datasets" / "roclico-dev" / "*.json"))):
            out.append((f"RoCliCo {Path(f).stem}", style([x["title"] for x in json.load(open(f, encoding="utf-8"))])))
        for name in ("clickbait.txt", "non_clickbait.txt"):
            p = shared / "datasets" / "stop-clickbait" / name
            if p.exists():
                lines = [l.strip() for l in p.read_text(encoding="utf-8").splitlines() if l.strip()]
                out.append((f"Stop Clickbait {p.stem}", style(lines)))
    return out


def compare_table(rows: list[tuple[str, dict]]) -> str:
    """The style rows as a Markdown table (for data/README.md and the terminal alike)."""
    keys = [k for k, _, _ in STYLE_FEATURES]
    head = ["set", "n", "len 10/50/90"] + keys
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, st in rows:
        cells = [name.strip() if not name.startswith("  ") else "· " + name.strip(), f"{st['n']:,}",
                 f"{st['len10']}/{st['len50']}/{st['len90']}"] + [f"{100 * st[k]:.0f}%" for k in keys]
        lines.append("| " + " | ".join(cells) + " |")
    legend = "; ".join(f"{k}: {label}" for k, label, _ in STYLE_FEATURES)
    return "\n".join(lines) + f"\n\nShares of titles with: {legend}.\n"


def main(argv: list[str]) -> int:
    shared = Path(__file__).resolve().parent.parent.parent / "shared"
    if argv and argv[0] == "--compare":
        path = argv[1] if len(argv) > 1 else "data/headlines.csv"
        print(compare_table(compare(path, shared if shared.is_dir() else None)), end="")
        return 0
    path = argv[0] if argv else "data/headlines.csv"
    problems, summary = check(path, shared if shared.is_dir() else None)
    for p in problems:
        print(p)
    print(json.dumps(summary, ensure_ascii=False))
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
