"""The sections of a scenario file as pydantic models.

``[area]``, ``[network]``, ``[walk]``, ``[plan]`` and ``[output]``, and what every section
shares: unknown keys and non-finite numbers are errors. The layers and facility types are in
:mod:`coverage.scenario.layer_sections`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from coverage import datum, settings, vocab
from coverage.errors import Msg

__all__ = [
    "Area",
    "Count",
    "Network",
    "NonNegative",
    "Output",
    "Plan",
    "Positive",
    "Section",
    "ShownText",
    "Walk",
    "check_tianditu_key",
    "known_crs",
]

Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=1)]


def _setting(name: str) -> Any:
    """``coverage.settings.<name>`` now, checked (:func:`coverage.scenario.defaults.setting`)."""
    from coverage.scenario.defaults import setting  # it checks against Walk, defined below

    return setting(name)


def _without_unseen(text: str) -> str:
    return vocab.UNSEEN.sub("", text)


#: Text the outputs show as written (a title, a type's label): without bidirectional controls
#: and zero-width spaces, as register cells are read (:data:`coverage.vocab.UNSEEN`), or it
#: shows reversed everywhere.
ShownText = Annotated[str, AfterValidator(_without_unseen)]


class Section(BaseModel):
    """A table of the scenario file: unknown keys, inf and nan are errors."""

    # allow_inf_nan: TOML's inf/nan would pass gt=0 checks and crash far away (GEOS, Dijkstra).
    # validate_assignment: a notebook's ``s.walk.speed_kmh = -1`` fails there, not steps later.
    model_config = ConfigDict(
        extra="forbid", frozen=False, allow_inf_nan=False, validate_assignment=True
    )


#: A value picked in ``select`` (compared with the field as stripped text).
SelectValue = str | int | float | list[str | int | float]


def _crs_or_none(v: object) -> str | int | None:
    return None if v is None else known_crs(v)


def known_crs(v: object) -> str | int:
    """A ``crs`` setting in canonical form (:func:`coverage.datum.parse_crs`), or a ValueError."""
    try:
        return datum.parse_crs(v)
    except ValueError:
        groups = []  # as datum.accepted_crs lists them, without its English words
        for key in datum.DATUMS:
            names = [
                a for a, k in datum.DATUM_ALIASES.items() if k == key != a and not a[-1].isdigit()
            ]
            groups.append(f"{key} ({', '.join(names)})" if names else key)
        raise ValueError(
            Msg("error.scenario.crs", value=repr(v), names=", ".join(groups))
        ) from None


class Area(Section):
    """Study area and optional sub-district polygons.

    ``crs`` is the datum the boundary coordinates are in (Amap/DataV boundaries say EPSG:4326
    but are GCJ-02: ``crs = "gcj02"``); without it the file's own CRS is trusted. ``select``
    picks features of a larger file (``{ name = "江汉区" }`` or ``{ adcode = 420103 }``).

    Attributes
    ----------
    path
        Study area polygon file (relative to the scenario's folder); None: no area file.
    layer
        GeoPackage layer of ``path`` (not of ``subdistricts``; an error without ``path``).
    crs
        Datum of the files' coordinates (``"gcj02"`` …); None: the file's own CRS.
    select
        Field → value(s) picking features of ``path`` (an error without it).
    subdistricts
        Sub-district polygon file.
    subdistricts_crs
        Its datum; None: the area's ``crs``. An error without ``subdistricts``.
    name_field
        The sub-districts' name column (default ``"name"``). An error without ``subdistricts``.
    """

    path: Path | None = None
    layer: str | None = None
    crs: str | int | None = None
    select: dict[str, SelectValue] | None = None
    subdistricts: Path | None = None
    subdistricts_crs: str | int | None = None  # default: the area's crs
    name_field: str = "name"

    @field_validator("crs", "subdistricts_crs", mode="before")
    @classmethod
    def _known_crs(cls, v: object) -> str | int | None:
        return _crs_or_none(v)

    @field_validator("select")
    @classmethod
    def _some_fields(cls, v: dict[str, SelectValue] | None) -> dict[str, SelectValue] | None:
        if v is not None and not v:
            raise ValueError(Msg("error.scenario.select_empty", example='{ name = "江汉区" }'))
        return v

    @model_validator(mode="after")
    def _settings_apply(self) -> Area:
        # layer and select pick from path only (the sub-districts file is read whole), the
        # sub-district settings need their file, crs a file: unapplied, they were ignored.
        for name in ("layer", "select"):
            if getattr(self, name) is not None and self.path is None:
                raise ValueError(Msg("error.scenario.area_path_only", setting=name))
        for name in ("subdistricts_crs", "name_field"):
            given = name in self.model_fields_set and getattr(self, name) is not None
            if given and self.subdistricts is None:
                raise ValueError(Msg("error.scenario.area_subdistricts_only", setting=name))
        if self.crs is not None and self.path is None and self.subdistricts is None:
            raise ValueError(Msg("error.scenario.area_crs_unused"))
        return self


class Network(Section):
    """Where the walking network comes from: exactly one of path, place, bbox or area polygon.

    Attributes
    ----------
    path
        An edge table, ``.osm``/``.osm.pbf`` file or GraphML.
    place
        A place name to download for (osmnx; cached).
    bbox
        West, south, east, north in WGS-84 degrees, to download for.
    polygon
        Download for the ``[area]`` polygon.
    cache_dir
        Download and network cache, relative to the scenario's folder (default
        :data:`coverage.settings.cache_folder`, ``cache``).
    margin_m
        Clip margin around the area in metres; None: the walk in the longest threshold or band.
    component
        ``"strong"`` (default) or ``"weak"``: which largest connected component is kept.
    """

    path: Path | None = None
    place: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    polygon: bool = False  # download for the [area] polygon
    # Defaults from coverage.settings are read when a section is built, not at import.
    cache_dir: Path = Field(default_factory=lambda: Path(settings.cache_folder))
    margin_m: NonNegative | None = None  # clip margin around the area; default: the walk limit
    component: Literal["strong", "weak"] = "strong"

    @model_validator(mode="after")
    def _one_source(self) -> Network:
        given = [k for k in ("path", "place", "bbox") if getattr(self, k) is not None] + (
            ["polygon"] if self.polygon else []
        )
        if len(given) != 1:
            msg = Msg("error.scenario.network_source")
            raise ValueError(
                msg + Msg("error.scenario.got", given=", ".join(given)) if given else msg
            )
        if self.bbox is not None:
            w, s, e, n = self.bbox
            if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
                raise ValueError(Msg("error.scenario.bbox"))
        return self


class Walk(Section):
    """The walking model.

    Attributes
    ----------
    speed_kmh
        Walking speed (default :data:`coverage.settings.walk_speed_kmh`, 4.5).
    threshold_min
        Walking threshold in minutes (default :data:`coverage.settings.threshold_min`, 15).
    tier_threshold_min
        Threshold per tier (codes once validated); others use ``threshold_min``.
    bands_min
        Catchment bands in minutes, sorted (default :data:`coverage.settings.bands_min`,
        5, 10, 15).
    steps_penalty
        Multiplier on the time of ``highway=steps`` (≥ 1, default
        :data:`coverage.settings.steps_penalty`, 2).
    max_snap_m
        Points farther from a walkable street are not reachable on foot (default
        :data:`coverage.settings.max_snap_m`, 300).
    walk_off_m
        How far off a reached street a catchment reaches, in metres (default
        :data:`coverage.settings.walk_off_m`, 50).
    catchment_method
        ``"grid"`` (default) or ``"exact"``.
    catchment_cell_m
        Grid spacing, at most ``walk_off_m / 2``; None: 0.4 × ``walk_off_m``.
    include_access
        Whether the walk between a point and its street counts (default True).
    circle_radius_m
        Radius of the straight-line comparison circle (default
        :data:`coverage.settings.circle_radius_m`, 1000).
    """

    # Defaults from coverage.settings are read when a section is built, not at import, and
    # checked then: pydantic does not check defaults, and a bad one is the setting's to name.
    speed_kmh: Positive = Field(default_factory=lambda: _setting("walk_speed_kmh"))
    threshold_min: Positive = Field(default_factory=lambda: _setting("threshold_min"))
    tier_threshold_min: dict[str, Positive] = Field(default_factory=dict)
    bands_min: list[Positive] = Field(default_factory=lambda: sorted(set(_setting("bands_min"))))
    steps_penalty: Annotated[float, Field(ge=1)] = Field(
        default_factory=lambda: _setting("steps_penalty")
    )
    max_snap_m: Positive = Field(default_factory=lambda: _setting("max_snap_m"))
    walk_off_m: Positive = Field(default_factory=lambda: _setting("walk_off_m"))
    # how catchment outlines are drawn: "grid" (fast, within about a cell) or "exact" (buffers)
    catchment_method: Literal["grid", "exact"] = "grid"
    catchment_cell_m: Positive | None = None  # grid spacing; default 0.4 × walk_off_m
    include_access: bool = True
    circle_radius_m: Positive = Field(default_factory=lambda: _setting("circle_radius_m"))

    @field_validator("bands_min")
    @classmethod
    def _sorted(cls, v: list[float]) -> list[float]:
        return sorted(set(v))

    @model_validator(mode="after")
    def _cell_fits(self) -> Walk:
        if self.catchment_cell_m is not None and self.catchment_cell_m > self.walk_off_m / 2:
            raise ValueError(
                Msg(
                    "error.scenario.cell_size", cell=self.catchment_cell_m, walk_off=self.walk_off_m
                )
            )
        return self

    def threshold_for(self, tier: str) -> float:
        """Threshold (minutes) for a tier; the general threshold when none is set.

        Parameters
        ----------
        tier
            A tier code, or a name registers write (``"驿站"``), read as the command line reads
            it; a value no tier has gets the general threshold.
        """
        own = self.tier_threshold_min
        code = tier if tier in own else vocab.normalize_tier(tier) or tier
        return float(own.get(code, self.threshold_min))

    @property
    def max_threshold_min(self) -> float:
        """The longest walk any tier or band asks for (minutes)."""
        return max([self.threshold_min, *self.tier_threshold_min.values(), *self.bands_min])

    @property
    def max_walk_m(self) -> float:
        """How far the longest walk reaches (metres): the network's default walking margin."""
        return self.speed_kmh / 3.6 * self.max_threshold_min * 60


class Plan(Section):
    """Defaults for ``coverage plan``.

    Attributes
    ----------
    tier
        Tier of the new sites (default ``point``).
    add
        New sites to add (MCLP); not with ``target``.
    target
        Share of the demand weight to cover with the fewest sites (LSCP), in (0, 1].
    grid_spacing_m
        Spacing of generated candidates on street nodes; 0 (default): none.
    osm_features
        Also OSM community centres, libraries, townhalls, malls as candidates.
    tiers
        Order of the staged plan (default sub-centres, then points).
    stage_add
        New sites per staged tier.
    capacity
        Candidates serve at most their capacity (capacitated MCLP / p-median).
    time_limit_s
        Seconds HiGHS may spend on each stage (default 120).
    mip_rel_gap
        A plan proven within this relative gap is accepted (default 0.005).
    """

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
            raise ValueError(Msg("error.scenario.add_and_target"))
        twice = sorted({t for t in self.tiers if self.tiers.count(t) > 1})
        if twice:
            raise ValueError(Msg("error.scenario.tiers_twice", tiers=", ".join(twice)))
        stray = [t for t in self.stage_add if t not in self.tiers]
        if stray:
            raise ValueError(
                Msg("error.scenario.stage_not_tier", stray=", ".join(stray), tiers=self.tiers)
            )
        return self


def check_tianditu_key(basemap: str, key: str | None) -> None:
    """A ValueError when Tianditu is to be shown first without a key to fetch its tiles.

    Checked before the long work of a command that draws the map (and as ``--basemap`` is
    given), so the map does not fail after it.

    Parameters
    ----------
    basemap
        ``[output] basemap``.
    key
        ``[output] tianditu_key``; the ``TIANDITU_KEY`` environment variable stands in for it.
    """
    if basemap == "tianditu" and not (key or os.environ.get("TIANDITU_KEY")):
        raise ValueError(Msg("error.scenario.tianditu_key"))


class Output(Section):
    """Where and how results are written (``[output]``).

    Attributes
    ----------
    dir
        Results folder; None: ``results/<name>``.
    map
        HTML map; None: ``maps/<name>.html``.
    self_contained
        Inline Leaflet and jQuery (default True: works offline).
    basemap
        ``auto`` (default: Amap for ``lang = "zh"``, OSM otherwise), ``osm``, ``amap``, ``tianditu``
        or ``none``.
    tianditu_key
        Tianditu key (or the ``TIANDITU_KEY`` environment variable).
    excel
        Also write the workbook (default True).
    print_map
        Also a printable static map (``.png``/``.pdf``).
    paper
        ``"A4"`` (default) or ``"A3"``.
    datum
        Which coordinate pair comes first in tables: ``"gcj02"`` (default) or ``"wgs84"``.
    columns
        ``"labels"`` (default: words of ``lang``) or ``"keys"`` (the program's names).
    """

    dir: Path | None = None
    map: Path | None = None
    self_contained: bool = True
    # "auto": Amap (GCJ-02) for lang = "zh", OpenStreetMap otherwise; all are in the switcher
    basemap: Literal["osm", "amap", "tianditu", "none", "auto"] = "auto"
    tianditu_key: str | None = None  # or the TIANDITU_KEY environment variable
    excel: bool = True
    print_map: Path | None = None  # also a printable static map (.png or .pdf)
    paper: Literal["A4", "A3"] = "A4"
    # Which coordinate pair comes first in tables; both are always written.
    datum: Literal["gcj02", "wgs84"] = "gcj02"
    # Data tables and GeoPackage layers: headers and codes in the scenario's language for
    # people ("labels"), or the program's own names for scripts ("keys").
    columns: Literal["labels", "keys"] = "labels"

    # No key check here: the key (often the TIANDITU_KEY of whoever runs it) is needed only when a
    # map is drawn, and a command line's --basemap may replace the setting
    # (:func:`coverage.preflight.check_basemap`).

    @field_validator("print_map")
    @classmethod
    def _printable(cls, v: Path | None) -> Path | None:
        if v is not None and v.suffix.lower() not in (".png", ".pdf"):
            raise ValueError(Msg("error.scenario.print_suffix", name=repr(v.name)))
        return v
