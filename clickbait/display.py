"""What people see of a headline or an n-gram, with no dependency: one place for display escaping and for
naming n-grams, used by the tables (render.py) and the labelling terminal (label_tty.py)."""

from __future__ import annotations

# Control characters (escape sequences, NUL, ...), line or paragraph separators and bidirectional
# controls are shown as escapes, so no headline or page can drive the terminal.
_VISIBLE = {cp: f"\\x{cp:02x}" for cp in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0))}
_VISIBLE.update({0x2028: "\\u2028", 0x2029: "\\u2029", 0x200E: "\\u200e", 0x200F: "\\u200f",
                 **{cp: f"\\u{cp:04x}" for cp in range(0x202A, 0x202F)},
                 **{cp: f"\\u{cp:04x}" for cp in range(0x2066, 0x206A)}})

MARKER_NAMES = {"xxbos": "start of headline", "xxeos": "end of headline", "xxs": "start of sentence",
                "xxq": "after a question mark", "xxcolon": "after a colon"}


def shown(value) -> str:
    """``value`` as text that cannot drive the terminal: control characters shown as escapes."""
    text = "" if value is None else str(value)
    return text if text.isprintable() else text.translate(_VISIBLE)


def term_label(ngram: str, analyzer: str) -> str:
    """An n-gram named for people: ``start of sentence: "ce"``, ``characters "ce "``, ``"bugetul"``."""
    if analyzer != "word":
        return f'characters "{ngram}"'
    words = ngram.split(" ")
    marks = [MARKER_NAMES[w] for w in words if w in MARKER_NAMES]
    rest = " ".join(w for w in words if w not in MARKER_NAMES)
    if not marks:
        return f'"{rest}"'
    return ", ".join(marks) + (f': "{rest}"' if rest else "")
