"""Scenario files: one TOML file that names the area, the network, the layers and the walking model.

Input paths are relative to the scenario file (so a scenario folder can be moved as a whole);
output paths are relative to the working directory (so results land where the planner runs the
command). Unknown keys are errors: a typo such as ``treshold_min`` must not silently fall back to
a default. Numbers must be finite (TOML allows ``inf`` and ``nan``; they are errors here), and
valid but unusual values — a unit slip or an extra zero — are kept with a warning
(:data:`USUAL_RANGES`, :attr:`Scenario.warnings`).

A scenario may come from someone else, so the places it names to write (``[output] dir``,
``map``, ``print_map`` and ``[network] cache_dir``) must lie, once resolved (``..`` and symlinks
followed), inside the scenario's folder or the working directory; anything else is refused
unless the caller sets the path itself (``--out``/``--map`` on the command line, or
:meth:`Scenario.set_output`).

Example::

    name = "wuhan"
    title = "武汉市江汉区职工服务阵地 15 分钟步行覆盖"

    [area]
    path = "area.geojson"
    subdistricts = "subdistricts.geojson"

    [network]
    path = "streets.parquet"        # or place = "江北区, 重庆市, 中国"

    [walk]
    threshold_min = 15
    [walk.tier_threshold_min]
    outdoor_station = 10        # a tier code, or any name of a tier ("驿站" = 10)

    [types.nursing_room]        # a further facility type, usable as a tier value
    label_zh = "爱心妈咪小屋"
    label_en = "Nursing room"
    aliases = ["妈咪小屋"]
    threshold_min = 10

    [[facilities]]
    path = "facilities.xlsx"
    crs = "gcj02"

    [[demand]]
    path = "demand.csv"
    weight = "workers"

    [output]
    dir = "results/wuhan"
    map = "maps/wuhan.html"
"""

from coverage.scenario.checks import WRITE_KEYS
from coverage.scenario.layer_sections import FacilityType, Layer
from coverage.scenario.load import load_scenario
from coverage.scenario.model import Scenario
from coverage.scenario.sections import Area, Network, Output, Plan, Walk
from coverage.scenario.specs import CatchmentSpec, WalkModel
from coverage.scenario.unusual import USUAL_RANGES

__all__ = [
    "Area",
    "CatchmentSpec",
    "FacilityType",
    "Layer",
    "Network",
    "Output",
    "Plan",
    "Scenario",
    "USUAL_RANGES",
    "WRITE_KEYS",
    "Walk",
    "WalkModel",
    "load_scenario",
]
