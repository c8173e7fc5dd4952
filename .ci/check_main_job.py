"""Check what the README's main job wrote (run from the repository root after it)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pandas as pd
import pyogrio

from coverage.i18n import t
from coverage.table_words import cell_word, header, sheet_name

# The tables speak the sample's language ([output] columns = "labels", the default).
lang = tomllib.loads(Path("data/wuhan/scenario.toml").read_text(encoding="utf-8")).get("lang", "zh")

results = Path("results/wuhan")
problems = []
page = Path("maps/wuhan.html")
if not page.is_file() or "var coverageMeta=" not in page.read_text(encoding="utf-8"):
    problems.append(f"{page}: missing, or not a coverage map")
gpkg = results / "coverage.gpkg"
layers = {name for name, _ in pyogrio.list_layers(gpkg)} if gpkg.is_file() else set()
for name in (sheet_name("facilities", lang), sheet_name("demand", lang)):
    if name not in layers:
        problems.append(f"{gpkg}: no layer {name!r} (has {sorted(layers)})")
for name in ("summary.csv", "facilities.csv", "demand.csv", "problems.csv", "run.json"):
    if not (results / name).is_file():
        problems.append(f"{results / name}: missing")
if (results / "summary.csv").is_file():
    summary = pd.read_csv(results / "summary.csv", encoding="utf-8-sig")
    scope, key = summary[header("scope", lang)], summary[header("key", lang)]
    whole = (scope == cell_word("scope", "overall", lang)) & (key == t(lang, "excel.value.key.all"))
    overall = summary[whole]
    share, weight = header("share", lang), header("weight", lang)
    if len(overall) != 1 or not 0 < float(overall[share].iloc[0]) <= 1:
        problems.append(f"{results / 'summary.csv'}: no overall coverage share in (0, 1]")
    elif float(overall[weight].iloc[0]) < 100_000:
        problems.append(f"{results / 'summary.csv'}: only {overall[weight].iloc[0]:.0f} people")
for line in problems:
    print(f"main job: {line}", file=sys.stderr)
print("main job on a fresh copy without ../shared: " + ("FAILED" if problems else "ok"))
sys.exit(1 if problems else 0)
