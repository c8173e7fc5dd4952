"""The messages that stop a run are worded in the console's language.

Every error the package raises for a planner (:class:`~coverage.errors.CoverageError`
subclasses, and the ``ValueError`` of a scenario check, which pydantic turns into a scenario
error) carries a :class:`~coverage.errors.Msg` rather than English text, so that a Chinese
scenario gets Chinese errors (``str(exc)`` stays English for logs and scripts).
"""

from __future__ import annotations

import ast
from pathlib import Path

import coverage

PACKAGE = Path(coverage.__file__).resolve().parent
ERRORS = {
    "ArgumentError",
    "CoverageError",
    "ScenarioError",
    "InputError",
    "NetworkError",
    "OutputError",
    "PlanError",
}
#: Modules whose ``ValueError`` reaches the planner through pydantic (scenario and audit checks).
CHECKS = (
    "scenario/model.py",
    "scenario/sections.py",
    "scenario/layer_sections.py",
    "audit/config.py",
)


def _text(node: ast.expr) -> bool:
    """Whether ``node`` is message text written here: a string, f-string or concatenation."""
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return isinstance(node, ast.JoinedStr) or isinstance(node.value, str)
    if isinstance(node, ast.BinOp):
        return _text(node.left) or _text(node.right)
    if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("join", "format"):
        return True
    return False


def _english_raises() -> dict[str, list[int]]:
    """Lines raising a planner-facing error with text written in the code, by module."""
    found: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            name = getattr(node.exc.func, "id", getattr(node.exc.func, "attr", ""))
            checked = name in ERRORS or (name == "ValueError" and rel in CHECKS)
            if checked and node.exc.args and _text(node.exc.args[0]):
                found.setdefault(rel, []).append(node.lineno)
    return found


def test_errors_carry_catalogue_messages():
    assert _english_raises() == {}


def test_the_scan_finds_text_messages():
    tree = ast.parse('raise InputError(f"{p}: bad", p)\nraise ScenarioError("a" + b)\n')
    raises = [n for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    assert all(isinstance(r.exc, ast.Call) and _text(r.exc.args[0]) for r in raises)
    tree = ast.parse('raise InputError(Msg("error.x", v=1), p)\nraise ScenarioError(lines)\n')
    raises = [n for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    assert not any(isinstance(r.exc, ast.Call) and _text(r.exc.args[0]) for r in raises)
