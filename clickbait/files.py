"""Reading and writing files with one-line errors: the one place for what every room needs.

Reads name the path and the problem; writes are atomic (a temporary file in the same folder, fsync,
rename, fsync of the folder), so a reader sees the old file or the new one, never half of one.
Folders are never created: a missing folder is an error the user can act on.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from clickbait.errors import ClickbaitError


def read_bytes(path: str | os.PathLike, what: str = "file", limit: int | None = None, hint: str = "") -> bytes:
    """The bytes of ``path`` (a ``what``: "page", "data file", …), or a ClickbaitError: no such file,
    a folder, larger than ``limit`` bytes, unreadable."""
    path = Path(path)
    try:
        if limit is not None and path.stat().st_size > limit:
            raise ClickbaitError(f"{path}: larger than {limit // 1_000_000} MB; not a {what}{hint}")
        return path.read_bytes()
    except FileNotFoundError:
        raise ClickbaitError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ClickbaitError(f"{path}: is a folder, not a {what}{hint}") from None
    except OSError as exc:
        raise ClickbaitError(f"{path}: cannot read ({exc.strerror or exc})") from None


def check_writable(path: str | os.PathLike, option: str = "--out", example: str = "mine.npz") -> Path:
    """Fail before the work, not after it: ``path`` must name a file in a folder that exists and that
    this process may write to."""
    text = str(path)
    if not text.strip():
        raise ClickbaitError(f"{option} is empty; name the file to write, e.g. {example}")
    path = Path(text)
    if path.is_dir() or text.endswith(("/", os.sep)):
        raise ClickbaitError(f"{option} {path}: is a folder; name a file inside it, e.g. {path / example}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ClickbaitError(f"{option} {path}: the folder {folder} does not exist (create it first)")
    if path.exists() and not os.access(path, os.W_OK):
        raise ClickbaitError(f"{option} {path}: not writable")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ClickbaitError(f"{option} {path}: cannot write in {folder} ({exc.strerror or exc})") from None
    return path


def fsync_dir(folder: str | os.PathLike) -> None:
    """Make a rename or a new file in ``folder`` durable (best effort: some file systems refuse)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def atomic_write(path: str | os.PathLike, data: bytes, what: str = "file", mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        raise ClickbaitError(f"{path}: cannot write {what} (the folder {folder} does not exist)") from None
    except OSError as exc:
        raise ClickbaitError(f"{path}: cannot write {what} ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        fsync_dir(folder)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise ClickbaitError(f"{path}: cannot write {what} ({exc.strerror or exc})") from None
        raise
