"""Checks of a scenario beyond its schema.

Where it may write, and how a key is located in the TOML text for one-line messages (values
that are valid but unusual: :mod:`coverage.scenario.unusual`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from coverage.errors import Msg

__all__ = ["WRITE_KEYS", "confined", "error_msg", "line_of", "location"]

#: Scenario keys that name a place to write, with the section and field holding each, and what
#: to do instead when the file's value is refused (a catalogue key).
WRITE_KEYS: dict[str, tuple[str, str, str]] = {
    "[output] dir": ("output", "dir", "error.scenario.instead.out"),
    "[output] map": ("output", "map", "error.scenario.instead.map"),
    "[output] print_map": ("output", "print_map", "error.scenario.instead.print"),
    "[network] cache_dir": ("network", "cache_dir", "error.scenario.instead.cache"),
}


def confined(path: Path, folders: list[Path]) -> bool:
    """Whether ``path``, resolved (``..`` and symlinks followed), lies inside one of ``folders``."""
    real = path.resolve()
    return any(real.is_relative_to(folder.resolve()) for folder in folders)


def location(text: str, loc: tuple[Any, ...]) -> str:
    """Dotted field path such as ``facilities[0].crs`` from a pydantic error location."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


#: A TOML key: bare, or quoted (``"服务中心"``); dotted keys are split on the dots between them.
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
_HEADER_LINE = re.compile(rf"^[ \t]*(\[\[?)[ \t]*({_DOTTED})[ \t]*\]")
_KEY_LINE = re.compile(rf"^[ \t]*({_DOTTED})[ \t]*=")


def _split_key(dotted: str) -> tuple[str, ...]:
    """``walk . "tier_threshold_min"`` → ``("walk", "tier_threshold_min")``."""
    parts = re.findall(_KEY_PART, dotted)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def _in_arrays(
    parts: tuple[str, ...], counts: dict[tuple[str | int, ...], int]
) -> tuple[str | int, ...]:
    """A header's path with the element of each array of tables it is under (TOML: the last).

    ``[facilities.columns]`` after a second ``[[facilities]]`` is ``("facilities", 1, "columns")``.
    """
    out: tuple[str | int, ...] = ()
    for part in parts:
        out = (*out, part)
        if out in counts:
            out = (*out, counts[out])
    return out


def _key_lines(text: str) -> list[tuple[tuple[str | int, ...], int]]:
    """Every table header and key of a TOML text as (full path, line number), in file order.

    The path is what pydantic reports as an error location: ``[[facilities]]`` is
    ``("facilities", 0)`` the first time, ``("facilities", 1)`` the second, so a key under it
    reads ``("facilities", 1, "crs")``. Best effort: a line inside a multi-line string that
    looks like a key is taken as one.
    """
    out: list[tuple[tuple[str | int, ...], int]] = []
    table: tuple[str | int, ...] = ()
    counts: dict[tuple[str | int, ...], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER_LINE.match(line)
        if header is not None:
            parts = _split_key(header.group(2))
            if header.group(1) == "[[":
                base = (*_in_arrays(parts[:-1], counts), parts[-1])
                counts[base] = counts.get(base, -1) + 1
                table = (*base, counts[base])
            else:
                table = _in_arrays(parts, counts)
            out.append((table, number))
            continue
        key = _KEY_LINE.match(line)
        if key is not None:
            out.append(((*table, *_split_key(key.group(1))), number))
    return out


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Line number of the key at ``loc`` (a pydantic error location) in the TOML text.

    The key is looked up under its own table (``("facilities", 1, "crs")`` is the ``crs`` of
    the second ``[[facilities]]``, not the first ``crs =`` of the file); when the innermost
    part is not in the file (a value inside an inline table, a default that failed a check),
    the line of the nearest enclosing key or table is given. None when none is found.
    """
    entries = _key_lines(text)
    path = tuple(p for p in loc if isinstance(p, str | int) and not isinstance(p, bool))
    for n in range(len(path), 0, -1):
        head = path[:n]
        exact = [line for key, line in entries if key == head]
        if exact:
            return exact[0]
        # A table known only through its sub-tables ([walk.tier_threshold_min] without [walk]).
        inner = [line for key, line in entries if key[:n] == head]
        if inner:
            return inner[0]
    return None


def error_msg(err: Any) -> Msg:
    """The message of one pydantic error (an item of ``ValidationError.errors()``).

    A check of ours raises ``ValueError(Msg(...))``: that message. pydantic's common checks
    (missing, unknown key, wrong type, out of range, not one of…) are worded from the catalogue
    by their type; only a rare one keeps pydantic's English text.
    """
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Msg):
        return cause.args[0]
    return _pydantic_msg(err) or Msg("error.text", text=err["msg"].removeprefix("Value error, "))


#: pydantic's error types worded from the catalogue (``error.value.<type>``), with the fields of
#: their context; others keep pydantic's English message.
_PYDANTIC_TYPES = {
    "missing": (),
    "extra_forbidden": (),
    "finite_number": ("input",),
    "int_type": ("input",),
    "int_parsing": ("input",),
    "int_from_float": ("input",),
    "float_type": ("input",),
    "float_parsing": ("input",),
    "string_type": ("input",),
    "bool_type": ("input",),
    "bool_parsing": ("input",),
    "list_type": ("input",),
    "dict_type": ("input",),
    "tuple_type": ("input",),
    "model_type": ("input",),
    "literal_error": ("input", "expected"),
    "enum": ("input", "expected"),
    "greater_than": ("input", "gt"),
    "greater_than_equal": ("input", "ge"),
    "less_than": ("input", "lt"),
    "less_than_equal": ("input", "le"),
    "too_short": ("input", "min_length"),
    "too_long": ("input", "max_length"),
}


def _pydantic_msg(err: Any) -> Msg | None:
    """pydantic's message for ``err`` from the catalogue, or None for a type it does not hold."""
    names = _PYDANTIC_TYPES.get(err["type"])
    if names is None:
        return None
    ctx = err.get("ctx") or {}
    values = {n: ctx[n] if n in ctx else err.get(n, "") for n in names}
    if "input" in values:
        values["input"] = _shown(values["input"])
    for limit in ("gt", "ge", "lt", "le"):  # 0.0 -> 0, as the planner would write it
        if isinstance(values.get(limit), float):
            values[limit] = f"{values[limit]:g}"
    if "expected" in values:  # pydantic's "'a', 'b' or 'c'"
        said = str(values["expected"])
        values["expected"] = {"en": said, "zh": said.replace(" or ", "、").replace(", ", "、")}
    return Msg(f"error.value.{err['type']}", **values)


def _shown(value: object) -> str:
    """A value as the planner wrote it in TOML, short: strings quoted, tables and lists cut."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
