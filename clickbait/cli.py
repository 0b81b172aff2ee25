"""The command line: typer app, input and output formats, and the one place errors become exit statuses.

Exit statuses: 0 success, 1 a command's own failure (bad model, bad data), 2 wrong usage,
130 interrupted (Ctrl-C). A reader that goes away (``| head``) ends the program quietly with 0.
Heavy imports (rich's tables, numpy, scikit-learn) happen inside the commands that need them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from clickbait.errors import ClickbaitError

EPILOG = (
    "Exit status: 0 success, 1 the command failed (bad model, bad data), 2 wrong usage, 130 interrupted."
)

app = typer.Typer(
    name="clickbait",
    help=(
        "Score news headlines for clickbait, train models, harvest headlines from saved pages.\n\n"
        "Examples:\n\n"
        '  clickbait score "Ce a urmat te va lăsa fără cuvinte"\n\n'
        "  clickbait score --format jsonl < headlines.txt > scores.jsonl\n\n"
        "  clickbait extract page.txt --format jsonl | jq -r .headline | clickbait score\n\n"
        "  clickbait train data/headlines.csv --out models/clickbait.npz"
    ),
    epilog=EPILOG,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from clickbait import __version__

        _out(f"clickbait {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Score news headlines for clickbait, train models, harvest headlines from saved pages."""


class Fmt(str, Enum):
    table = "table"
    jsonl = "jsonl"
    tsv = "tsv"


class ExtractFmt(str, Enum):
    table = "table"
    jsonl = "jsonl"
    tsv = "tsv"
    csv = "csv"


class ReportFmt(str, Enum):
    table = "table"
    json = "json"


ModelOpt = Annotated[
    Optional[Path],
    typer.Option("--model", "-m", help="Model file (default: $CLICKBAIT_MODEL, else models/clickbait.npz of the checkout, else clickbait.npz in the user's data folder)."),
]


class _ReaderGone(Exception):
    """stdout's reader went away (`| head`). Not an OSError, so typer does not turn it into status 1."""


@contextlib.contextmanager
def _pipe_guard():
    """Turn a closed stdout met inside rich or elsewhere into the quiet ending of `| head`."""
    try:
        yield
    except BrokenPipeError:
        raise _ReaderGone from None


def _out(text: str) -> None:
    if text:
        with _pipe_guard():
            sys.stdout.write(text)
            sys.stdout.flush()


def _warn(message: str) -> None:
    sys.stderr.write(f"clickbait: warning: {message}\n")
    sys.stderr.flush()


def _note(message: str) -> None:
    sys.stderr.write(f"clickbait: {message}\n")
    sys.stderr.flush()


def _json(obj) -> str:
    """Strict JSON (RFC 8259): NaN and infinities become null."""
    import json
    import math

    def clean(x):
        if isinstance(x, float) and not math.isfinite(x):
            return None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        return x

    return json.dumps(clean(obj), ensure_ascii=False, indent=1, allow_nan=False) + "\n"


@contextlib.contextmanager
def _progress(source):
    """A progress line on stderr while a large input is scored, only when stderr is a terminal and
    the input is not typed (stdout is untouched). Yields ``tick()``, called after each chunk."""
    show = (getattr(source, "size", None) is not None or not sys.stdin.isatty()) and sys.stderr.isatty() \
        and not isinstance(getattr(source, "lines", None), list)
    if not show:
        yield lambda: None
        return
    from clickbait import render

    with render.line_progress(source.size) as update:
        yield lambda: update(*source.progress())


def _fix_arg(text: str) -> str:
    """Command-line arguments with undecodable bytes come in as surrogates: replace them like stdin's."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _resolve_fmt(fmt: Optional[str]) -> str:
    if fmt is not None:
        return fmt
    return "table" if sys.stdout.isatty() else "tsv"


def _load(model: Optional[Path]):
    from clickbait.model import Model

    return Model.load(model)


def _check_threshold(threshold: Optional[float]) -> None:
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise typer.BadParameter("must be between 0 and 1", param_hint="--threshold")


SCORE_COLUMNS = ["headline", "tag", "probability", "clickbait", "short", "reason"]


def _parse_prior(prior: Optional[str]) -> Optional[float | str]:
    if prior is None or prior == "auto":
        return prior
    try:
        value = float(prior)
    except ValueError:
        raise typer.BadParameter(f"{prior!r} is neither a number nor auto", param_hint="--prior") from None
    if not 0.0 < value < 1.0:
        raise typer.BadParameter("must be between 0 and 1 (exclusive), or auto", param_hint="--prior")
    return value


@app.command(epilog=EPILOG)
def score(
    headlines: Annotated[Optional[list[str]], typer.Argument(help="Headlines to score; none or - reads one per line from standard input. A headline that starts with - needs -- before it.")] = None,
    model: ModelOpt = None,
    threshold: Annotated[Optional[float], typer.Option(help="Decision threshold (default: the model's own).")] = None,
    prior: Annotated[Optional[str], typer.Option(help="The feed's clickbait share P (0 < P < 1): probabilities are moved to it by Bayes' rule and decided at the threshold. auto: estimate P from the input itself (reads the whole input first; one float per line is kept).")] = None,
    fmt: Annotated[Optional[Fmt], typer.Option("--format", "-f", help="table (default on a terminal), jsonl or tsv (default in a pipe).")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add the three n-grams that weigh most in each decision.")] = False,
    header: Annotated[bool, typer.Option("--header", help="tsv: print a header line first (off by default, so output lines match input lines).")] = False,
    input_file: Annotated[Optional[str], typer.Option("--input", "-i", help="Score a table (CSV, TSV or JSON Lines; - for standard input): every row is written back in the same format with tag, probability and clickbait appended.")] = None,
    column: Annotated[Optional[str], typer.Option("--column", "-c", help="--input: the text column (default: headline, title or text).")] = None,
    delimiter: Annotated[Optional[str], typer.Option(help="--input: CSV delimiter (default: detected; \\t for tab).")] = None,
    encoding: Annotated[str, typer.Option(help="--input: text encoding of the table, e.g. cp1250.")] = "utf-8",
) -> None:
    """Score headlines: rail tag, clickbait probability and decision, one record per headline, in order.

    Examples:

      clickbait score "Ce a urmat te va lăsa fără cuvinte" "Guvernul a aprobat bugetul pe 2027"

      cat titles.txt | clickbait score --format jsonl

      clickbait score -- "-20 de grade în Harghita"      # a headline that starts with -

      clickbait score --input articles.csv --column title > scored.csv

      clickbait score --prior auto < feed.txt              # the feed's own clickbait share

    Columns: headline, tag, probability, clickbait, short (one or two words: a weak signal), reason (why
    a line has no probability: blank, no words, tag only). One record per input line, in order.
    Only the first 1,000 characters of a line are scored.
    """
    _check_threshold(threshold)
    prior_value = _parse_prior(prior)
    if input_file is not None:
        if headlines:
            raise typer.BadParameter("give headlines or --input, not both", param_hint="--input")
        if fmt is not None or header or explain:
            raise typer.BadParameter("--input writes the table's own format (no --format, --header or --explain)", param_hint="--input")
        _check_reading_options(delimiter, encoding)
        return _score_table(_load(model), input_file, column, delimiter, encoding, threshold, prior_value)
    if column is not None or delimiter is not None:
        raise typer.BadParameter("only applies with --input", param_hint="--column/--delimiter")
    form = _resolve_fmt(fmt.value if fmt else None)
    if header and form != "tsv":
        raise typer.BadParameter("only applies to --format tsv", param_hint="--header")
    from clickbait import scoring

    m = _load(model)
    if headlines and headlines != ["-"]:
        source = scoring.ArgumentSource([_fix_arg(h) for h in headlines])
    else:
        if sys.stdin is None:
            raise ClickbaitError("no headlines given and no standard input to read")
        if sys.stdin.isatty():
            sys.stderr.write("Type headlines, one per line (Ctrl-D to end):\n")
            sys.stderr.flush()
        source = scoring.StdinSource(sys.stdin.fileno())
    job = scoring.ScoreJob(m, threshold=threshold, prior=prior_value, explain=explain)
    if prior_value == "auto":
        source = job.estimate_prior(source)
        _note(f"estimated clickbait share {job.prior:.4f} ({job.prior_iterations} EM iterations over {job.prior_n:,} scored lines)")
    if form == "table":
        from clickbait import render

        with _pipe_guard(), render.score_rows(job.threshold, explain) as add_rows:
            for chunk in source.chunks():
                add_rows(job.records(chunk))
    else:
        if form == "tsv" and header:
            _out("\t".join(SCORE_COLUMNS + (["top_ngrams"] if explain else [])) + "\n")
        with _progress(source) as tick:
            for chunk in source.chunks():
                _out(job.format(chunk, form))
                tick()
    if source.bad_lines:
        _warn(f"{source.bad_lines} input line(s) had bytes that are not UTF-8; they were replaced with U+FFFD")


def _check_out(text: str) -> Path:
    """--out is checked before minutes of training, not after (an empty value is wrong usage)."""
    if not text.strip():
        raise typer.BadParameter("is empty; name the model file to write, e.g. models/mine.npz", param_hint="--out")
    from clickbait.files import check_writable

    return check_writable(text, "--out", "mine.npz")


def _check_reading_options(delimiter: Optional[str], encoding: str) -> None:
    import codecs

    if delimiter is not None and delimiter != "\\t" and len(delimiter) != 1:
        raise typer.BadParameter(f"must be one character (or \\t for tab), got {delimiter!r}", param_hint="--delimiter")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise typer.BadParameter(f"unknown encoding {encoding!r} (for example utf-8, cp1250, latin-1)", param_hint="--encoding") from None


def _score_table(m, path: str, column, delimiter, encoding, threshold, prior) -> None:
    from clickbait import scoring
    from clickbait import table as tables

    spooled = None
    try:
        if prior == "auto" and path == "-":
            spooled = path = tables.spool_stdin()
        opener = lambda: tables.open_table(path, column=column, delimiter=delimiter, encoding=encoding)  # noqa: E731
        opener()  # header problems now, before a first pass
        if prior == "auto":
            prior, iterations, n = scoring.table_prior(m, opener)
            _note(f"estimated clickbait share {prior:.4f} ({iterations} EM iterations over {n:,} scored rows)")
        bad = scoring.score_table(m, opener(), threshold, prior, _out, lambda msg: _warn(msg))
    finally:
        if spooled:
            os.unlink(spooled)
    if bad:
        _warn(f"{bad} row(s) could not be scored; they are written with empty score fields")


class ShareFmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command(epilog=EPILOG)
def share(
    files: Annotated[list[str], typer.Argument(help="Titles: plain text (one per line), CSV/TSV/JSON Lines with a text column, or the output of `clickbait extract --format jsonl`.")],
    by: Annotated[Optional[str], typer.Option("--by", help="Group by this column (source, date, section, tag, outlet, ...) instead of by file.")] = None,
    column: Annotated[Optional[str], typer.Option("--column", "-c", help="The text column of CSV/JSONL input (default: headline, title or text).")] = None,
    model: ModelOpt = None,
    fmt: Annotated[Optional[ShareFmt], typer.Option("--format", "-f", help="table (default on a terminal, with bars), json or csv (default in a pipe).")] = None,
    delimiter: Annotated[Optional[str], typer.Option(help="CSV delimiter (default: detected; \\t for tab).")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the files.")] = "utf-8",
) -> None:
    """The clickbait share of each file or group: n, the flagged share (classify and count), and the
    EM-estimated share with a 95% bootstrap interval (Saerens et al. 2002), which corrects the count
    for the share the model was trained for. Groups of fewer than 30 titles get no estimate.

    Examples:

      clickbait share digi.txt libertatea.txt

      clickbait extract pages/*.txt --format jsonl > rails.jsonl; clickbait share rails.jsonl --by source
    """
    _check_reading_options(delimiter, encoding)
    from clickbait import share as shares

    m = _load(model)
    form = fmt.value if fmt else ("table" if sys.stdout.isatty() else "csv")
    if sys.stderr.isatty():  # a progress line on stderr while the files are read (nothing in a pipe)
        from clickbait import render

        with render.line_progress(None) as update:
            done = [0]

            def tick(n: int) -> None:
                done[0] += n
                update(done[0], 0)

            groups = shares.collect(m, files, by=by, column=column, delimiter=delimiter, encoding=encoding,
                                    on_problem=lambda msg: _warn(msg), on_progress=tick)
    else:
        groups = shares.collect(m, files, by=by, column=column, delimiter=delimiter, encoding=encoding,
                                on_problem=lambda msg: _warn(msg))
    if not groups:
        raise ClickbaitError("no titles to measure")
    rows = shares.summarise(m, groups)
    if form == "json":
        _out(_json({"model": str(m.path), "threshold": m.threshold, "model_prior": m.prior, "by": by or "file",
                    "groups": [g.as_dict() for g in rows]}))
    elif form == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["group", "n", "scored", "flagged_share", "estimated_share", "ci95_low", "ci95_high", "note"])
        for g in rows:
            w.writerow([g.name, g.n, g.scored, "" if g.flagged is None else f"{g.flagged:.4f}",
                        "" if g.share is None else f"{g.share:.4f}", "" if g.low is None else f"{g.low:.4f}",
                        "" if g.high is None else f"{g.high:.4f}", g.note or ""])
        _out(buf.getvalue())
    else:
        from clickbait import render

        with _pipe_guard():
            render.share_table(rows, by or "file", m.threshold)


@app.command(epilog=EPILOG)
def train(
    out: Annotated[str, typer.Option("--out", "-o", help="Where to write the model (.npz); written atomically; its folder must exist.")],
    data: Annotated[Optional[list[Path]], typer.Argument(help="Labelled files: CSV/TSV (header with headline|title|text and label|category|clickbait), JSON Lines or a JSON array.")] = None,
    dev: Annotated[Optional[list[Path]], typer.Option("--dev", help="Labelled titles of your own outlet: choose the settings and the threshold on them instead of by cross-validation (same formats; repeatable).")] = None,
    clickbait_files: Annotated[Optional[list[Path]], typer.Option("--clickbait", help="A plain text file of clickbait headlines, one per line (repeatable).")] = None,
    not_clickbait_files: Annotated[Optional[list[Path]], typer.Option("--not-clickbait", help="A plain text file of non-clickbait headlines, one per line (repeatable).")] = None,
    grid: Annotated[str, typer.Option(help="default: the settings chosen on real Romanian titles (README); search: compare 24 candidates (features x n-grams x markers x C) by cross-validation, or on --dev; quick: one small config.")] = "default",
    feed_prior: Annotated[Optional[float], typer.Option("--feed-prior", help="The clickbait share of the feeds the model is for (0 < P < 1): its probabilities assume it and its threshold is chosen for it (make train: 0.2). Default: equal shares.")] = None,
    target_precision: Annotated[Optional[float], typer.Option("--target-precision", help="Choose the threshold for this clickbait precision instead of max macro-F1.")] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds.", min=2, max=20)] = 5,
    jobs: Annotated[int, typer.Option(help="Parallel jobs for cross-validation.", min=1, max=64)] = 2,
    delimiter: Annotated[Optional[str], typer.Option(help="CSV delimiter (default: detected from the header; \\t for tab).")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the data files, e.g. cp1250.")] = "utf-8",
    fmt: Annotated[ReportFmt, typer.Option("--format", "-f", help="Report as a table or JSON.")] = ReportFmt.table,
) -> None:
    """Train a model: model selection (cross-validation, or a --dev file), threshold choice, then a fit on all rows.

    Examples:

      clickbait train data/headlines.csv extra.jsonl --out models/clickbait.npz

      clickbait train data/headlines.csv mine.csv --dev held.csv --out models/mine.npz

      clickbait train --clickbait clickbait.txt --not-clickbait non_clickbait.txt --out models/en.npz
    """
    if target_precision is not None and not 0.0 < target_precision <= 1.0:
        raise typer.BadParameter("must be in (0, 1]", param_hint="--target-precision")
    if feed_prior is not None and not 0.0 < feed_prior < 1.0:
        raise typer.BadParameter("must be between 0 and 1 (exclusive)", param_hint="--feed-prior")
    _check_reading_options(delimiter, encoding)
    from clickbait.training import fit as tfit

    try:
        grid_cfgs = tfit.parse_grid(grid)
    except ClickbaitError as exc:
        raise typer.BadParameter(str(exc), param_hint="--grid") from None
    if not data and not clickbait_files and not not_clickbait_files:
        raise typer.BadParameter("give labelled files, or --clickbait and --not-clickbait text files", param_hint="DATA")
    out = _check_out(out)
    from clickbait import render
    from clickbait.training import data as tdata

    ds = tdata.load(list(data or []), delimiter=delimiter, encoding=encoding,
                    plain={1: list(clickbait_files or []), 0: list(not_clickbait_files or [])})
    for w in ds.warnings:
        _warn(w)
    dev_ds = tdata.load_dev(list(dev), ds, delimiter=delimiter, encoding=encoding) if dev else None
    files = [p.name for p in (data or [])] + [p.name for p in (clickbait_files or []) + (not_clickbait_files or [])]
    with render.progress() as update:
        model, report, _ = tfit.train(
            ds.texts,
            ds.labels,
            grid=grid_cfgs,
            folds=folds,
            target_precision=target_precision,
            n_jobs=jobs,
            progress=update,
            extra_metadata={"data_files": files, **({"dev_files": [p.name for p in dev]} if dev else {})},
            dev=(dev_ds.texts, dev_ds.labels) if dev_ds else None,
            feed_prior=feed_prior,
        )
    model.save(out)
    if fmt == ReportFmt.json:
        _out(_json({"model": str(out), **model.metadata}))
    else:
        render.train_report(report, out, model)


@app.command(epilog=EPILOG)
def extract(
    pages: Annotated[list[Path], typer.Argument(help="News pages saved as plain text.")],
    fmt: Annotated[Optional[ExtractFmt], typer.Option("--format", "-f", help="table (terminal default), jsonl, tsv (pipe default) or csv.")] = None,
    suggest: Annotated[bool, typer.Option("--suggest", help="Add the model's probability and a suggested label (1/0) for review.")] = False,
    model: ModelOpt = None,
    header: Annotated[bool, typer.Option("--header/--no-header", help="Header line for tsv/csv (csv always has one).")] = False,
) -> None:
    """Harvest headlines from saved news pages: article, recommended, rail and partner headlines.

    Example:

      clickbait extract page.txt --format jsonl | jq -r .headline | clickbait score
    """
    from clickbait import pages as pg

    form = _resolve_fmt(fmt.value if fmt else None)
    m = _load(model) if suggest else None
    columns = list(pg.COLUMNS) + (["probability", "label"] if suggest else [])
    all_records = []
    failed = 0
    first = True
    for page in pages:
        try:
            records = pg.extract_file(page)
        except ClickbaitError as exc:  # one bad page never stops the others
            sys.stderr.write(f"clickbait: error: {exc}\n")
            failed += 1
            continue
        if m is not None and records:
            scored = m.score([r["headline"] for r in records])
            for r, s in zip(records, scored):
                r["probability"] = s["probability"]
                r["label"] = None if s["clickbait"] is None else int(s["clickbait"])
        if form == "table":
            all_records.extend(records)
        elif form == "csv":
            import csv
            import io

            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
            if first:
                w.writeheader()
            w.writerows(records)
            _out(buf.getvalue())
        else:
            from clickbait.stream import format_records

            if form == "tsv" and header and first:
                _out("\t".join(columns) + "\n")
            _out(format_records(records, form, columns))
        first = False
    if form == "table":
        from clickbait import render

        with _pipe_guard():
            render.extract_table(all_records, columns)
    if failed:
        _note(f"{failed} of {len(pages)} page(s) could not be read")
        raise typer.Exit(1)


@app.command(epilog=EPILOG)
def evaluate(
    data: Annotated[list[Path], typer.Argument(help="Labelled files, in the formats `train` reads.")],
    model: ModelOpt = None,
    threshold: Annotated[Optional[float], typer.Option(help="Decision threshold (default: the model's own).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Also report per value of this column (e.g. source_kind, tag).")] = None,
    errors: Annotated[int, typer.Option("--errors", help="List the N most confident mistakes.", min=0)] = 0,
    predictions: Annotated[Optional[Path], typer.Option("--predictions", help="Write every input row with its probability and decision to this CSV file.")] = None,
    delimiter: Annotated[Optional[str], typer.Option(help="CSV delimiter (default: detected).")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the data files.")] = "utf-8",
    fmt: Annotated[ReportFmt, typer.Option("--format", "-f", help="table or json.")] = ReportFmt.table,
) -> None:
    """Measure a model on labelled data: n, accuracy, precision, recall, macro-F1, ROC-AUC, confusion matrix.

    Example:

      clickbait evaluate held_out.csv --by source_kind --errors 10
    """
    _check_threshold(threshold)
    from clickbait.training import evaluate as tev

    m = _load(model)
    _check_reading_options(delimiter, encoding)
    result = tev.evaluate(m, data, threshold=threshold, by=by, errors=errors, delimiter=delimiter, encoding=encoding,
                          predictions=predictions)
    if fmt == ReportFmt.json:
        _out(_json(result))
    else:
        from clickbait import render

        render.evaluate_report(result)


@app.command(epilog=EPILOG)
def explain(
    headline: Annotated[str, typer.Argument(help="The headline to explain.")],
    model: ModelOpt = None,
    top: Annotated[int, typer.Option(help="How many n-grams to list.", min=1)] = 15,
    fmt: Annotated[ReportFmt, typer.Option("--format", "-f", help="table or json.")] = ReportFmt.table,
) -> None:
    """Show why a headline scores as it does: each word coloured by its push, the top n-gram terms.

    The contributions (tf-idf value x coefficient) plus the intercept sum to the logit shown.
    """
    m = _load(model)
    result = m.explain(_fix_arg(headline))
    if fmt == ReportFmt.json:
        _out(_json(result))
    else:
        from clickbait import render

        render.explain_report(result, m, top)


@app.command(epilog=EPILOG)
def info(
    model: ModelOpt = None,
    fmt: Annotated[ReportFmt, typer.Option("--format", "-f", help="table or json.")] = ReportFmt.table,
) -> None:
    """The model card: format, creation time, training rows, settings, threshold, CV figures, top n-grams."""
    m = _load(model)
    card = m.card()
    if fmt == ReportFmt.json:
        _out(_json(card))
    else:
        from clickbait import render

        render.info_report(card)


class LabelStrategy(str, Enum):
    uncertain = "uncertain"
    random = "random"
    confident = "confident"


@app.command(epilog=EPILOG)
def label(
    sources: Annotated[list[Path], typer.Argument(help="Saved pages (.txt), text files of titles (one per line), or CSV/TSV/JSONL tables with a text column.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="The answer file (CSV: headline,label,source,page,labelled_at); appended to, resumed from.")] = None,
    model: ModelOpt = None,
    strategy: Annotated[LabelStrategy, typer.Option(help="Which titles first: uncertain (nearest the threshold), random, confident (farthest).")] = LabelStrategy.uncertain,
    batch: Annotated[int, typer.Option(help="Answers per batch: a summary, and the quick retrain, after each.", min=1)] = 20,
    retrain_every: Annotated[Optional[int], typer.Option("--retrain-every", help="Retrain after this many answers (default: --batch; 0: never).", min=0)] = None,
    base: Annotated[Optional[list[Path]], typer.Option("--base", help="Labelled corpus the quick retrain starts from (repeatable; default data/headlines.csv).")] = None,
    column: Annotated[Optional[str], typer.Option("--column", help="The text column of CSV/JSONL sources (default: headline, title or text).")] = None,
    exclude: Annotated[Optional[list[Path]], typer.Option("--exclude", help="Never ask the titles of this file, e.g. a held-out set labelled apart (repeatable).")] = None,
    export: Annotated[Optional[str], typer.Option("--export", help="Write the unlabelled queue in order as CSV to this file (- for stdout) instead of asking.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the random strategy's order.")] = 0,
) -> None:
    """Label your outlet's own titles, most informative first, to adapt the model (interactive).

    Examples:

      clickbait label pages/*.txt --out mine.csv

      clickbait label pages/*.txt --out held.csv --strategy random

      clickbait label pages/*.txt titles.txt --out mine.csv --exclude held.csv

      clickbait label feed.csv --column title --out mine.csv --export queue.csv

      clickbait train data/headlines.csv mine.csv --dev held.csv --out models/mine.npz

    Keys: y clickbait, n not clickbait, s skip, u undo, q save and quit, ? help. Every answer is saved
    at once; running the same command again resumes.
    """
    from clickbait import label_tty

    raise typer.Exit(label_tty.command(sources, out, model=model, strategy=strategy.value, batch=batch,
                                       retrain_every=retrain_every, base=base, column=column, export=export, seed=seed,
                                       exclude=exclude or []))


@app.command(epilog=EPILOG)
def serve(
    model: ModelOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8080,
    workers: Annotated[int, typer.Option(help="Worker processes, each with its own copy of the model.", min=1, max=64)] = 1,
    token: Annotated[Optional[str], typer.Option(help="Require Authorization: Bearer TOKEN on /v1/* (default: $CLICKBAIT_TOKEN; none if unset).")] = None,
    allow_origin: Annotated[Optional[str], typer.Option("--allow-origin", help="Let pages from this origin call the API (CORS), e.g. https://cms.example.ro; off by default.")] = None,
) -> None:
    """Serve the newsroom page (GET /) and the JSON API (/v1/score, /v1/explain, /v1/extract, /v1/model).

    Examples:

      clickbait serve                                  # http://127.0.0.1:8080/

      CLICKBAIT_TOKEN=s3cret clickbait serve --workers 2 --allow-origin https://cms.example.ro

    Stops cleanly on Ctrl-C or SIGTERM. GET /healthz answers without a token.
    """
    if token is None:
        token = os.environ.get("CLICKBAIT_TOKEN") or None
    from clickbait.web import server  # starlette and uvicorn: only this command imports them

    server.run(model, host=host, port=port, workers=workers, token=token, allow_origin=allow_origin)


def _quiet_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the interpreter's final flush stays silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point: run the app and turn every expected failure into a one-line message and a status."""
    from typer import TyperException

    # Output is UTF-8 whatever the locale says (PYTHONIOENCODING=latin-1 included).
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
                stream.reconfigure(encoding="utf-8", errors="replace")
        except (AttributeError, ValueError, OSError):
            pass
    hook = sys.excepthook
    try:
        try:
            # Without standalone mode typer returns an exit status instead of exiting (130 for Ctrl-C).
            rv = app(args=argv, prog_name="clickbait", standalone_mode=False)
            code = rv if isinstance(rv, int) else 0
        finally:
            sys.excepthook = hook
            sys.stdout.flush()
    except ClickbaitError as exc:
        sys.stderr.write(f"clickbait: error: {exc}\n")
        code = 1
    except TyperException as exc:
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            sys.stderr.write(f"clickbait: error: {exc}\n")
        code = getattr(exc, "exit_code", 2)
    except typer.Exit as exc:
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("\n")
        code = 130
    except (BrokenPipeError, _ReaderGone):
        _quiet_stdout()
        code = 0
    except MemoryError:
        sys.stderr.write("clickbait: error: out of memory\n")
        code = 1
    except OSError as exc:  # a failed write to stdout (a full disk, a closed device): one line, status 1
        _quiet_stdout()
        sys.stderr.write(f"clickbait: error: cannot write output ({exc.strerror or exc})\n")
        code = 1
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
