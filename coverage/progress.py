r"""What the command line shows while it works: a spinner per step, one-line errors, log lines.

The pipeline reports progress as plain messages (``"reading layers"``, ``"catchments 120/570"``);
:func:`step` turns them into a rich spinner with the elapsed time and a bar, in the console's
language, and turns a :class:`~coverage.errors.CoverageError` into one line per problem.

Text from input (file and layer names, paths, messages quoting cells) reaches rich only through
:func:`shown`: its markup is shown, not applied, and a terminal escape or line break in it is
printed as an escape (``\x1b``), never sent to the terminal.
"""

from __future__ import annotations

import contextlib
import logging
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from coverage.errors import CoverageError, Msg, printable
from coverage.i18n import LANGS, t

__all__ = [
    "Step",
    "prefix",
    "err",
    "shown",
    "log_handler",
    "step",
]

# Progress lines say when (log_time) but not where in the code (log_path): they are for users.
err = Console(stderr=True, log_path=False)
_COUNT = re.compile(r"(\d+)/(\d+)$")
#: The steps under way, innermost last: log lines speak the language of the innermost one.
_STEPS: list[Step] = []


def shown(text: object) -> str:
    """Input text as rich markup that prints it as written, on one line.

    ``[bold]`` in it is escaped (shown, not applied), and what a terminal would act on (an ANSI
    escape, a line break, a bidirectional override) is shown as an escape
    (:func:`coverage.errors.printable`).
    """
    return escape(printable(str(text)))


class Step:
    """What a command's spinner says: the progress callback, and the language it speaks.

    ``lang`` is ``--lang``, else the scenario file's ``lang`` once it is read (before that, a
    quick look at the file), else Chinese like a scenario without ``lang``.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._last = ""
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, msg: str) -> None:
        """Show a pipeline message: a new step is logged once, ``d/n`` at its end moves the bar."""
        count = _COUNT.search(msg)
        text = msg[: count.start()].strip() if count else msg
        text = text or self._last  # a bare count belongs to the step before it
        if self._bar is None or self._task is None:
            return
        if text != self._last:  # a new step: log it once; the clock shows this step's time
            # Messages name files and layers: rich markup in them is shown, not applied.
            err.log(shown(text))
            self._bar.reset(self._task, description=shown(text), total=None)
        if count:  # "120/570": move the bar
            self._bar.update(self._task, completed=int(count.group(1)), total=int(count.group(2)))
        self._last = text


def _peek_lang(path: Path | None, lang: str | None) -> str:
    """The console's language before the scenario is loaded: ``--lang``, the file's, or zh."""
    if lang is not None and lang in LANGS:
        return lang
    try:
        found = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("lang") if path else None
    except (OSError, UnicodeError, tomllib.TOMLDecodeError):
        found = None
    return found if found in LANGS else "zh"


@contextlib.contextmanager
def step(
    title: str,
    scenario: Path | None = None,
    lang: str | None = None,
    interrupted: str = "console.interrupted_note",
) -> Iterator[Step]:
    """A spinner with the elapsed time whose text follows the pipeline's progress messages.

    Errors become one line each and exit 1, in the console's language (:class:`Step`); Ctrl-C
    exits 130 with the note of catalogue key ``interrupted`` (what is left of the results).
    """
    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    step = Step(_peek_lang(scenario, lang))
    _STEPS.append(step)
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            step._bar, step._task = bar, bar.add_task(title, total=None)
            yield step
    except CoverageError as exc:
        head = prefix(step.lang, "console.error")
        for line in exc.text(step.lang).splitlines() or [type(exc).__name__]:
            # escape: messages quote user text and keys such as "[output] dir", not markup
            err.print(
                f"[bold red]{head}[/]{shown(line)}",
                highlight=False,
                soft_wrap=True,
            )
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        note = t(step.lang, interrupted)
        err.print(f"[bold red]{t(step.lang, 'console.interrupted')}[/]: {note}")
        raise typer.Exit(130) from None
    finally:
        _STEPS.remove(step)


#: Catalogue keys of the log levels' prefixes (other levels: the level's name).
_LEVEL_WORDS = {"WARNING": "console.warning", "ERROR": "console.error", "CRITICAL": "console.error"}


class _LogFormat(logging.Formatter):
    """``warning: message``, like the CLI's own warnings: no logger name, file or line.

    During a :func:`step` the prefix, and a message logged as a :class:`~coverage.errors.Msg`,
    are in the step's language (``警告：`` in Chinese); outside any step, English.
    """

    def format(self, record: logging.LogRecord) -> str:
        lang = _STEPS[-1].lang if _STEPS else "en"
        key = _LEVEL_WORDS.get(record.levelname)
        head = prefix(lang, key) if key is not None and _STEPS else f"{record.levelname.lower()}: "
        text = record.msg.text(lang) if isinstance(record.msg, Msg) else record.getMessage()
        return f"{head}{printable(text)}"  # a plain stream: escapes in names are shown, not sent


def prefix(lang: str, key: str) -> str:
    """A console line's prefix ``key`` in ``lang`` and what follows it.

    ``"error: "``, ``"错误："``: no space after a full-width colon.
    """
    head = t(lang, key)
    return head if head.endswith("：") else head + " "


def log_handler(stream: TextIO | None = None) -> logging.Handler:
    """The handler `main` logs through: one plain line per record on stderr."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_LogFormat())
    return handler
