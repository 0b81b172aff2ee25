"""Rich rendering for people at a terminal: tables, progress, the coloured explanation.

Only the CLI imports this module, and only for the table formats, so ``score`` in a pipe never pays
for rich. Data go to stdout, progress to stderr.
"""

from __future__ import annotations

import contextlib
import math
from typing import Iterator

from rich.console import Console
from rich.table import Table
from rich.text import Text

_out = Console(highlight=False, soft_wrap=False)
_err = Console(stderr=True, highlight=False)


def _p(x) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def score_table(records: list[dict], threshold: float, explain: bool = False) -> None:
    table = Table(title=f"threshold {threshold:.3f}", title_justify="left")
    table.add_column("tag", style="cyan", no_wrap=True)
    table.add_column("probability", justify="right")
    table.add_column("decision")
    table.add_column("headline", overflow="fold")
    if explain:
        table.add_column("top n-grams", overflow="fold")
    for r in records:
        p = r["probability"]
        if p is None:
            decision = Text("(blank)", style="dim")
        elif r["clickbait"]:
            decision = Text("clickbait", style="bold red")
        else:
            decision = Text("not clickbait", style="green")
        row = [r["tag"] or "", _p(p), decision, Text(r["headline"])]
        if explain:
            row.append(", ".join(f"{t['ngram']!r} {t['contribution']:+.2f}" for t in r.get("top_ngrams", [])))
        table.add_row(*row)
    _out.print(table)


@contextlib.contextmanager
def progress() -> Iterator:
    """A progress display on stderr; yields ``update(done, total, description)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=_err, transient=False,
    )
    tasks: dict[str, int] = {}

    def update(done: int, total: int, description: str) -> None:
        if description not in tasks:
            tasks[description] = bar.add_task(description, total=total)
        bar.update(tasks[description], completed=done, total=total)

    with bar:
        yield update


def _metrics_table(title: str, rows: list[tuple[str, dict]], ci: dict | None = None) -> Table:
    t = Table(title=title, title_justify="left")
    for col in ("", "n", "accuracy", "precision", "recall", "macro-F1", "ROC-AUC"):
        t.add_column(col, justify="right" if col else "left")
    for name, m in rows:
        t.add_row(name, str(m.get("n", "")), _p(m.get("accuracy")), _p(m.get("precision")),
                  _p(m.get("recall")), _p(m.get("macro_f1")), _p(m.get("roc_auc")))
    return t


def train_report(report, out, model) -> None:
    cv = report.cv
    rows = [(f"fold {i + 1}", m) for i, m in enumerate(cv["per_fold"])]
    rows.append(("mean", {**cv["mean"], "n": cv["pooled"]["n"]}))
    rows.append(("std", {**cv["std"], "n": ""}))
    _out.print(_metrics_table(
        f"{cv['folds']}-fold stratified cross-validation of {report.config.label()} "
        f"at threshold {report.threshold:.3f}", rows))
    _out.print(f"threshold {report.threshold:.4f} ({report.threshold_rule}); "
               f"Brier score {report.calibration['brier']:.4f}; class weights: balanced")
    _out.print(reliability_table(report.calibration["bins"]))
    r = report.rows
    _out.print(f"rows: {r['total']} ({r['clickbait']} clickbait, {r['nonclickbait']} not); "
               f"features: {model.n_features}; {len(report.candidates)} candidate(s) compared")
    _out.print(f"model written to {out}")


def reliability_table(bins: list[dict]) -> Table:
    t = Table(title="reliability of out-of-fold probabilities (ten bins)", title_justify="left")
    for c in ("bin", "n", "mean predicted", "observed rate"):
        t.add_column(c, justify="right")
    for b in bins:
        t.add_row(b["bin"], str(b["n"]), _p(b["predicted"]), _p(b["observed"]))
    return t


def extract_table(records: list[dict], columns: list[str]) -> None:
    t = Table()
    for c in columns:
        t.add_column(c, overflow="fold", no_wrap=c in ("time", "tag", "section"))
    for r in records:
        t.add_row(*[("" if r.get(c) is None else (_p(r[c]) if c == "probability" else str(r[c]))) for c in columns])
    _out.print(t)


def evaluate_report(result: dict) -> None:
    o = result["overall"]
    _out.print(_metrics_table(f"{', '.join(result['files'])} at threshold {result['threshold']:.3f}", [("all", o)]))
    cm = Table(title="confusion matrix (rows: truth, columns: prediction)", title_justify="left")
    cm.add_column("")
    cm.add_column("predicted clickbait", justify="right")
    cm.add_column("predicted not", justify="right")
    cm.add_row("clickbait", str(o["tp"]), str(o["fn"]))
    cm.add_row("not clickbait", str(o["fp"]), str(o["tn"]))
    _out.print(cm)
    if result.get("by"):
        _out.print(_metrics_table(f"by {result['by']['column']}", list(result["by"]["groups"].items())))
    if result.get("errors"):
        t = Table(title="most confident mistakes", title_justify="left")
        for c in ("where", "label", "probability", "headline"):
            t.add_column(c, overflow="fold")
        for e in result["errors"]:
            t.add_row(e["where"], str(e["label"]), _p(e["probability"]), e["headline"])
        _out.print(t)


def explain_report(result: dict, model, top: int) -> None:
    # Colour each word of the feature text by the summed contributions of the n-grams it overlaps.
    doc = result["feature_text"]
    words = doc.split(" ") if doc else []
    push = [0.0] * len(words)
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    for term in result["terms"]:
        gram = term["ngram"].strip()
        if not gram:
            continue
        for i, w in enumerate(words):
            if gram in w or (" " in gram and gram.split(" ")[0] == w):
                push[i] += term["contribution"]
    line = Text()
    scale = max((abs(x) for x in push), default=1.0) or 1.0
    for w, x in zip(words, push):
        strength = min(1.0, abs(x) / scale)
        level = int(80 + 175 * strength)
        colour = f"rgb({level},60,60)" if x > 0 else f"rgb(60,{level},90)"
        line.append(w, style=colour if strength > 0.05 else "")
        line.append(" ")
    _out.print(Text("headline: ") + Text(result["headline"]))
    if result["tag"]:
        _out.print(f"tag: {result['tag']} (not scored)")
    _out.print(Text("features: ") + line + Text("   (red pushes towards clickbait, green away)", style="dim"))
    if result["probability"] is None:
        _out.print("blank headline: nothing to score")
        return
    decision = "clickbait" if result["clickbait"] else "not clickbait"
    _out.print(f"logit {result['logit']:+.4f} = intercept {result['intercept']:+.4f} + sum of {len(result['terms'])} terms; "
               f"probability {result['probability']:.4f}; threshold {result['threshold']:.3f}: {decision}")
    t = Table(title=f"top {min(top, len(result['terms']))} n-grams by |contribution|", title_justify="left")
    for c in ("n-gram", "analyzer", "tf-idf", "coef", "contribution"):
        t.add_column(c, justify="left" if c in ("n-gram", "analyzer") else "right")
    for term in result["terms"][:top]:
        style = "red" if term["contribution"] > 0 else "green"
        t.add_row(repr(term["ngram"]), term["analyzer"], f"{term['tfidf']:.4f}", f"{term['coef']:+.4f}",
                  Text(f"{term['contribution']:+.4f}", style=style))
    _out.print(t)


def info_report(card: dict) -> None:
    t = Table(title=f"model {card['path']}", title_justify="left", show_header=False)
    t.add_column("field")
    t.add_column("value", overflow="fold")
    for key in ("format_version", "created", "rows", "features", "settings", "threshold", "threshold_rule",
                "vocabulary_size", "class_weight", "data_sha256"):
        v = card.get(key)
        t.add_row(key, str(v) if not isinstance(v, dict) else ", ".join(f"{k}={x}" for k, x in v.items()))
    cv = card.get("cv") or {}
    if cv:
        t.add_row("cv (mean of folds)", ", ".join(f"{k}={_p(v)}" for k, v in cv.items()))
    if card.get("brier") is not None:
        t.add_row("Brier score (out of fold)", f"{card['brier']:.4f}")
    _out.print(t)
    if card.get("calibration"):
        _out.print(reliability_table(card["calibration"]))
    for title, key in (("strongest clickbait n-grams", "top_clickbait"), ("strongest non-clickbait n-grams", "top_nonclickbait")):
        tt = Table(title=title, title_justify="left")
        tt.add_column("n-gram")
        tt.add_column("coef", justify="right")
        for gram, coef in card[key]:
            tt.add_row(repr(gram), f"{coef:+.3f}")
        _out.print(tt)
