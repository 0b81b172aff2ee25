"""The terminal side of ``clickbait label``: one key per answer, plain text out.

:func:`run` takes a key-reading function and a writing function, so tests can drive it without a
terminal; :func:`command` is what the CLI calls (it opens the session, refuses a stdin that is not a
terminal, writes ``--export``). All the logic is in :mod:`clickbait.label`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Callable, Iterator, Sequence

from clickbait.display import shown as visible, term_label
from clickbait.errors import ClickbaitError

KEYS = "y clickbait · n not clickbait · s skip · u undo · q save and quit · ? help"
HELP = """\
  y  clickbait: the title withholds or teases what the article says (this outlet's own judgement counts)
  n  not clickbait
  s  skip this title for now (it comes back in a later session)
  u  undo the last answer or skip: the title is asked again
  q  save and quit (every answer is already saved; Ctrl-D and Ctrl-C also quit)
  ?  this help
Every answer is appended to the answer file at once; run the same command again to go on."""


def render_question(q) -> str:
    it = q.item
    where = [it.tag] if it.tag else []
    place = it.page or "?"
    where.append(f"{it.section} of {place}" if it.section else place)
    if it.source:
        where.append(f"source {it.source}")
    guess = "clickbait" if q.clickbait else "not clickbait"
    terms = " · ".join(f"{term_label(t['ngram'], t['analyzer'])} {t['contribution']:+.2f}" for t in q.terms)
    return (f"\n[{q.number} | {q.left} left] {visible(it.headline)}\n"
            f"    {visible(' · '.join(where))}\n"
            f"    model: {guess}, p={q.probability:.3f} (threshold {q.threshold:.3f})"
            + (f" · strongest: {visible(terms)}" if terms else "") + "\n"
            "clickbait? [y/n/s/u/q/?] ")


def render_start(session) -> str:
    c = session.collected
    lines = []
    if c is not None:
        names = {"page": "page", "titles": "title file", "table": "table"}
        counts = {k: list(c.kinds.values()).count(k) for k in names if k in c.kinds.values()}
        what = ", ".join(f"{n} {names[k]}{'s' if n > 1 else ''}" for k, n in counts.items())
        dropped = [f"{c.duplicates} duplicate{'s' if c.duplicates != 1 else ''}"] if c.duplicates else []
        if c.in_out:
            dropped.append(f"{c.in_out} already in {session.answers.path}")
        if c.excluded:
            dropped.append(f"{c.excluded} in the --exclude files")
        if c.in_base:
            dropped.append(f"{c.in_base} in the base corpus")
        if c.unscorable:
            dropped.append(f"{c.unscorable} with no words to judge")
        lines.append(f"{c.read} titles from {what}" + (f"; left out: {', '.join(dropped)}" if dropped else "")
                     + f"; {len(session.queue)} to ask, strategy {session.strategy}.")
    if len(session.answers):
        lines.append(f"Resuming {session.answers.path}: {len(session.answers)} answers already saved.")
    if session.retrain_enabled:
        base = ", ".join(str(p) for p in session.base_paths) or "the base corpus"
        lines.append(f"Every {session.retrain_every} answers the model is retrained on {base} plus your answers.")
    elif session.retrain_every > 0:
        lines.append("Retraining is off: no base corpus (give --base FILE).")
    elif session.strategy == "random":
        lines.append("Retraining is off (the random order does not follow the model; --retrain-every N turns it on).")
    lines.append(f"Keys: {KEYS}.")
    return "\n".join(lines) + "\n"


def render_summary(s: dict) -> str:
    if not s["answers"]:
        return f"\nNo answers saved in {s['path']}.\n"
    return (f"\n{s['answers']} answers in {s['path']} ({s['clickbait']} clickbait, {s['not_clickbait']} not; "
            f"{s['this_session']} this session), {s['left']} titles left to ask.\n"
            f"Train the adapted model: clickbait train data/headlines.csv {s['path']} --out models/mine.npz\n")


def run(session, read_key: Callable[[], str], write: Callable[[str], None],
        discard: Callable[[], None] = lambda: None) -> int:
    """The question loop. Returns the exit status (0); Ctrl-C is re-raised after the summary."""
    write(render_start(session))
    try:
        while True:
            if session.retrain_due:
                write(f"\nretraining on the base corpus plus {len(session.answers)} answers…\n")
                try:
                    r = session.retrain()
                except ClickbaitError as exc:
                    session.retrain_every = 0
                    write(f"retraining failed ({exc}); going on with the current model\n")
                else:
                    write(f"retrained on {r.rows:,} titles in {r.seconds:.1f} s; the questions now follow the new model\n")
                discard()  # keys pressed while retraining were meant for questions not yet shown
            q = session.current()
            if q is None:
                write("\nNo more titles to ask.\n")
                break
            write(render_question(q))
            while True:
                key = read_key()
                if key in ("", "\x04", "q", "Q"):
                    write("quit\n")
                    write(render_summary(session.summary()))
                    return 0
                if key in ("y", "Y", "n", "N"):
                    label = 1 if key in ("y", "Y") else 0
                    session.answer(label)
                    write(f"{'clickbait' if label else 'not clickbait'} (saved)\n")
                    if session.session_answers % session.batch == 0:
                        s = session.summary()
                        write(f"-- {s['this_session']} answers this session, {s['answers']} in all "
                              f"({s['clickbait']} clickbait); {s['left']} left --\n")
                    break
                if key in ("s", "S"):
                    session.skip()
                    write("skipped\n")
                    break
                if key in ("u", "U"):
                    done = session.undo()
                    if done is None:
                        write("nothing to undo\n")
                    else:
                        what, item = done
                        title = item.headline if hasattr(item, "headline") else item["headline"]
                        write(f"undone {'answer' if what == 'answer' else 'skip'}: {visible(title)}\n")
                    break
                if key == "?":
                    write("\n" + HELP + "\n")
                    write(render_question(q))
                    continue
                if key in ("\r", "\n", " ", "\t"):
                    continue
                write(f"\n{visible(key)!s}: not a key here; {KEYS}\nclickbait? [y/n/s/u/q/?] ")
    except KeyboardInterrupt:
        write("\n" + render_summary(session.summary()))
        raise
    write(render_summary(session.summary()))
    return 0


@contextlib.contextmanager
def terminal_keys(fd: int) -> Iterator[tuple[Callable[[], str], Callable[[], None]]]:
    """Single keys from the terminal ``fd`` (no Enter needed, no echo); restores the terminal after.
    Yields ``(read_key, discard_typeahead)``."""
    import select
    import signal
    import termios
    import tty

    old = termios.tcgetattr(fd)
    tty.setcbreak(fd, termios.TCSANOW)  # TCSANOW: keys typed before the first question are kept

    def read_key() -> str:
        data = os.read(fd, 1)
        if not data:
            return ""
        lead = data[0]
        need = 3 if lead >= 0xF0 else 2 if lead >= 0xE0 else 1 if lead >= 0xC0 else 0  # UTF-8 continuation bytes
        while need > 0:
            more = os.read(fd, need)
            if not more:
                break
            data += more
            need -= len(more)
        if data == b"\x1b":  # an escape sequence (arrow keys, ...): read it whole, it is one unknown key
            while select.select([fd], [], [], 0.02)[0]:
                data += os.read(fd, 16)
            return "\x1b"
        return data.decode("utf-8", errors="replace")

    def discard() -> None:
        termios.tcflush(fd, termios.TCIFLUSH)

    def stop(signum, frame):  # SIGTERM, SIGHUP: leave through the finally below, so the terminal is restored
        raise SystemExit(128 + signum)

    handlers = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield read_key, discard
    finally:
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, old)
        except termios.error:
            pass  # the terminal is gone (SIGHUP)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _write_err(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


def command(sources: Sequence[Path], out: Path | None, model: Path | None = None, strategy: str = "uncertain",
            batch: int = 20, retrain_every: int | None = None, base: Sequence[Path] | None = None,
            column: str | None = None, export: str | None = None, seed: int = 0,
            exclude: Sequence[Path] = ()) -> int:
    """``clickbait label``: the interactive session, or with ``export`` the queue as CSV. The session
    talks on stderr (stdout stays free for ``--export -``)."""
    from clickbait import label as lb

    if export is None:
        if out is None:
            raise ClickbaitError("--out is missing: name the CSV file the answers go to, e.g. --out mine.csv")
        if sys.stdin is None or not sys.stdin.isatty():
            raise ClickbaitError("label is interactive and standard input is not a terminal; run it in a terminal, "
                                 "or write the queue with --export FILE.csv and label it elsewhere")
    session = lb.open_session(sources, out, model_path=model, strategy=strategy, batch=batch,
                              retrain_every=0 if export is not None else retrain_every, base=base, column=column,
                              seed=seed, exclude=list(exclude or ()))
    if export is not None:
        rows = session.export_rows()
        if export == "-":
            sys.stdout.write(lb.export_csv(rows))
            sys.stdout.flush()
        else:
            lb.write_export(export, rows)
            _write_err(f"clickbait: {len(rows)} titles written to {export} in {strategy} order\n")
        return 0
    with terminal_keys(sys.stdin.fileno()) as (read_key, discard):
        return run(session, read_key, _write_err, discard)
