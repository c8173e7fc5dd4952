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
    path = "../../../shared/data/wuhan_streets_osm.parquet"   # or place = "江北区, 重庆市, 中国"

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
    ValidationInfo,
    field_validator,
    model_validator,
)

from coverage import datum, settings, vocab
from coverage.errors import ScenarioError

__all__ = ["Scenario", "load_scenario"]

Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=1)]

#: Scenario keys that name a place to write, with the section and field holding each, and what
#: to do instead when the file's value is refused.
WRITE_KEYS: dict[str, tuple[str, str, str]] = {
    "[output] dir": ("output", "dir", "pass --out on the command line instead"),
    "[output] map": ("output", "map", "pass --map on the command line instead"),
    "[output] print_map": (
        "output",
        "print_map",
        "remove it and pass --print to `coverage map` instead",
    ),
    "[network] cache_dir": (
        "network",
        "cache_dir",
        "move the cache there, or run the command from a folder that holds it",
    ),
}


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
    # points that fit the streets under another datum than crs: stop, warn and go on, or skip
    datum_check: Literal["error", "warn", "off"] = "error"

    @field_validator("crs", mode="before")
    @classmethod
    def _known_crs(cls, v: object) -> str | int:
        # Checked at load time, before any file is read; stored in canonical form.
        return datum.parse_crs(v)


class Plan(_Section):
    """Defaults for ``coverage plan``."""

    tier: str = "point"
    add: Count | None = None
    target: Annotated[float, Field(gt=0, le=1)] | None = None
    grid_spacing_m: NonNegative = 0.0  # 0: no generated candidates
    osm_features: bool = False
    tiers: list[str] = Field(default_factory=lambda: ["subcentre", "point"], min_length=1)
    stage_add: dict[str, Count] = Field(default_factory=dict)  # new sites per staged tier
    capacity: bool = False
    time_limit_s: Positive = 120.0
    mip_rel_gap: Annotated[float, Field(ge=0, lt=1)] = 0.005

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        if self.add is not None and self.target is not None:
            raise ValueError("give add or target, not both")
        twice = sorted({t for t in self.tiers if self.tiers.count(t) > 1})
        if twice:
            raise ValueError(f"tiers names {', '.join(twice)} more than once")
        stray = [t for t in self.stage_add if t not in self.tiers]
        if stray:
            raise ValueError(f"stage_add names {', '.join(stray)}, not among tiers = {self.tiers}")
        return self


class FacilityType(_Section):
    """A facility type the scenario adds to the tier vocabulary (``[types.<code>]``).

    Rows whose tier is the code, a label or an alias get the code, this threshold (default: the
    general ``walk.threshold_min``) and their own map layer, summary rows and labels.
    """

    label_zh: Annotated[str, Field(min_length=1)]
    label_en: Annotated[str, Field(min_length=1)] | None = None  # default: from the code
    aliases: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    threshold_min: Positive | None = None
    color: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] | None = None  # map marker
    shape: Literal[vocab.SHAPES] | None = None  # type: ignore[valid-type]

    def tier(self, code: str) -> vocab.Tier:
        """This type as a :class:`coverage.vocab.Tier`."""
        style = {k: v for k, v in (("color", self.color), ("shape", self.shape)) if v}
        label_en = self.label_en or code.replace("_", " ").capitalize()
        return vocab.Tier(code, self.label_zh, label_en, tuple(self.aliases), style)


def _vocabulary(types: dict[str, FacilityType]) -> vocab.Vocabulary:
    return vocab.BUILTIN.extend(t.tier(code) for code, t in types.items())


def _code(v: vocab.Vocabulary, value: str, where: str) -> str:
    """The tier code of a scenario value, or a ValueError naming where it is."""
    code = v.normalize(value)
    if code is None:
        raise ValueError(f"{where}: {vocab.unknown_tier_message(value, v)}")
    return code


class Output(_Section):
    dir: Path | None = None
    map: Path | None = None
    self_contained: bool = True
    basemap: Literal["osm", "amap", "tianditu", "none"] = "osm"
    tianditu_key: str | None = None  # or the TIANDITU_KEY environment variable
    excel: bool = True
    print_map: Path | None = None  # also a printable static map (.png or .pdf)
    paper: Literal["A4", "A3"] = "A4"

    @field_validator("print_map")
    @classmethod
    def _printable(cls, v: Path | None) -> Path | None:
        if v is not None and v.suffix.lower() not in (".png", ".pdf"):
            raise ValueError(f"a .png or .pdf file, not {v.name!r}")
        return v


class Scenario(_Section):
    """A validated scenario. Build with :func:`load_scenario`."""

    name: str = "scenario"
    title: str = ""
    lang: Literal["zh", "en"] = "zh"
    #: Known services; others found in facility layers are dropped from the row with a warning
    #: (a typo such as 法律援肋 must not create a service of its own). Empty: accept all.
    services: list[str] = Field(default_factory=list)
    #: Further facility types (``[types.<code>]``); before the sections that name tiers, so
    #: their validators can use them.
    types: dict[str, FacilityType] = Field(default_factory=dict)
    area: Area = Field(default_factory=Area)
    network: Network
    walk: Walk = Field(default_factory=Walk)
    facilities: list[Layer] = Field(default_factory=list)
    demand: list[Layer] = Field(default_factory=list)
    candidates: list[Layer] = Field(default_factory=list)
    plan: Plan = Field(default_factory=Plan)
    output: Output = Field(default_factory=Output)
    source: Path | None = Field(default=None, exclude=True)  # the scenario file
    # Write paths as the scenario file gave them (see WRITE_KEYS): only these are confined.
    _file_writes: dict[str, Path] = PrivateAttr(default_factory=dict)
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

    @field_validator("types")
    @classmethod
    def _types(cls, v: dict[str, FacilityType]) -> dict[str, FacilityType]:
        _vocabulary(v)  # codes well formed, names clash with no tier
        return v

    @field_validator("walk")
    @classmethod
    def _tier_thresholds(cls, v: Walk, info: ValidationInfo) -> Walk:
        """Threshold keys become codes (any name of a tier is accepted); declared types add theirs."""
        if "types" not in info.data:  # the types are invalid: reported on their own
            return v
        types, words = info.data["types"], _vocabulary(info.data["types"])
        out: dict[str, float] = {}
        for key, minutes in v.tier_threshold_min.items():
            code = words.normalize(key)
            if code is None:
                raise ValueError(
                    f"tier_threshold_min: unknown tier {key!r} (known: {', '.join(words.codes)};"
                    " names such as 服务中心 are accepted; declare a new facility type with "
                    "[types.<code>])"
                )
            if code in out:
                raise ValueError(f"tier_threshold_min: {key!r} is {code!r}, which is set twice")
            out[code] = minutes
        for code, t in types.items():
            if t.threshold_min is None:
                continue
            if code in out:
                raise ValueError(
                    f"tier_threshold_min: {code!r} has threshold_min in [types.{code}] too; "
                    "set it in one place"
                )
            out[code] = t.threshold_min
        v.tier_threshold_min = out
        return v

    @field_validator("facilities", "candidates")
    @classmethod
    def _layer_tiers(cls, v: list[Layer], info: ValidationInfo) -> list[Layer]:
        if "types" in info.data:
            words = _vocabulary(info.data["types"])
            for i, layer in enumerate(v):
                if layer.tier is not None:
                    layer.tier = _code(words, layer.tier, f"[{i}] tier")
        return v

    @field_validator("plan")
    @classmethod
    def _plan_tiers(cls, v: Plan, info: ValidationInfo) -> Plan:
        if "types" in info.data:
            words = _vocabulary(info.data["types"])
            v.tier = _code(words, v.tier, "tier")
            v.tiers = [_code(words, t, "tiers") for t in v.tiers]
            v.stage_add = {_code(words, t, "stage_add"): k for t, k in v.stage_add.items()}
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

    # Tier vocabulary -------------------------------------------------------------------------

    @property
    def vocabulary(self) -> vocab.Vocabulary:
        """The built-in tiers and the scenario's declared facility types."""
        return _vocabulary(self.types)

    def tier_code(self, value: str) -> str:
        """The tier code of a name given outside the file (e.g. ``--tier 服务站点``).

        Raises
        ------
        ScenarioError
            The name is no tier of this scenario.
        """
        code = self.vocabulary.normalize(value)
        if code is None:
            message = vocab.unknown_tier_message(value, self.vocabulary)
            raise ScenarioError(f"{self.source}: {message}")
        return code

    @model_validator(mode="after")
    def _plan_tiers_known(self) -> Scenario:
        known = self.known_tiers
        for key, names in (("tier", [self.plan.tier]), ("tiers", self.plan.tiers)):
            unknown = [t for t in names if t not in known]
            if unknown:
                raise ValueError(
                    f"plan.{key}: unknown tier {', '.join(map(repr, unknown))}"
                    f" (known: {', '.join(known)})"
                )
        return self

    @property
    def known_tiers(self) -> list[str]:
        """Tiers a plan may name: the built-in tiers and the scenario's declared types."""
        return list(dict.fromkeys([*self.vocabulary.codes, *self.walk.tier_threshold_min]))

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
        self.check_writes(["[output] dir"])
        return self.output.dir or Path("results") / self.name

    @property
    def map_path(self) -> Path:
        self.check_writes(["[output] map"])
        return self.output.map or Path("maps") / f"{self.name}.html"

    @property
    def print_map_path(self) -> Path | None:
        self.check_writes(["[output] print_map"])
        return self.output.print_map

    @property
    def cache_dir(self) -> Path:
        self.check_writes(["[network] cache_dir"])
        return self.input_path(self.network.cache_dir)

    def set_output(self, key: str, value: Any, *, label: str | None = None) -> None:
        """Set one ``[output]`` setting, validated as in a scenario file.

        A path set here is the caller's own choice (``--out``/``--map`` on the command line)
        and is not confined to the scenario's folder.

        Parameters
        ----------
        key
            Field of ``[output]``, e.g. ``"dir"`` or ``"basemap"``.
        value
            New value.
        label
            How the setting is named in an error message (default ``[output] <key>``).

        Raises
        ------
        ScenarioError
            One line naming the setting and the value when the value is not valid.
        """
        try:
            checked = Output.model_validate({**self.output.model_dump(), key: value})
        except ValidationError as exc:
            msg = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
            raise ScenarioError(f"{label or f'[output] {key}'} {value}: {msg}") from None
        setattr(self.output, key, getattr(checked, key))
        self._file_writes.pop(f"[output] {key}", None)

    def check_writes(self, keys: list[str] | None = None) -> None:
        """Refuse write paths from the scenario file that lead outside its folder and the cwd.

        Parameters
        ----------
        keys
            Which of :data:`WRITE_KEYS` to check (default: all).

        Raises
        ------
        ScenarioError
            One line per refused path, naming the scenario file, the key and the value.
        """
        lines = []
        for key in WRITE_KEYS if keys is None else keys:
            section, name, instead = WRITE_KEYS[key]
            value = getattr(getattr(self, section), name)
            if value is None or self._file_writes.get(key) != value:
                continue  # a default, or set by the caller: theirs to choose
            # Cache paths are read like input paths (scenario folder), outputs from the cwd.
            where = self.input_path(value) if section == "network" else Path(value).expanduser()
            if not _confined(where, [self.folder, Path.cwd()]):
                lines.append(
                    f"{self.source}: {key} = {str(value)!r} is outside the scenario's folder"
                    f" ({self.folder}) and the working directory ({Path.cwd()}); a scenario file"
                    f" may only write inside them: {instead}"
                )
        if lines:
            raise ScenarioError("\n".join(lines))


def _confined(path: Path, folders: list[Path]) -> bool:
    """Whether ``path``, resolved (``..`` and symlinks followed), lies inside one of ``folders``."""
    real = path.resolve()
    return any(real.is_relative_to(folder.resolve()) for folder in folders)


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
            msg = err["msg"].removeprefix("Value error, ")
            named = re.match(r"(\w+(?:\.\w+)+): (.*)", msg) if not loc else None
            if named:  # a check across sections names its own key, e.g. plan.tiers
                loc, msg = tuple(named.group(1).split(".")), named.group(2)
            where = _location(text, loc) or "(top level)"
            line = _line_of(text, loc)
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling)"
            elif err["type"] == "finite_number":
                msg = f"must be a finite number, got {err['input']}"
            elif err["type"] == "missing":
                msg = "required"
            lines.append(f"{path}{f':{line}' if line else ''}: {where}: {msg}")
        raise ScenarioError("\n".join(lines)) from exc
    scenario.source = path.resolve()
    for key, (section, name, _) in WRITE_KEYS.items():
        part = getattr(scenario, section)
        if name in part.model_fields_set and getattr(part, name) is not None:
            scenario._file_writes[key] = getattr(part, name)
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
