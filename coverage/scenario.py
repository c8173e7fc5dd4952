"""Scenario files: one TOML file that names the area, the network, the layers and the walking model.

Input paths are relative to the scenario file (so a scenario folder can be moved as a whole);
output paths are relative to the working directory (so results land where the planner runs the
command). Unknown keys are errors: a typo such as ``treshold_min`` must not silently fall back to
a default. Numbers must be finite (TOML allows ``inf`` and ``nan``; they are errors here), and
valid but unusual values — a unit slip or an extra zero — are kept with a warning
(:data:`USUAL_RANGES`, :attr:`Scenario.warnings`).

Example::

    name = "wuhan"
    title = "武汉市江汉区职工服务阵地 15 分钟步行覆盖"

    [area]
    path = "area.geojson"
    subdistricts = "subdistricts.geojson"

    [network]
    path = "../../../shared/data/wuhan_streets_osm.parquet"   # or place = "江北区, 重庆市, 中国"

    [walk]
    threshold_min = 15
    [walk.tier_threshold_min]
    outdoor_station = 10

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

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from coverage import settings
from coverage.errors import ScenarioError

__all__ = ["Scenario", "load_scenario"]

Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]


class _Section(BaseModel):
    # allow_inf_nan: TOML's inf/nan would pass gt=0 checks and crash far away (GEOS, Dijkstra).
    model_config = ConfigDict(extra="forbid", frozen=False, allow_inf_nan=False)


class Area(_Section):
    """Study area and optional sub-district polygons (any CRS the file declares)."""

    path: Path | None = None
    subdistricts: Path | None = None
    name_field: str = "name"
    layer: str | None = None


class Network(_Section):
    """Where the walking network comes from: exactly one of path, place, bbox or area polygon."""

    path: Path | None = None
    place: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    polygon: bool = False  # download for the [area] polygon
    cache_dir: Path = Path(settings.cache_folder)
    margin_m: NonNegative | None = None  # clip margin around the area; default: the walk limit
    component: Literal["strong", "weak"] = "strong"

    @model_validator(mode="after")
    def _one_source(self) -> Network:
        given = [k for k in ("path", "place", "bbox") if getattr(self, k) is not None] + (
            ["polygon"] if self.polygon else []
        )
        if len(given) != 1:
            raise ValueError(
                "give exactly one network source: path, place, bbox or polygon = true"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.bbox is not None:
            w, s, e, n = self.bbox
            if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
                raise ValueError("bbox must be [west, south, east, north] in degrees")
        return self


class Walk(_Section):
    """The walking model."""

    speed_kmh: Positive = settings.walk_speed_kmh
    threshold_min: Positive = settings.threshold_min
    tier_threshold_min: dict[str, Positive] = Field(default_factory=dict)
    bands_min: list[Positive] = Field(default_factory=lambda: list(settings.bands_min))
    steps_penalty: Annotated[float, Field(ge=1)] = settings.steps_penalty
    max_snap_m: Positive = settings.max_snap_m
    walk_off_m: Positive = settings.walk_off_m
    # how catchment outlines are drawn: "grid" (fast, within about a cell) or "exact" (buffers)
    catchment_method: Literal["grid", "exact"] = "grid"
    catchment_cell_m: Positive | None = None  # grid spacing; default 0.4 × walk_off_m
    include_access: bool = True
    circle_radius_m: Positive = settings.circle_radius_m

    @field_validator("bands_min")
    @classmethod
    def _sorted(cls, v: list[float]) -> list[float]:
        return sorted(set(v))

    @model_validator(mode="after")
    def _cell_fits(self) -> Walk:
        if self.catchment_cell_m is not None and self.catchment_cell_m > self.walk_off_m / 2:
            raise ValueError(
                f"catchment_cell_m ({self.catchment_cell_m}) must be at most half of walk_off_m"
                f" ({self.walk_off_m})"
            )
        return self

    def threshold_for(self, tier: str) -> float:
        """Threshold (minutes) for a tier; the general threshold when none is set."""
        return float(self.tier_threshold_min.get(tier, self.threshold_min))

    @property
    def max_threshold_min(self) -> float:
        return max([self.threshold_min, *self.tier_threshold_min.values(), *self.bands_min])


class Layer(_Section):
    """A point layer: file, coordinate system and column mapping."""

    path: Path
    crs: str | int = "wgs84"
    layer: str | None = None  # GeoPackage layer or workbook sheet
    encoding: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    tier: str | None = None  # default tier for rows without one
    type: str | None = None  # default facility type
    weight: str | None = None  # demand: the weight column
    kind: str | None = None  # demand: what the weight counts (workers, residents)
    role: Literal["candidate", "existing", "excluded"] | None = None  # candidates: default role


class Plan(_Section):
    """Defaults for ``coverage plan``."""

    tier: str = "point"
    add: Annotated[int, Field(ge=0)] | None = None
    target: Annotated[float, Field(gt=0, le=1)] | None = None
    grid_spacing_m: NonNegative = 0.0  # 0: no generated candidates
    osm_features: bool = False
    tiers: list[str] = Field(default_factory=lambda: ["subcentre", "point"])
    stage_add: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    capacity: bool = False
    time_limit_s: Positive = 120.0
    mip_rel_gap: Annotated[float, Field(ge=0, lt=1)] = 0.005


class Output(_Section):
    dir: Path | None = None
    map: Path | None = None
    self_contained: bool = True
    basemap: Literal["osm", "amap", "tianditu", "none"] = "osm"
    tianditu_key: str | None = None  # or the TIANDITU_KEY environment variable
    excel: bool = True
    print_map: Path | None = None  # also a printable static map (.png or .pdf)
    paper: Literal["A4", "A3"] = "A4"


class Scenario(_Section):
    """A validated scenario. Build with :func:`load_scenario`."""

    name: str = "scenario"
    title: str = ""
    lang: Literal["zh", "en"] = "zh"
    #: Known services; others found in facility layers are dropped from the row with a warning
    #: (a typo such as 法律援肋 must not create a service of its own). Empty: accept all.
    services: list[str] = Field(default_factory=list)
    area: Area = Field(default_factory=Area)
    network: Network
    walk: Walk = Field(default_factory=Walk)
    facilities: list[Layer] = Field(default_factory=list)
    demand: list[Layer] = Field(default_factory=list)
    candidates: list[Layer] = Field(default_factory=list)
    plan: Plan = Field(default_factory=Plan)
    output: Output = Field(default_factory=Output)
    source: Path | None = Field(default=None, exclude=True)  # the scenario file
    _warnings: list[tuple[int | None, str, str]] = PrivateAttr(default_factory=list)

    @property
    def warning_items(self) -> list[tuple[int | None, str, str]]:
        """Unusual but valid values found by :func:`load_scenario`: (line, key, message)."""
        return list(self._warnings)

    @property
    def warnings(self) -> list[str]:
        """The same, one line each: ``scenario.toml:9: walk.speed_kmh: 1000 km/h is …``."""
        where = self.source or "scenario"
        return [
            f"{where}{f':{line}' if line else ''}: {key}: {message}"
            for line, key, message in self._warnings
        ]

    @field_validator("name")
    @classmethod
    def _safe_name(cls, v: str) -> str:
        if not re.fullmatch(r"[\w.-]+", v):
            raise ValueError("use letters, digits, '-', '_' or '.' (it names output files)")
        return v

    @model_validator(mode="after")
    def _layers(self) -> Scenario:
        if not self.facilities and not self.candidates:
            raise ValueError("a scenario needs at least one [[facilities]] or [[candidates]] layer")
        for i, layer in enumerate(self.demand):
            if layer.weight is None and "weight" not in layer.columns:
                raise ValueError(
                    f'demand[{i}] ({layer.path}): name its weight column with weight = "..."'
                )
        return self

    # Resolved locations ----------------------------------------------------------------------

    @property
    def folder(self) -> Path:
        return self.source.parent if self.source is not None else Path.cwd()

    def input_path(self, p: Path | None) -> Path | None:
        """An input path resolved against the scenario file's folder."""
        if p is None:
            return None
        p = Path(p).expanduser()
        return p if p.is_absolute() else self.folder / p

    @property
    def output_dir(self) -> Path:
        return self.output.dir or Path("results") / self.name

    @property
    def map_path(self) -> Path:
        return self.output.map or Path("maps") / f"{self.name}.html"

    @property
    def cache_dir(self) -> Path:
        return self.input_path(self.network.cache_dir)


def _location(text: str, loc: tuple[Any, ...]) -> str:
    """Dotted field path such as ``facilities[0].crs`` from a pydantic error location."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number of the innermost key of ``loc`` in the TOML text."""
    keys = [p for p in loc if isinstance(p, str)]
    for key in reversed(keys):
        # [ \t]*, not \s*: a match must not start on a blank line above the key.
        m = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, flags=re.MULTILINE)
        if m is None:
            m = re.search(
                rf"^[ \t]*\[+[ \t]*[\w.]*{re.escape(key)}[ \t]*\]+", text, flags=re.MULTILINE
            )
        if m is not None:
            return text.count("\n", 0, m.start()) + 1
    return None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Raises
    ------
    ScenarioError
        Naming the file, the field and (where it can be found) the line for every problem.
    """
    path = Path(path)
    if not path.exists():
        raise ScenarioError(f"{path}: scenario file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text ({exc}); save it as UTF-8") from exc
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the scenario file: {exc.strerror}") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from exc
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = _location(text, loc) or "(top level)"
            line = _line_of(text, loc)
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling)"
            elif err["type"] == "finite_number":
                msg = f"must be a finite number, got {err['input']}"
            elif err["type"] == "missing":
                msg = "required"
            lines.append(f"{path}{f':{line}' if line else ''}: {where}: {msg}")
        raise ScenarioError("\n".join(lines)) from exc
    scenario.source = path.resolve()
    missing = []
    for label, p in _input_files(scenario):
        if p is not None and not p.exists():
            missing.append(f"{path}: {label}: file not found: {p}")
    if missing:
        raise ScenarioError("\n".join(missing))
    scenario._warnings = _unusual(scenario, raw, text)
    return scenario


#: Bounds outside which a valid value is probably a slip (a unit mix-up, an extra zero); such
#: values are used as given, with a warning. Keys are (section, key); bounds are inclusive.
USUAL_RANGES: dict[tuple[str, str], tuple[float | None, float | None, str, str]] = {
    ("walk", "speed_kmh"): (1.0, 10.0, "km/h", "walking is 3-6 km/h"),
    ("walk", "threshold_min"): (None, 120.0, "min", "a walking threshold is minutes, not hours"),
    ("walk", "max_snap_m"): (None, 2000.0, "m", "points this far from a street are not on it"),
    ("walk", "walk_off_m"): (None, 500.0, "m", "it widens every catchment by that much"),
    ("walk", "steps_penalty"): (None, 10.0, "x", "steps take a few times longer, not more"),
    ("walk", "circle_radius_m"): (None, 10_000.0, "m", "the straight-line circle is usually 1 km"),
    ("network", "margin_m"): (None, 20_000.0, "m", "the network clip margin is a walking range"),
}


def _unusual(s: Scenario, raw: dict[str, Any], text: str) -> list[tuple[int | None, str, str]]:
    """(line, key, message) for each valid but unusual value (see :data:`USUAL_RANGES`)."""
    out: list[tuple[int | None, str, str]] = []

    def warn(loc: tuple[Any, ...], message: str) -> None:
        out.append((_line_of(text, loc), _location(text, loc), message))

    for (section, key), (low, high, unit, why) in USUAL_RANGES.items():
        value = getattr(getattr(s, section), key)
        if value is None:
            continue
        if (low is not None and value < low) or (high is not None and value > high):
            usual = f"{low:g} to {high:g}" if low is not None else f"at most {high:g}"
            warn(
                (section, key),
                f"{value:g} {unit} is unusual (usually {usual} {unit}: {why}); used as given",
            )
    high = USUAL_RANGES[("walk", "threshold_min")][1]
    for tier, value in s.walk.tier_threshold_min.items():
        if high is not None and value > high:
            warn(
                ("walk", "tier_threshold_min", tier),
                f"{value:g} min is unusual (usually at most {high:g} min: a walking threshold is "
                "minutes, not hours); used as given",
            )
    limit = max([s.walk.threshold_min, *s.walk.tier_threshold_min.values()])
    above = [b for b in s.walk.bands_min if b > limit]
    if above:
        given = "bands_min" in raw.get("walk", {})
        warn(
            ("walk", "bands_min") if given else ("walk",),
            f"{'' if given else 'the default '}bands {', '.join(f'{b:g}' for b in above)} min "
            f"are above every threshold ({limit:g} min): the map draws catchments beyond what "
            "counts as covered",
        )
    return out


def _input_files(s: Scenario) -> list[tuple[str, Path | None]]:
    out: list[tuple[str, Path | None]] = [
        ("area.path", s.input_path(s.area.path)),
        ("area.subdistricts", s.input_path(s.area.subdistricts)),
        ("network.path", s.input_path(s.network.path)),
    ]
    for group in ("facilities", "demand", "candidates"):
        for i, layer in enumerate(getattr(s, group)):
            out.append((f"{group}[{i}].path", s.input_path(layer.path)))
    return out
