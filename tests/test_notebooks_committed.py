"""The notebooks as committed: run top to bottom with their outputs, small, and readable.

A code host shows a notebook as it is stored, so the stored outputs are what readers see: every
code cell run in order, no local paths, no warnings, no program keys in the tables (tier codes,
demand kinds, candidate roles, solver statuses… have labels), and a size a browser opens quickly
(maps go to files, not inline). nbmake runs the same notebooks as tests; this checks the copy
in the repository.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from coverage import vocab
from coverage.i18n import catalogue
from coverage.table_words import VALUES

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))

#: Largest committed notebook, in bytes.
MAX_BYTES = 1_000_000

#: Local folders that must not leak into outputs.
LOCAL_PATH = re.compile(r"(/work/|/home/|/Users/|/tmp/|/root/|[A-Za-z]:\\\\Users)")

#: A column name or dictionary key as the code spells it: ``share_any``, ``kind_share:workers``.
SNAKE_KEY = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)+|[a-z_]+:[a-z_]+")


def _program_values() -> set[str]:
    """Tier codes, demand kinds and the keys of columns shown as words (roles, statuses…).

    Scopes are left out: they are English words (``tier``, ``service``) a header may use.
    """
    keys = set(vocab.TIER_CODES) | set(vocab.KIND_LABELS)
    columns = set(VALUES) - {"scope"}
    for key in catalogue("en"):
        parts = key.split(".")
        if len(parts) == 4 and parts[:2] == ["excel", "value"] and parts[2] in columns:
            keys.add(parts[3])
    return keys


PROGRAM_VALUES = _program_values()


class _Cells(HTMLParser):
    """The text of every header and data cell of the HTML tables in an output."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("th", "td"):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._text is not None:
            self.cells.append("".join(self._text).strip())
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def table_cells(html: str) -> list[str]:
    parser = _Cells()
    parser.feed(html)
    return parser.cells


def raw_keys(cells: list[str]) -> list[str]:
    """The cells that show a program key instead of a label."""
    return [c for c in cells if c in PROGRAM_VALUES or SNAKE_KEY.fullmatch(c)]


def _code_cells(path: Path) -> list[dict[str, Any]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_the_checks_catch_raw_keys() -> None:
    # A table as pandas renders it, with a tier code, a role, a status and a column name.
    html = (
        "<table><thead><tr><th></th><th>covered_share</th><th>Share</th></tr></thead>"
        "<tbody><tr><th>outdoor_station</th><td>0.5</td><td>candidate</td></tr>"
        "<tr><th>Service point</th><td>optimal</td><td>kind_share:workers</td></tr>"
        "</tbody></table>"
    )
    assert table_cells(html)[:3] == ["", "covered_share", "Share"]
    found = raw_keys(table_cells(html))
    assert found == [
        "covered_share",
        "outdoor_station",
        "candidate",
        "optimal",
        "kind_share:workers",
    ]
    assert not raw_keys(["Service point", "Outdoor workers' station", "Residents (at home)", "k"])
    assert LOCAL_PATH.search('"text": "source: /work/wt-x/data/wuhan/streets.parquet"')
    assert not LOCAL_PATH.search('"text": "source: data/wuhan/streets.parquet"')


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_with_outputs_in_order(path: Path) -> None:
    cells = _code_cells(path)
    counts = [c.get("execution_count") for c in cells]
    assert None not in counts, f"{path.name}: run it top to bottom and commit it with outputs"
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: not run top to bottom"
    assert sum(len(c["outputs"]) for c in cells) >= len(cells) // 2, f"{path.name}: no outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_small(path: Path) -> None:
    size = path.stat().st_size
    assert size <= MAX_BYTES, f"{path.name}: {size:,} bytes (limit {MAX_BYTES:,}); maps inline?"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_local_paths(path: Path) -> None:
    found = LOCAL_PATH.search(path.read_text(encoding="utf-8"))
    assert found is None, f"{path.name}: a local path in the notebook: {found and found.group()}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_warnings_in_outputs(path: Path) -> None:
    for i, cell in enumerate(_code_cells(path)):
        for out in cell["outputs"]:
            assert out.get("name") != "stderr", f"{path.name}, code cell {i + 1}: {out['text']}"
            assert out["output_type"] != "error", f"{path.name}, code cell {i + 1}: an error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_tables_show_labels_not_program_keys(path: Path) -> None:
    tables = 0
    for i, cell in enumerate(_code_cells(path)):
        for out in cell["outputs"]:
            html = "".join(out.get("data", {}).get("text/html", []))
            if "<table" not in html:
                continue
            tables += 1
            found = raw_keys(table_cells(html))
            assert not found, f"{path.name}, code cell {i + 1}: program keys {found}"
    assert tables >= 5, f"{path.name}: only {tables} tables in the outputs"
