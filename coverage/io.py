"""Writing results atomically: a crash or Ctrl-C mid-write never leaves a half-written file.

Each writer writes to a temporary file in the destination folder, then renames it over the
target (``os.replace`` is atomic on the same file system), so readers see the old file or the
new one, never a mix.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_parts(target)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part" + target.suffix, dir=target.parent
    )
    os.close(fd)
    tmp_path = Path(tmp)
    tmp_path.unlink()  # some writers (GDAL) refuse to overwrite; let them create it
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def clean_stale_parts(target: Path) -> None:
    """Remove temporary files left beside ``target`` by an earlier write that was killed.

    A SIGKILL or power cut leaves ``.<name>.<random>.part<suffix>`` behind. Writing the same
    file from two processes at once is not supported (the last rename would win anyway), so any
    such file is stale by the time a new write starts.
    """
    for part in target.parent.glob(f".{target.name}.*.part{target.suffix}"):
        part.unlink(missing_ok=True)


def write_with(target: str | Path, writer: Callable[[Path], Any]) -> Path:
    """Run ``writer(tmp_path)`` and move the result over ``target`` atomically."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    return write_with(target, lambda p: p.write_text(text, encoding="utf-8"))


def write_json(target: str | Path, data: Any) -> Path:
    return write_text(target, json.dumps(data, ensure_ascii=False, indent=2, default=str))


def write_csv(target: str | Path, frame: pd.DataFrame) -> Path:
    # utf-8-sig so that Excel on Chinese Windows opens Chinese text correctly.
    return write_with(target, lambda p: frame.to_csv(p, index=False, encoding="utf-8-sig"))


def write_gpkg(target: str | Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    """Write several layers into one GeoPackage, atomically as a whole."""

    def write(p: Path) -> None:
        for name, gdf in layers.items():
            # GeoPackage reserves "fid" for its own row key; keep ours under a plain name.
            gdf = gdf.rename(columns={"fid": "facility_id"})
            for col in gdf.columns:
                if col != gdf.geometry.name and gdf[col].map(lambda v: isinstance(v, list)).any():
                    gdf[col] = gdf[col].map(
                        lambda v: ";".join(map(str, v)) if isinstance(v, list) else v
                    )
            gdf.to_file(p, layer=name, driver="GPKG")

    return write_with(target, write)
