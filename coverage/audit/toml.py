"""Writing the small TOML files an audit makes (each district's scenario).

District names and codes are data: every string is written as a JSON string, which is a valid
TOML basic string (quotes, backslashes and control characters escaped) once DEL, which JSON
leaves as it is and TOML forbids, is escaped too; every key that is not a bare TOML key is quoted
the same way, so no name can break or extend the file.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["dumps"]

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _key(k: str) -> str:
    return k if _BARE.fullmatch(k) else _string(k)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"not a finite number: {v}")
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{_key(str(k))} = {_value(x)}" for k, x in v.items()) + " }"
    return _value(str(v))  # paths


def _table(data: Mapping[str, Any], prefix: str, lines: list[str]) -> None:
    subtables: list[tuple[str, Any]] = []
    for k, v in data.items():
        if v is None:
            continue
        if isinstance(v, Mapping):
            subtables.append((k, v))
        elif isinstance(v, list) and v and all(isinstance(x, Mapping) for x in v):
            subtables.append((k, v))
        else:
            lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in subtables:
        name = f"{prefix}{_key(k)}"
        if isinstance(v, list):
            for item in v:
                lines += ["", f"[[{name}]]"]
                _table(item, f"{name}.", lines)
        else:
            lines += ["", f"[{name}]"]
            _table(v, f"{name}.", lines)


def dumps(data: Mapping[str, Any]) -> str:
    """``data`` (str/number/bool/list/dict values, None left out) as TOML text."""
    lines: list[str] = []
    _table(data, "", lines)
    return "\n".join(lines).strip() + "\n"
