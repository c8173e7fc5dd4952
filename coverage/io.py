"""Writing results atomically: a crash or Ctrl-C mid-write never leaves a half-written file.

Each writer writes to a temporary file in the destination folder, then renames it over the
target (``os.replace`` is atomic on the same file system), so readers see the old file or the
new one, never a mix. The vector layers' writers (:mod:`coverage.layer_files`) and the
workbooks' (:mod:`coverage.excel`) write through :func:`write_with` too.

CSV files are read by spreadsheets, which evaluate a cell that starts like a formula:
:func:`write_csv` writes text through :func:`coverage.neutralize.neutralize_text`.

A result that cannot be written (the output folder is a file, is read-only, or the disk fills
up) raises :class:`~coverage.errors.OutputError`, one line naming the path; the temporary file
is removed, so a failed write leaves nothing behind. :func:`check_writable` makes the same
checks before a long run starts.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coverage.errors import Msg, OutputError
from coverage.neutralize import neutralize_frame

__all__ = [
    "ensure_folder",
    "gdal_can_name",
    "check_writable",
    "probe_folder",
    "remove_output",
    "remove_outputs",
    "atomic_path",
    "clean_stale_parts",
    "write_with",
    "write_text",
    "write_json",
    "write_npz",
    "write_csv",
]

#: Words a planner can act on, by errno (catalogue keys); others fall back to the system's own
#: message.
_REASONS = {
    errno.ENOSPC: "error.output.reason.disk_full",
    errno.EDQUOT: "error.output.reason.quota",
    errno.EACCES: "error.output.reason.denied",
    errno.EPERM: "error.output.reason.denied",
    errno.EROFS: "error.output.reason.read_only",
    errno.EISDIR: "error.output.reason.folder_in_way",
    errno.ENAMETOOLONG: "error.output.reason.name_too_long",
}


_FULL_DISK = re.compile(r"no space left on device|database or disk is full|disk full", re.I)


def _reason(exc: OSError) -> Msg:
    key = _REASONS.get(exc.errno or 0)
    return Msg(key) if key else Msg("error.text", text=exc.strerror or str(exc))


def ensure_folder(folder: str | Path) -> Path:
    """Create ``folder`` (and its parents) unless it exists; :class:`OutputError` if it cannot.

    A file where the folder (or one of its parents) should be is named in the message.

    Parameters
    ----------
    folder
        The folder.

    Returns
    -------
    Path
        The folder.
    """
    folder = Path(folder)
    blocker = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        if blocker == folder:
            raise OutputError(Msg("error.output.is_file"), folder)
        raise OutputError(Msg("error.output.parent_is_file", blocker=str(blocker)), folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(Msg("error.output.cannot_create", reason=_reason(exc)), folder) from exc
    return folder


def gdal_can_name(path: Path) -> None:
    """:class:`OutputError` unless ``path`` is valid UTF-8, the only file names GDAL takes.

    A name written in another encoding reaches Python with lone surrogates (``out\udcff``).

    Parameters
    ----------
    path
        A file or folder to write.
    """
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise OutputError(Msg("error.output.not_utf8"), path) from None


def check_writable(folder: str | Path) -> Path:
    """Fail fast: :class:`OutputError` unless files can be created in ``folder`` (made if missing).

    Run before a long computation, so a read-only, mistyped or non-UTF-8 output folder is
    reported at once rather than after the work is done. A disk that fills up later is still
    reported by the writers themselves.

    Parameters
    ----------
    folder
        The folder.

    Returns
    -------
    Path
        The folder.
    """
    gdal_can_name(Path(folder))
    folder = ensure_folder(folder)
    try:
        fd, probe = tempfile.mkstemp(prefix=".coverage-write-check.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(Msg("error.output.cannot_write_in", reason=_reason(exc)), folder) from exc
    return folder


def remove_output(path: str | Path) -> None:
    """Remove an output an earlier run left, if there; :class:`OutputError` if it cannot be.

    A workbook still open in Excel (locked on Windows) or a read-only folder is one line naming
    the file, as a failed write is, not a traceback.

    Parameters
    ----------
    path
        The file: one of the program's own output names (never a file it did not write).
    """
    path = Path(path)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(Msg("error.output.cannot_remove", reason=_reason(exc)), path) from exc


def remove_outputs(folder: str | Path, names: Iterable[str]) -> None:
    """Remove the outputs ``names`` an earlier run left in ``folder`` (:func:`remove_output`).

    Every one that can go goes; one that cannot (open in Excel) is then one line
    (:class:`OutputError`, the first that could not): no earlier figure stays beside the new
    ones that could have gone. Only these fixed names are touched, never a file the program
    did not write.

    Parameters
    ----------
    folder
        The results folder.
    names
        The program's own output names there (``"coverage.xlsx"``, ...).
    """
    stuck: list[OutputError] = []
    for name in names:
        try:
            remove_output(Path(folder) / name)
        except OutputError as exc:
            stuck.append(exc)
    if stuck:
        raise stuck[0]


def probe_folder(folder: Path) -> None:
    """Create ``folder`` if missing and check that a file can be created in it.

    For caches, whose callers say in their own words what is wrong (:func:`check_writable` is
    the output folders' check).

    Parameters
    ----------
    folder
        The folder.

    Raises
    ------
    FileExistsError
        When ``folder`` is a file.
    OSError
        When it cannot be created or written to.
    """
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(errno.EEXIST, "a file, not a folder", str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=folder):
        pass


def _remove_parts(parent: Path, pattern: str) -> None:
    for part in parent.glob(pattern):
        with contextlib.suppress(OSError):  # a read-only folder must not hide the real error
            part.unlink()


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    Parameters
    ----------
    target
        The file to write.

    Raises
    ------
    OutputError
        When the folder cannot be made or written, or the disk fills up (``OSError`` raised by
        the body is translated); the temporary file and its side files are removed.
    """
    target = Path(target)
    ensure_folder(target.parent)
    if target.is_dir():
        raise OutputError(Msg("error.output.reason.folder_in_way"), target)
    try:
        clean_stale_parts(target)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part" + target.suffix, dir=target.parent
        )
        os.close(fd)
    except OSError as exc:
        raise OutputError(Msg("error.output.cannot_write", reason=_reason(exc)), target) from exc
    tmp_path = Path(tmp)
    tmp_path.unlink()  # some writers (GDAL) refuse to overwrite; let them create it
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except OutputError:
        raise  # already says which file (it is an OSError too)
    except OSError as exc:
        raise OutputError(Msg("error.output.cannot_write", reason=_reason(exc)), target) from exc
    except Exception as exc:
        # GDAL and SQLite report a full disk in their own exception types.
        if _FULL_DISK.search(str(exc)):
            full = Msg(_REASONS[errno.ENOSPC])
            raise OutputError(Msg("error.output.cannot_write", reason=full), target) from exc
        raise
    finally:
        # The file and what a writer may have put beside it (SQLite's -journal, -wal).
        _remove_parts(tmp_path.parent, glob.escape(tmp_path.name) + "*")


def clean_stale_parts(target: Path) -> None:
    """Remove temporary files left beside ``target`` by an earlier write that was killed.

    A SIGKILL or power cut leaves ``.<name>.<random>.part<suffix>`` behind (and, for a
    GeoPackage, SQLite's side files). Writing the same file from two processes at once is not
    supported (the last rename would win anyway), so any such file is stale by the time a new
    write starts.

    Parameters
    ----------
    target
        The file about to be written.
    """
    pattern = f".{glob.escape(target.name)}.*.part{glob.escape(target.suffix)}*"
    for part in target.parent.glob(pattern):
        part.unlink(missing_ok=True)


def write_with(target: str | Path, writer: Callable[[Path], Any]) -> Path:
    """Run ``writer(tmp_path)`` and move the result over ``target`` atomically.

    Parameters
    ----------
    target
        The file to write.
    writer
        Writes the whole file at the path it is given.

    Returns
    -------
    Path
        ``target``.
    """
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically; return the path.

    Parameters
    ----------
    target
        The file to write.
    text
        Its content.

    Returns
    -------
    Path
        ``target``.
    """
    return write_with(target, lambda p: p.write_text(text, encoding="utf-8"))


def write_npz(target: str | Path, arrays: dict[str, Any]) -> Path:
    """Write numpy ``arrays`` as an uncompressed ``.npz`` (no pickles) atomically.

    Parameters
    ----------
    target
        The file to write.
    arrays
        Name → array.

    Returns
    -------
    Path
        ``target``.
    """

    def save(p: Path) -> None:
        with open(p, "wb") as f:
            np.savez(f, allow_pickle=False, **arrays)

    return write_with(target, save)


def _strict_json(value: Any) -> Any:
    """``value`` with every NaN or infinite number as None (JSON has no NaN: other readers fail)."""
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _strict_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict_json(v) for v in value]
    return value


def write_json(target: str | Path, data: Any) -> Path:
    """Write ``data`` as indented UTF-8 JSON to ``target`` atomically; return the path.

    NaN and infinite numbers are written as ``null``: the file is strict JSON, which every
    reader takes (Python's own ``json`` would write ``NaN``, which JavaScript and others refuse).

    Parameters
    ----------
    target
        The file to write.
    data
        Anything :func:`json.dumps` takes.

    Returns
    -------
    Path
        ``target``.
    """
    text = json.dumps(
        _strict_json(data), ensure_ascii=False, indent=2, default=str, allow_nan=False
    )
    return write_text(target, text)


def write_csv(target: str | Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` as CSV atomically, with formula-like text neutralised.

    UTF-8 with a byte-order mark, so that Excel on Chinese Windows opens Chinese text correctly;
    text cells and column names go through :func:`~coverage.neutralize.neutralize_text`. Lines
    end in CRLF (RFC 4180): the csv module then quotes every field holding a carriage return,
    which spreadsheets would otherwise read as a row break, starting a new, unneutralised cell.

    Parameters
    ----------
    target
        The file to write.
    frame
        The table (its index is not written).

    Returns
    -------
    Path
        ``target``.
    """
    safe = neutralize_frame(frame)
    return write_with(
        target,
        lambda p: safe.to_csv(p, index=False, encoding="utf-8-sig", lineterminator="\r\n"),
    )
