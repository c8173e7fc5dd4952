"""The scenario's point layers and facility types: the registers it reads, and their tiers.

``[[facilities]]``, ``[[demand]]`` and ``[[candidates]]`` are :class:`Layer`: a register's file,
its columns and datum. ``[types.<code>]`` is :class:`FacilityType`: the facility types whose
codes and names become tiers (:func:`type_vocabulary`). Apart from
:mod:`coverage.scenario.sections` because these describe what a register's rows say, while the
other sections set how the run walks, plans and writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from coverage import vocab
from coverage.errors import Msg
from coverage.scenario.sections import (
    Positive,
    Section,
    ShownText,
    known_crs,
)

__all__ = ["FacilityType", "Layer", "RASTER_SUFFIXES", "tier_code_in", "type_vocabulary"]


#: File suffixes read as population rasters (demand layers only).
RASTER_SUFFIXES = (".tif", ".tiff")


class Layer(Section):
    """A layer of points, people per cell, or buildings.

    A point register (file, coordinate system, column mapping) or, for demand, a population
    raster (``band``, ``scale``) or OSM building footprints (``osm_buildings``).

    Attributes
    ----------
    path
        The file (relative to the scenario's folder); None only with ``osm_buildings``.
    crs
        Datum of the coordinates (default ``"wgs84"``); a GIS file's own CRS wins over an EPSG code,
        and a raster's own CRS is used when ``crs`` is not set.
    layer
        Workbook sheet or GeoPackage layer (an error for a CSV file, a raster or OSM buildings).
    encoding
        Text encoding of a CSV file (default: detected: UTF-8, UTF-16 or GBK/GB18030; another,
        such as ``"big5"``, must be named).
    columns
        Standard field → column, for columns not recognised by name.
    tier
        Tier of rows whose tier cell is empty.
    type
        Facility type of rows without one (free text).
    weight
        Demand registers: the weight column.
    kind
        Demand: what the weight counts (default ``workers`` for registers, ``residents`` for rasters
        and buildings).
    role
        Candidates: role of rows whose role cell is empty (default ``candidate``).
    datum_check
        ``"error"`` (default), ``"warn"`` or ``"off"``: when the points fit the streets under
        another datum.
    band
        Rasters: the band (default 1).
    scale
        Rasters: factor on the cell values (default 1).
    max_cell_m
        Rasters: larger cells are split into sub-cells (default 150 m).
    osm_buildings
        Demand from OSM building footprints instead of a file.
    buildings
        Building assumptions (:class:`coverage.inputs.buildings.BuildingAssumptions` fields).
    """

    path: Path | None = None
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
    # population rasters: which band, a factor on its values, largest cell side before splitting
    band: Annotated[int, Field(ge=1)] | None = None
    scale: Positive = 1.0
    max_cell_m: Positive | None = None
    # demand estimated from OSM building footprints (downloaded for the area, cached)
    osm_buildings: bool = False
    buildings: dict[str, Any] = Field(default_factory=dict)  # BuildingAssumptions fields

    @field_validator("crs", mode="before")
    @classmethod
    def _known_crs(cls, v: object) -> str | int:
        # Checked at load time, before any file is read; stored in canonical form.
        return known_crs(v)

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, v: dict[str, str]) -> dict[str, str]:
        # A typo (capcity = "容量") would map nothing and stop the column being recognised.
        from coverage.inputs.columns import ALIASES  # the fields a register's columns can be

        unknown = [k for k in v if k not in ALIASES]
        if unknown:
            raise ValueError(
                Msg(
                    "error.scenario.columns_field",
                    fields=", ".join(map(repr, unknown)),
                    known=", ".join(ALIASES),
                )
            )
        return v

    @field_validator("kind")
    @classmethod
    def _usual_kind(cls, v: str | None) -> str | None:
        # "居民" or "worker" is the usual kind: the audit's figures and the building
        # assumptions look kinds up by code, and one kind must not be shown as two.
        return vocab.normalize_kind(v) if v is not None else None

    @field_validator("buildings")
    @classmethod
    def _assumptions(cls, v: dict[str, Any]) -> dict[str, Any]:
        # Unknown or bad assumptions fail at load; checked here (not with the whole layer) so
        # that an error's location runs through ``buildings`` to the setting at fault.
        from coverage.inputs.buildings import BuildingAssumptions

        BuildingAssumptions(**v)
        return v

    @model_validator(mode="after")
    def _one_source(self) -> Layer:
        if (self.path is None) == (not self.osm_buildings):
            raise ValueError(Msg("error.scenario.layer_source"))
        if self.buildings and not self.osm_buildings:
            raise ValueError(Msg("error.scenario.buildings_without_osm"))
        if (self.band is not None or self.max_cell_m is not None) and not self.is_raster:
            raise ValueError(Msg("error.scenario.raster_only"))
        if self.layer is not None and (self.is_raster or self.osm_buildings):
            raise ValueError(Msg("error.scenario.layer_not_table"))
        return self

    @property
    def is_raster(self) -> bool:
        """A population raster (read cell by cell), not a register of points."""
        return self.path is not None and self.path.suffix.lower() in RASTER_SUFFIXES

    @property
    def crs_given(self) -> bool:
        """Whether the scenario set ``crs`` (a raster's own CRS is used otherwise)."""
        return "crs" in self.model_fields_set


class FacilityType(Section):
    """A facility type the scenario adds to the tier vocabulary (``[types.<code>]``).

    Rows whose tier is the code, a label or an alias get the code, this threshold (default: the
    general ``walk.threshold_min``) and their own map layer, summary rows and labels.

    Attributes
    ----------
    label_zh
        Chinese label.
    label_en
        English label; None: from the code.
    aliases
        Other names registers use.
    threshold_min
        Its walking threshold; None: ``[walk] threshold_min``.
    color
        Map marker colour (``#rrggbb``).
    shape
        Map marker shape (:data:`coverage.vocab.SHAPES`).
    """

    label_zh: Annotated[ShownText, Field(min_length=1)]
    label_en: Annotated[ShownText, Field(min_length=1)] | None = None  # default: from the code
    aliases: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    threshold_min: Positive | None = None
    color: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] | None = None  # map marker
    shape: Literal[vocab.SHAPES] | None = None  # type: ignore[valid-type]

    def tier(self, code: str) -> vocab.Tier:
        """The type as a :class:`coverage.vocab.Tier`.

        Parameters
        ----------
        code
            The type's code (its ``[types.<code>]`` key).
        """
        style = {k: v for k, v in (("color", self.color), ("shape", self.shape)) if v}
        label_en = self.label_en or code.replace("_", " ").capitalize()
        return vocab.Tier(code, self.label_zh, label_en, tuple(self.aliases), style)


def type_vocabulary(types: dict[str, FacilityType]) -> vocab.Vocabulary:
    """The built-in tiers extended with a scenario's declared facility types."""
    return vocab.BUILTIN.extend(t.tier(code) for code, t in types.items())


def tier_code_in(v: vocab.Vocabulary, value: str, where: str) -> str:
    """The tier code of a scenario value, or a ValueError naming where it is."""
    code = v.normalize(value)
    if code is None:
        raise ValueError(Msg("error.scenario.in", where=where) + vocab.unknown_tier(value, v))
    return code
