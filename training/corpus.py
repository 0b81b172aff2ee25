"""The corpus check: `python -m clickbait.training.corpus data/headlines.csv` (also run by the tests), and the
corpus-against-the-press style report: `python -m clickbait.training.corpus --compare [data/headlines.csv]`.

Checks: required columns, valid labels, topics and source kinds, a tag column that agrees with the
tag detector, no duplicate after normalisation, no near-duplicate pair (character 5-gram Jaccard
>= 0.6), class balance within 30-60%, and no headline that equals or nearly copies a title of the
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
# The clickbait share a corpus file must have (see check).
SHARE_BOUNDS = (0.3, 0.6)


def shingles(text: str, n: int = 5) -> set[str]:
    t = normalize(text).lower()
    return {t[i : i + n] for i in range(max(1, len(t) - n + 1))}


def near_pairs(a: list[str], b: list[str] | None = None, threshold: float = NEAR) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) with 5-gram Jaccard >= threshold: within ``a`` (i < j), or between ``a``
    and ``b`` (i in ``a``, j in ``b``).

    Exact, by the prefix, size and positional filters of PPJoin (Xiao et al., 2008). Shingles are
    ranked from rarest to commonest and each set is a sorted list of ranks; records are visited by
    increasing size. Two sets x, y with Jaccard >= t share at least alpha = ceil(t / (1 + t) (|x| + |y|))
    shingles, so (prefix) x's first |x| - ceil(t |x|) + 1 ranks meet y's first |y| - ceil(2t / (1 + t) |y|) + 1
    when |y| <= |x|, and only those are indexed; (size) t |x| <= |y|; (positional) after a shared rank at
    positions p, q, at most min(|x| - p, |y| - q) - 1 more can follow, so a pair whose count so far plus
    that bound is below alpha is dropped. Survivors are measured exactly.
    """
    import math

    t = threshold
    A = [shingles(x) for x in a]
    B = A if b is None else [shingles(x) for x in b]
    freq: Counter = Counter()
    for g in (A if b is None else A + B):
        freq.update(g)
    rank = {s: r for r, s in enumerate(sorted(freq, key=lambda s: (freq[s], s)))}
    sides = [[sorted(rank[s] for s in g) for g in A]]
    if b is not None:
        sides.append([sorted(rank[s] for s in g) for g in B])
    order = sorted((len(r), side, i) for side, recs in enumerate(sides) for i, r in enumerate(recs) if r)
    index: list[dict[int, list[tuple[int, int, int]]]] = [{} for _ in sides]  # rank -> (record, position, size)
    start: list[dict[int, int]] = [{} for _ in sides]  # rank -> first entry that can still pass the size filter
    out = []
    for la, side, i in order:
        r = sides[side][i]
        other = 0 if b is None else 1 - side
        entries, first = index[other], start[other]
        min_size = t * la
        count: dict[int, int] = {}
        pruned: set[int] = set()
        for p in range(la - math.ceil(t * la - 1e-9) + 1):
            lst = entries.get(r[p])
            if not lst:
                continue
            k = first.get(r[p], 0)
            while k < len(lst) and lst[k][2] < min_size:
                k += 1
            first[r[p]] = k
            for m in range(k, len(lst)):
                j, q, lb = lst[m]
                if j in pruned:
                    continue
                c = count.get(j, 0)
                if c + 1 + min(la - p - 1, lb - q - 1) < math.ceil(t / (1 + t) * (la + lb) - 1e-9):
                    pruned.add(j)
                    count.pop(j, None)
                else:
                    count[j] = c + 1
        if count:
            mine = set(r)
            for j in count:
                rb = sides[other][j]
                inter = len(mine.intersection(rb))
                jac = inter / (la + len(rb) - inter)
                if jac >= t:
                    out.append((min(i, j), max(i, j), jac) if b is None else ((i, j, jac) if side == 0 else (j, i, jac)))
        own = index[side]
        for p in range(la - math.ceil(2 * t / (1 + t) * la - 1e-9) + 1):
            own.setdefault(r[p], []).append((i, p, la))
    out.sort()
    return out


def roclico_sources(shared: Path) -> list[tuple[str, list[dict]]]:
    """RoCliCo dev's sources, as (name, items with "title" and "category"), sorted by name."""
    return [(Path(f).stem, json.load(open(f, encoding="utf-8")))
            for f in sorted(glob.glob(str(shared / "datasets" / "roclico-dev" / "*.json")))]


def evaluation_titles(shared: Path) -> list[str]:
    titles = [x["title"] for _, items in roclico_sources(shared) for x in items]
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
    # The fit weighs the classes equally whatever their shares, so the bounds only catch a lost or
    # flipped label column. Waves 6-8 brought the share down on purpose (data/README.md, "Waves 6-8").
    if not SHARE_BOUNDS[0] <= share <= SHARE_BOUNDS[1]:
        problems.append(f"{path}: clickbait share {share:.1%} is outside {SHARE_BOUNDS[0]:.0%}-{SHARE_BOUNDS[1]:.0%}")
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
        for name, items in roclico_sources(shared):
            out.append((f"RoCliCo {name}", style([x["title"] for x in items])))
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


# -- constructions: which words the corpus ties to a label more than the press does ---------------
def _gram_counts(texts: list[str], labels: list[int]) -> tuple[dict[str, int], dict[str, int]]:
    """For each word and word pair of the feature texts (diacritics folded, structure markers, the
    word block's view): in how many titles it occurs, and in how many clickbait titles."""
    from clickbait.training.fit import feature_docs

    seen: Counter = Counter()
    bait: Counter = Counter()
    for doc, y in zip(feature_docs(texts, True, True).marked, labels):
        words = doc.split()
        grams = set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}
        seen.update(grams)
        if y:
            bait.update(grams)
    return seen, bait


def construction_gaps(texts: list[str], labels: list[int], real_texts: list[str], real_labels: list[int],
                      min_real: int = 25, min_corpus: int = 20, top: int = 15) -> list[dict]:
    """The words and word pairs whose clickbait share differs most between the corpus and a real
    labelled set, each share measured against its own set's base rate (log-odds ratio difference):
    the constructions the corpus ties to a label more (gap > 0: more to bait) than the press does.
    Only constructions found in at least ``min_real`` real and ``min_corpus`` corpus titles count;
    the ``top`` largest gaps each way are returned, largest first."""
    import math

    cs, cb = _gram_counts(texts, labels)
    rs, rb = _gram_counts(real_texts, real_labels)
    base_c = sum(labels) / max(1, len(labels))
    base_r = sum(real_labels) / max(1, len(real_labels))

    def logit(rate: float) -> float:  # smoothed so that 0% and 100% stay finite
        return math.log((rate + 0.01) / (1 - rate + 0.01))

    rows = []
    for gram, n_real in rs.items():
        if gram in ("xxbos", "xxeos") or n_real < min_real or cs.get(gram, 0) < min_corpus:
            continue
        rc, rr = cb[gram] / cs[gram], rb[gram] / n_real
        gap = (logit(rc) - logit(base_c)) - (logit(rr) - logit(base_r))
        rows.append({"gram": gram, "corpus_n": cs[gram], "corpus_share": rc, "real_n": n_real, "real_share": rr, "gap": gap})
    rows.sort(key=lambda r: -r["gap"])
    return rows[:top] + rows[-top:][::-1] if len(rows) > 2 * top else rows


def gaps_table(rows: list[dict], base_c: float, base_r: float) -> str:
    head = "| construction | corpus n | corpus clickbait | press n | press clickbait | gap |\n|---|---|---|---|---|---|\n"
    body = "".join(f"| `{r['gram']}` | {r['corpus_n']:,} | {100 * r['corpus_share']:.0f}% | {r['real_n']:,} | "
                   f"{100 * r['real_share']:.0f}% | {r['gap']:+.2f} |\n" for r in rows)
    return (head + body + f"\nBase rates: corpus {100 * base_c:.0f}% clickbait, press {100 * base_r:.0f}%. gap: the "
            "construction's log-odds of clickbait against its set's base rate, corpus minus press (> 0: the corpus ties "
            "it to bait more than the press does). Feature-text words: diacritics folded, `xxbos` = title start, "
            "`xxs` = sentence start, `xxcolon` = after a colon.\n")


def main(argv: list[str]) -> int:
    shared = Path(__file__).resolve().parent.parent.parent / "shared"
    if argv and argv[0] == "--compare":
        path = argv[1] if len(argv) > 1 else "data/headlines.csv"
        print(compare_table(compare(path, shared if shared.is_dir() else None)), end="")
        real = [x for _, items in roclico_sources(shared) for x in items] if shared.is_dir() else []
        if real:
            real_texts, real_labels = [x["title"] for x in real], [int(x["category"] == "clickbait") for x in real]
            with open(path, encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
            labels = [int(r["label"] == "1") for r in rows]
            gaps = construction_gaps([r["headline"] for r in rows], labels, real_texts, real_labels)
            print("\nConstructions (corpus against RoCliCo dev, both sources):\n")
            print(gaps_table(gaps, sum(labels) / len(labels), sum(real_labels) / len(real_labels)), end="")
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
