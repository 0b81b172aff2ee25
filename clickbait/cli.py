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
)


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
    typer.Option("--model", "-m", help="Model file (default: $CLICKBAIT_MODEL, else models/clickbait.npz of the checkout)."),
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


SCORE_COLUMNS = ["headline", "tag", "probability", "clickbait"]


@app.command(epilog=EPILOG)
def score(
    headlines: Annotated[Optional[list[str]], typer.Argument(help="Headlines to score; none or - reads one per line from standard input.")] = None,
    model: ModelOpt = None,
    threshold: Annotated[Optional[float], typer.Option(help="Decision threshold (default: the model's own).")] = None,
    fmt: Annotated[Optional[Fmt], typer.Option("--format", "-f", help="table (default on a terminal), jsonl or tsv (default in a pipe).")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add the three n-grams that weigh most in each decision.")] = False,
    header: Annotated[bool, typer.Option("--header", help="tsv: print a header line first (off by default, so output lines match input lines).")] = False,
) -> None:
    """Score headlines: rail tag, clickbait probability and decision, one record per headline, in order.

    Examples:

      clickbait score "Ce a urmat te va lăsa fără cuvinte" "Guvernul a aprobat bugetul pe 2027"

      cat titles.txt | clickbait score --format jsonl

    A blank input line gives a record with no probability, so output lines stay beside input lines.
    Only the first 1,000 characters of a line are scored.
    """
    _check_threshold(threshold)
    form = _resolve_fmt(fmt.value if fmt else None)
    m = _load(model)
    cut = m.threshold if threshold is None else threshold
    columns = SCORE_COLUMNS + (["top_ngrams"] if explain else [])

    def records_of(chunk: list[str]) -> list[dict]:
        recs = m.score(chunk, threshold=cut)
        if explain:
            for r in recs:
                terms = m.explain(r["headline"])["terms"][:3] if r["probability"] is not None else []
                r["top_ngrams"] = [{"ngram": t["ngram"], "contribution": t["contribution"]} for t in terms]
        return recs

    if form == "tsv" and header:
        _out("\t".join(columns) + "\n")
    if headlines and headlines != ["-"]:
        chunks = iter([[_fix_arg(h) for h in headlines]])
        reader = None
    else:
        from clickbait.stream import LineReader

        if sys.stdin is None:
            raise ClickbaitError("no headlines given and no standard input to read")
        if sys.stdin.isatty():
            _warn("reading headlines from standard input, one per line (Ctrl-D to end)")
        reader = LineReader(sys.stdin.fileno())
        chunks = reader.chunks()
    if form == "table":
        from clickbait import render

        for chunk in chunks:
            with _pipe_guard():
                render.score_table(records_of(chunk), cut, explain)
    else:
        from clickbait.stream import format_records

        if explain and form == "tsv":
            for chunk in chunks:
                recs = records_of(chunk)
                for r in recs:
                    r["top_ngrams"] = " ".join(f"{t['ngram']!r}:{t['contribution']:+.3f}" for t in r["top_ngrams"])
                _out(format_records(recs, form, columns))
        else:
            for chunk in chunks:
                _out(format_records(records_of(chunk), form, columns))
    if reader is not None and reader.bad_lines:
        _warn(f"{reader.bad_lines} input line(s) had bytes that are not UTF-8; they were replaced with U+FFFD")


@app.command(epilog=EPILOG)
def train(
    data: Annotated[list[Path], typer.Argument(help="Labelled files: CSV/TSV (header with headline|title|text and label|category|clickbait), JSON Lines or a JSON array.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the model (.npz); written atomically.")],
    grid: Annotated[str, typer.Option(help="Model selection grid: default (features x n-grams x C) or quick (one config).")] = "default",
    target_precision: Annotated[Optional[float], typer.Option("--target-precision", help="Choose the threshold for this clickbait precision instead of max macro-F1.")] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds.", min=2, max=20)] = 5,
    jobs: Annotated[int, typer.Option(help="Parallel jobs for cross-validation.", min=1, max=64)] = 2,
    delimiter: Annotated[Optional[str], typer.Option(help="CSV delimiter (default: detected from the header; \\t for tab).")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the data files, e.g. cp1250.")] = "utf-8",
    fmt: Annotated[ReportFmt, typer.Option("--format", "-f", help="Report as a table or JSON.")] = ReportFmt.table,
) -> None:
    """Train a model: stratified k-fold model selection, threshold choice, then a fit on all rows.

    Example:

      clickbait train data/headlines.csv extra.jsonl --out models/clickbait.npz
    """
    if target_precision is not None and not 0.0 < target_precision <= 1.0:
        raise typer.BadParameter("must be in (0, 1]", param_hint="--target-precision")
    from clickbait import render
    from training import data as tdata
    from training import fit as tfit

    grid_cfgs = tfit.parse_grid(grid)
    ds = tdata.load(data, delimiter=delimiter, encoding=encoding)
    for w in ds.warnings:
        _warn(w)
    with render.progress() as update:
        model, report, _ = tfit.train(
            ds.texts,
            ds.labels,
            grid=grid_cfgs,
            folds=folds,
            target_precision=target_precision,
            n_jobs=jobs,
            progress=update,
            extra_metadata={"data_files": [p.name for p in data]},
        )
    model.save(out)
    if fmt == ReportFmt.json:
        import json

        _out(json.dumps({"model": str(out), **model.metadata}, ensure_ascii=False, indent=1) + "\n")
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
    for page in pages:
        records = pg.extract_file(page)
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
            if page == pages[0]:
                w.writeheader()
            w.writerows(records)
            _out(buf.getvalue())
        else:
            from clickbait.stream import format_records

            if form == "tsv" and header and page == pages[0]:
                _out("\t".join(columns) + "\n")
            _out(format_records(records, form, columns))
    if form == "table":
        from clickbait import render

        with _pipe_guard():
            render.extract_table(all_records, columns)


@app.command(epilog=EPILOG)
def evaluate(
    data: Annotated[list[Path], typer.Argument(help="Labelled files, in the formats `train` reads.")],
    model: ModelOpt = None,
    threshold: Annotated[Optional[float], typer.Option(help="Decision threshold (default: the model's own).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Also report per value of this column (e.g. source_kind, tag).")] = None,
    errors: Annotated[int, typer.Option("--errors", help="List the N most confident mistakes.", min=0)] = 0,
    delimiter: Annotated[Optional[str], typer.Option(help="CSV delimiter (default: detected).")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the data files.")] = "utf-8",
    fmt: Annotated[ReportFmt, typer.Option("--format", "-f", help="table or json.")] = ReportFmt.table,
) -> None:
    """Measure a model on labelled data: n, accuracy, precision, recall, macro-F1, ROC-AUC, confusion matrix.

    Example:

      clickbait evaluate held_out.csv --by source_kind --errors 10
    """
    _check_threshold(threshold)
    from training import evaluate as tev

    m = _load(model)
    result = tev.evaluate(m, data, threshold=threshold, by=by, errors=errors, delimiter=delimiter, encoding=encoding)
    if fmt == ReportFmt.json:
        import json

        _out(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
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
        import json

        _out(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
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
        import json

        _out(json.dumps(card, ensure_ascii=False, indent=1) + "\n")
    else:
        from clickbait import render

        render.info_report(card)


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
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
