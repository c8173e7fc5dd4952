r"""Errors that name where bad input is, so a planner can fix the file.

Each problem is one line (:meth:`CoverageError.text`): text from the planner's files and paths
goes through :func:`printable`, so a line break, a terminal escape or a bidirectional override
in a name is shown as an escape (``\n``, ``\x1b``, ``\u202e``), never acted on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

__all__ = [
    "printable",
    "Msg",
    "CoverageError",
    "MissingDependency",
    "ScenarioError",
    "ArgumentError",
    "InputError",
    "NetworkError",
    "OutputError",
    "PlanError",
    "Problem",
    "FIRST_ROWS",
    "first_rows",
    "reason_line",
]


#: What a terminal would act on or a line would break at: C0 and C1 control characters (a tab
#: aside), line and paragraph separators, the bidirectional controls that reorder what follows
#: them, and lone surrogates (which no encoding can write).
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escaped(match: re.Match[str]) -> str:
    c = match.group(0)
    code = ord(c)
    return _NAMED.get(c) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    r"""``text`` as one line that prints as written: nothing in it acts on a terminal.

    Control characters (a tab aside), line breaks, line and paragraph separators, bidirectional
    controls (U+202E reverses what follows) and lone surrogates become Python-style escapes:
    ``"a\nb\x1b[31m"`` prints as ``a\nb\x1b[31m``. Other text, backslashes included, is
    unchanged.
    """
    return _UNPRINTABLE.sub(_escaped, text)


class CoverageError(Exception):
    """Base class for errors raised by coverage.

    The message is plain text, a :class:`Msg` (worded in the console's language by
    :meth:`text`; ``str(exc)`` is English) or a sequence of them, one line each: the planner's
    text in a line is :func:`printable`, so a line break in a name does not start another.

    Parameters
    ----------
    message
        What is wrong: text, a :class:`Msg`, or one per line.
    *args
        Further arguments, kept on the exception as :class:`Exception` keeps them.
    """

    def __init__(self, message: str | Msg | Sequence[str | Msg] = "", *args: object) -> None:
        self.lines: tuple[str | Msg, ...] = (
            (message,) if isinstance(message, str | Msg) else tuple(message)
        )
        super().__init__(self.text("en"), *args)

    def _what(self, lang: str) -> str:
        return "\n".join(printable(m.text(lang) if isinstance(m, Msg) else m) for m in self.lines)

    def _where(self, lang: str) -> str:
        """The place the message is about, with its separator (``"file: "``), or ``""``."""
        return ""

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``), one line per problem.

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``.
        """
        return printable(self._where(lang)) + self._what(lang)

    @property
    def key(self) -> str | None:
        """The catalogue key of the (first) message, for code that tells errors apart."""
        first = self.lines[0] if self.lines else None
        return first.key if isinstance(first, Msg) else None


class MissingDependency(CoverageError, ImportError):
    """A library a feature needs is not installed.

    Also an ``ImportError``, for code that catches failed imports as such.

    Parameters
    ----------
    message
        Which library is missing, for what, and how to install it.
    *args
        As for :class:`CoverageError`.
    """


class ScenarioError(CoverageError):
    """A scenario file is missing, unreadable or invalid.

    Parameters
    ----------
    message
        What is wrong: text, a :class:`Msg`, or one per line.
    path
        The scenario (or audit) file, shown before the message when given.
    """

    def __init__(
        self, message: str | Msg | Sequence[str | Msg], path: str | Path | None = None
    ) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(message)

    def _where(self, lang: str) -> str:
        return _file(self.path, lang)


class ArgumentError(ScenarioError, ValueError):
    """A setting given to a function or command does not fit the scenario (``tier='pont'``).

    Named as the caller wrote it: the Python parameter (``add=0``) or the command-line option
    (``--add 0``). Also a ``ValueError``, what Python code expects of a bad argument value.

    Parameters
    ----------
    message
        What is wrong, naming the setting as the caller wrote it.
    path
        The scenario file, shown before the message when given.
    """


class InputError(CoverageError):
    """A data file has a problem; names the file, and the row and field where known.

    Parameters
    ----------
    message
        What is wrong: text, a :class:`Msg`, or one per line.
    path
        The file.
    row
        1-based data row number as the planner sees it (header excluded), if known.
    field
        Column name, if known: the planner's own as written, or a :class:`Msg` for the
        program's words (``geometry``).
    """

    def __init__(
        self,
        message: str | Msg | Sequence[str | Msg],
        path: str | Path | None = None,
        row: int | None = None,
        field: str | Msg | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.row = row
        self.field = field
        super().__init__(message)
        self.reason = self._what("en")

    def _where(self, lang: str) -> str:
        from coverage.i18n import t

        where = [self.path] if self.path else []
        if self.row is not None:
            where.append(t(lang, "error.where.row", row=self.row))
        if self.field is not None:
            where.append(t(lang, "error.where.field", field=_worded(self.field, lang)))
        return t(lang, "error.where.sep").join(where) + t(lang, "error.where.end") if where else ""


class NetworkError(CoverageError):
    """The street network cannot be loaded or is unusable.

    Parameters
    ----------
    message
        What is wrong, naming the file or the place.
    *args
        As for :class:`CoverageError`.
    """


class OutputError(CoverageError, OSError):
    """A result cannot be written: the folder is a file, read-only, or the disk is full.

    Also an ``OSError``, so code that catches failed writes as such keeps working.

    Parameters
    ----------
    message
        What is wrong.
    path
        The file or folder that could not be written.
    """

    def __init__(self, message: str | Msg, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(message)
        self.reason = self._what("en")

    def _where(self, lang: str) -> str:
        return _file(self.path, lang)


class PlanError(CoverageError, ValueError):
    """A plan cannot be made as asked, e.g. a target share no set of sites reaches.

    Also a ``ValueError``: the siting models raised one before, and scripts may catch it.

    Parameters
    ----------
    message
        What is wrong and what to ask for instead.
    **figures
        The numbers behind the message, as attributes (``target``, ``max_share``), for scripts.
    """

    def __init__(self, message: str | Msg, **figures: float) -> None:
        super().__init__(message)
        for name, value in figures.items():
            setattr(self, name, value)


class Msg:
    """A message in no language yet: a catalogue key and its fields, worded at output time.

    ``Msg("problem.missing_weight")`` or ``Msg("problem.bad_weight", v=-3)``; a field may itself
    be a :class:`Msg` (worded in the same language) or a dict of texts by language
    (``{"zh": "服务中心、服务站点", "en": "centre, point"}``), and ``a + b`` words ``a`` then ``b`` (a
    clause such as ``"; value left empty"`` appended to a message); ``a + ""`` is ``a``, so an
    optional clause may be ``""`` when it has nothing to say.

    Parameters
    ----------
    key
        A key of the catalogues in :mod:`coverage.i18n` (``"problem.*"``).
    **fields
        Values of the text's ``{...}`` fields: the planner's own text (names, values) as is.
    """

    __slots__ = ("key", "fields", "then")

    def __init__(self, key: str, /, **fields: object) -> None:
        self.key = key
        self.fields: Mapping[str, object] = dict(fields)  # a dict: pickled to dask workers
        self.then: tuple[Msg, ...] = ()

    def __add__(self, other: Msg | Literal[""]) -> Msg:
        if not isinstance(other, Msg):  # "": an optional clause that has nothing to say
            return self
        out = Msg(self.key, **self.fields)
        out.then = (*self.then, other)
        return out

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``)."""
        from coverage.i18n import t  # the catalogues import nothing from here; kept lazy anyway

        values = {k: _worded(v, lang) for k, v in self.fields.items()}
        return t(lang, self.key, **values) + "".join(m.text(lang) for m in self.then)

    def __str__(self) -> str:
        return self.text("en")

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, {dict(self.fields)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Msg):
            return NotImplemented
        return (self.key, dict(self.fields), self.then) == (
            other.key,
            dict(other.fields),
            other.then,
        )

    def __hash__(self) -> int:
        return hash((self.key, self.then))


#: How many row numbers a message lists before "… (n rows)".
FIRST_ROWS = 5


def first_rows(rows: Iterable[object], *, count: bool = True) -> str | Msg:
    """The first :data:`FIRST_ROWS` rows, then ``" … (n rows)"`` when there are more.

    ``"3, 5"``, or ``"1, 2, 3, 4, 5 … (7 rows)"`` (a :class:`Msg`, worded in the message's
    language; ``str()`` is English). ``count=False`` leaves the count out, for a message that
    says it already (``"7 rows are …"``).

    Parameters
    ----------
    rows
        The row numbers or labels, in the order shown.
    count
        Whether to say how many rows there are in all when some are not shown.

    Returns
    -------
    str or Msg
        The list.
    """
    rows = list(rows)
    shown = ", ".join(map(str, rows[:FIRST_ROWS]))
    if len(rows) <= FIRST_ROWS:
        return shown
    more = Msg("error.rows.more", shown=shown)
    return more + Msg("error.rows.count", n=len(rows)) if count else more


def _file(path: str | None, lang: str) -> str:
    """``"path: "`` in ``lang`` (a full-width colon in Chinese), or ``""`` without a path."""
    from coverage.i18n import t

    return f"{path}{t(lang, 'error.where.end')}" if path else ""


def _worded(value: object, lang: str) -> object:
    """A field's value in ``lang``: a :class:`Msg` worded, a dict of texts by language picked."""
    if isinstance(value, Msg):
        return value.text(lang)
    if isinstance(value, dict):
        return value[lang]
    return value


class Problem:
    """One problem found in an input row: where, what, and what the run did about it.

    ``message`` is a :class:`Msg` worded in the scenario's language when written
    (:meth:`text`), or plain text shown as is; :attr:`message` reads it in English. ``field`` is
    the planner's column name as written, or a :class:`Msg` for the program's words
    (``geometry``, ``band 1``), worded by :meth:`field_text`.

    Parameters
    ----------
    path
        The input file.
    row
        1-based data row as the planner sees it, or None for the whole layer.
    field
        The column, or None.
    message
        What is wrong.
    action
        What the run did: ``"skipped"`` (the row is not used), ``"kept"`` (a warning only) or
        ``"failed"``.
    """

    __slots__ = ("path", "row", "field", "msg", "action")

    def __init__(
        self,
        path: str | Path,
        row: int | None,
        field: str | Msg | None,
        message: str | Msg,
        action: str = "skipped",
    ) -> None:
        self.path = str(path)
        self.row = row
        self.field = field
        self.msg = message
        self.action = action  # "skipped" (row not used), "kept" (warning only) or "failed"

    @property
    def message(self) -> str:
        """What is wrong, in English."""
        return self.text("en")

    def text(self, lang: str) -> str:
        """What is wrong, in ``lang`` (plain-text messages as written).

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``.
        """
        return self.msg.text(lang) if isinstance(self.msg, Msg) else self.msg

    def field_text(self, lang: str = "en") -> str | None:
        """The field in ``lang``: a column name as written, the program's words translated.

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``.
        """
        return None if self.field is None else str(_worded(self.field, lang))

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        """The problem as a row of ``problems.csv``: file, row, field, problem, action.

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``. The words of the field, problem and action.
        """
        return {
            "file": self.path,
            "row": self.row,
            "field": self.field_text(lang),
            "problem": self.text(lang),
            "action": self.action,
        }

    def to_error(self) -> InputError:
        """The problem as an :class:`InputError` (raised when it cannot be skipped)."""
        return InputError(self.msg, self.path, self.row, self.field)

    def __repr__(self) -> str:
        return f"Problem({self.to_error()} [{self.action}])"


def reason_line(exc: BaseException, *, typed: bool = True) -> str:
    r"""A library's error on one short line, for a message's reason.

    Parsers, GDAL and HTTP libraries write several lines; the reason is their text on one line,
    at most 200 characters (cut with "…").

    Parameters
    ----------
    exc
        The library's exception.
    typed
        Lead with the exception's type (``"ConnectionError: …"``; ``"…: no details"`` when it
        has no text); otherwise the text alone, or the type's name when it has none.

    Returns
    -------
    str
        One line.

    Examples
    --------
    >>> reason_line(ValueError("bad\n  value"))
    'ValueError: bad value'
    >>> reason_line(KeyError(), typed=False)
    'KeyError'
    """
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:199] + "…"
    if not typed:
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text or 'no details'}"
