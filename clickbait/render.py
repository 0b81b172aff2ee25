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

from clickbait.display import shown, term_label


class _Console(Console):
    """rich's Console, except that a reader going away (`| head`) is a BrokenPipeError for the CLI
    to end quietly with status 0 (rich's own handling exits with status 1)."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


_out = _Console(highlight=False, soft_wrap=False)
_err = _Console(stderr=True, highlight=False)

def visible(value) -> Text:
    """A cell for people: the value as plain text (never rich markup), control characters made visible."""
    return Text(shown(value))


def _p(x) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


SCORE_COLUMNS = ("headline", "tag", "probability", "clickbait", "short", "reason")


@contextlib.contextmanager
def score_rows(threshold: float, explain: bool = False) -> Iterator:
    """A score table that grows as chunks arrive: one header, then rows (interactive input gets its
    row at once). Columns in the order of tsv and jsonl. Yields ``add(records)``."""
    width = _out.width
    fixed = {"tag": 11, "probability": 11, "clickbait": 9, "short": 5, "reason": 8}
    extra = 28 if explain else 0
    head_w = max(20, width - sum(fixed.values()) - extra - (len(fixed) + 2))
    state = {"first": True}

    def table() -> Table:
        t = Table(box=None, show_header=state["first"], header_style="bold underline", pad_edge=False, padding=(0, 1, 0, 0))
        t.add_column("headline", width=head_w, overflow="fold")
        for name, w in fixed.items():
            t.add_column(name, width=w, justify="right" if name == "probability" else "left", overflow="fold")
        if explain:
            t.add_column("top n-grams", width=extra, overflow="fold")
        return t

    def add(records: list[dict]) -> None:
        if not records:
            return
        t = table()
        for r in records:
            p = r["probability"]
            if p is None:
                decision = Text("-", style="dim")
            elif r["clickbait"]:
                decision = Text("yes", style="bold red")
            else:
                decision = Text("no", style="green")
            row = [visible(r["headline"]), visible(r["tag"] or ""), Text(_p(p)), decision,
                   Text("short" if r.get("short") else ""), visible(r.get("reason") or "")]
            if explain:
                row.append(visible(", ".join(f"{term_label(t['ngram'], 'word')} {t['contribution']:+.2f}" for t in r.get("top_ngrams", []))))
            t.add_row(*row)
        _out.print(t)
        state["first"] = False

    yield add


@contextlib.contextmanager
def progress() -> Iterator:
    """A progress display on stderr; yields ``update(done, total, description)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("eta"), TimeRemainingColumn(), console=_err, transient=False,
        redirect_stdout=False, redirect_stderr=False,  # stdout carries data: never through the display
    )
    tasks: dict[str, int] = {}

    def update(done: int, total: int, description: str) -> None:
        if description not in tasks:
            tasks[description] = bar.add_task(description, total=total)
        bar.update(tasks[description], completed=done, total=total)

    with bar:
        yield update


@contextlib.contextmanager
def line_progress(total_bytes: int | None) -> Iterator:
    """A progress line on stderr for a long input: lines done, lines per second, and a bar when the
    input's size is known. Yields ``update(lines, bytes)``."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = [TextColumn("{task.fields[lines]:,} lines"), TextColumn("{task.fields[rate]:,.0f} lines/s")]
    if total_bytes:
        columns += [BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn()]
    bar = Progress(*columns, console=_err, transient=True, redirect_stdout=False, redirect_stderr=False)
    task = bar.add_task("score", total=total_bytes or None, lines=0, rate=0.0)
    import time

    start = time.perf_counter()

    def update(lines: int, done_bytes: int) -> None:
        elapsed = max(time.perf_counter() - start, 1e-9)
        bar.update(task, completed=done_bytes, lines=lines, rate=lines / elapsed)

    with bar:
        yield update


# Short headers, so that a 60-column terminal shows every column whole.
_METRIC_HEADERS = (("n", "n"), ("acc", "accuracy"), ("prec", "precision"), ("recall", "recall"),
                   ("F1", "macro_f1"), ("AUC", "roc_auc"))


def _metrics_table(title: str, rows: list[tuple[str, dict]], ci: dict | None = None) -> Table:
    t = Table(title=title, title_justify="left", caption="acc accuracy, prec precision (clickbait), F1 macro-F1, AUC ROC-AUC",
              caption_justify="left")
    t.add_column("", overflow="fold")
    for head, _ in _METRIC_HEADERS:
        t.add_column(head, justify="right", no_wrap=True)
    for name, m in rows:
        cells = [str(m.get("n", ""))] + [_p(m.get(key)) for _, key in _METRIC_HEADERS[1:]]
        t.add_row(visible(name), *cells)
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
    _out.print(reliability_table(report.calibration["bins"], report.calibration.get("weighted_to")))
    r = report.rows
    _out.print(f"rows: {r['total']} ({r['clickbait']} clickbait, {r['nonclickbait']} not); "
               f"features: {model.n_features}; {len(report.candidates)} candidate(s) compared")
    if len(report.candidates) > 1:
        key = "dev_roc_auc" if any("dev_roc_auc" in c for c in report.candidates) else "roc_auc"
        top = sorted(report.candidates, key=lambda c: -(c.get(key) or 0))[:8]
        ct = Table(title=f"top candidates by {'dev' if key == 'dev_roc_auc' else 'cross-validated'} ROC-AUC", title_justify="left")
        ct.add_column("config", overflow="fold")
        ct.add_column("CV AUC", justify="right", no_wrap=True)
        if key == "dev_roc_auc":
            ct.add_column("dev AUC", justify="right", no_wrap=True)
            ct.add_column("dev F1", justify="right", no_wrap=True)
        for c in top:
            cells = [visible(c["config"]), _p(c.get("roc_auc"))]
            if key == "dev_roc_auc":
                cells += [_p(c.get("dev_roc_auc")), _p(c.get("dev_macro_f1"))]
            ct.add_row(*cells)
        _out.print(ct)
    _out.print(f"model written to {out}")


def reliability_table(bins: list[dict], weighted_to: float | None = None) -> Table:
    t = Table(title="reliability of out-of-fold probabilities (ten bins)", title_justify="left",
              caption=f"observed rates with the rows weighted to a {weighted_to:g} clickbait share" if weighted_to else None,
              caption_justify="left")
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
        t.add_row(*[visible("" if r.get(c) is None else (_p(r[c]) if c == "probability" else r[c])) for c in columns])
    _out.print(t)


def evaluate_report(result: dict) -> None:
    o = result["overall"]
    _out.print(_metrics_table(f"{', '.join(result['files'])} at threshold {result['threshold']:.3f}", [("all", o)]))
    ci = o.get("ci95")
    if ci and ci.get("macro_f1") and ci["macro_f1"][0] is not None:
        _out.print(f"95% bootstrap intervals (1,000 resamples): macro-F1 {ci['macro_f1'][0]:.3f}-{ci['macro_f1'][1]:.3f}, "
                   f"ROC-AUC {ci['roc_auc'][0]:.3f}-{ci['roc_auc'][1]:.3f}")
    if o.get("note"):
        _out.print(o["note"])
    cm = Table(title="confusion matrix (rows: truth, columns: prediction)", title_justify="left")
    cm.add_column("")
    cm.add_column("predicted clickbait", justify="right")
    cm.add_column("predicted not", justify="right")
    cm.add_row("clickbait", str(o["tp"]), str(o["fn"]))
    cm.add_row("not clickbait", str(o["fp"]), str(o["tn"]))
    _out.print(cm)
    if result.get("by"):
        groups = result["by"]["groups"]
        _out.print(_metrics_table(f"by {result['by']['column']}", list(groups.items())))
        for name, g in groups.items():
            if g.get("note"):
                _out.print(visible(f"{name}: {g['note']}"))
    if result.get("errors"):
        t = Table(title="most confident mistakes", title_justify="left")
        for c in ("where", "label", "probability", "headline"):
            t.add_column(c, overflow="fold")
        for e in result["errors"]:
            t.add_row(visible(e["where"]), str(e["label"]), _p(e["probability"]), visible(e["headline"]))
        _out.print(t)


def _push_style(x: float, scale: float) -> str:
    strength = abs(x) / scale if scale else 0.0
    if strength < 0.15:
        return ""
    colour = "red" if x > 0 else "green"  # the 16 standard colours: they read on every terminal
    return f"bold {colour}" if strength >= 0.5 else colour


def explain_report(result: dict, model, top: int) -> None:
    import os

    colour = not os.environ.get("NO_COLOR") and _out.color_system is not None
    words = result.get("words") or []
    scale = max((abs(w["push"]) for w in words), default=0.0)
    line = Text()
    for w in words:
        line.append(visible(w["before"]))
        token = w["text"] if colour or abs(w["push"]) < 1e-12 else f"{'+' if w['push'] > 0 else '-'}{w['text']}"
        line.append(visible(token).plain, style=_push_style(w["push"], scale) if colour else "")
    if words:
        line.append(visible(result.get("after", "")))
    _out.print(Text("headline: ") + (line if words else visible(result["headline"])))
    if not result["headline"].isprintable():
        _out.print(Text("as given: ") + visible(result["headline"]))
    if result["tag"]:
        _out.print(Text("tag: ") + visible(result["tag"]) + Text(" (not scored)"))
    if colour and words:
        _out.print(Text("red pushes towards clickbait, green away; bold: the strongest", style="dim"))
    if result["probability"] is None:
        _out.print(f"no score: {result.get('reason') or 'nothing to judge'}")
        return
    decision = "clickbait" if result["clickbait"] else "not clickbait"
    note = " (one or two words: a weak signal)" if result.get("short") else ""
    _out.print(f"logit {result['logit']:+.4f} = intercept {result['intercept']:+.4f} + sum of {len(result['terms'])} terms; "
               f"probability {result['probability']:.4f}; threshold {result['threshold']:.3f}: {decision}{note}")
    t = Table(title=f"top {min(top, len(result['terms']))} n-grams by |contribution|", title_justify="left")
    for c in ("n-gram", "tf-idf", "coef", "contribution"):
        t.add_column(c, justify="left" if c == "n-gram" else "right", overflow="fold")
    for term in result["terms"][:top]:
        style = ("red" if term["contribution"] > 0 else "green") if colour else ""
        t.add_row(visible(term_label(term["ngram"], term["analyzer"])), f"{term['tfidf']:.4f}", f"{term['coef']:+.4f}",
                  Text(f"{term['contribution']:+.4f}", style=style))
    _out.print(t)


def info_report(card: dict) -> None:
    t = Table(title=f"model {card['path']}", title_justify="left", show_header=False)
    t.add_column("field")
    t.add_column("value", overflow="fold")
    for key in ("format_version", "created", "rows", "features", "settings", "threshold", "threshold_rule", "prior", "max_abs_coef",
                "vocabulary_size", "class_weight", "data_sha256"):
        v = card.get(key)
        t.add_row(key, visible(str(v) if not isinstance(v, dict) else ", ".join(f"{k}={x}" for k, x in v.items())))
    cv = card.get("cv") or {}
    if cv:
        t.add_row("cv (mean of folds)", ", ".join(f"{k}={_p(v)}" for k, v in cv.items()))
    if card.get("brier") is not None:
        t.add_row("Brier score (out of fold)", f"{card['brier']:.4f}")
    _out.print(t)
    if card.get("calibration"):
        _out.print(reliability_table(card["calibration"], card.get("calibration_weighted_to")))
    for title, key in (("strongest clickbait n-grams", "top_clickbait"), ("strongest non-clickbait n-grams", "top_nonclickbait")):
        tt = Table(title=title, title_justify="left")
        tt.add_column("n-gram")
        tt.add_column("coef", justify="right")
        for gram, coef in card[key]:
            tt.add_row(visible(gram), f"{coef:+.3f}")
        _out.print(tt)


def share_table(rows, by: str, threshold: float) -> None:
    """Shares per group, with a bar per group (the estimate, its interval marked) to compare at a glance."""
    t = Table(title=f"clickbait share by {by} (flagged at threshold {threshold:.3f}; estimated by EM, 95% interval)",
              title_justify="left")
    t.add_column(by, overflow="fold")
    for c in ("n", "flagged", "estimated", "95% interval"):
        t.add_column(c, justify="right", no_wrap=True)
    t.add_column("", no_wrap=True)
    width = 24
    for g in rows:
        if g.share is None:
            bar = Text(g.note or "", style="dim")
            est = interval = "-"
        else:
            lo, hi, mid = (int(round(x * width)) for x in (g.low, g.high, g.share))
            cells = ["·"] * width
            for i in range(lo, min(hi, width - 1) + 1):
                cells[i] = "─"
            bar = Text()
            bar.append("█" * mid, style="red")
            bar.append("".join(cells[mid:]), style="dim")
            est = f"{g.share:.1%}"
            interval = f"{g.low:.1%}-{g.high:.1%}"
        t.add_row(visible(g.name), f"{g.n:,}", "-" if g.flagged is None else f"{g.flagged:.1%}", est, interval, bar)
    _out.print(t)
