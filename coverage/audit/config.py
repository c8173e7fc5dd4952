"""The audit file (``AUDIT.toml``): a district layer plus what every district's scenario shares.

An audit names a district layer (``[districts]``: polygons with a name and a code field, their
datum and an optional selection) and, with the same keys and validation as a scenario, the
network source, the city-wide facility registers, the demand layers and the walking model.
Each district then becomes an ordinary scenario (:func:`district_scenario`) whose area is that
district, so ``coverage run`` on it gives the same figures as the audit.

Example::

    name = "wuhan_city"
    title = "武汉市职工服务阵地 15 分钟步行覆盖普查"

    [districts]
    path = "../../../shared/data/wuhan_districts_gcj02.geojson"
    crs = "gcj02"
    name_field = "name"
    code_field = "adcode"
    select = { adcode = [420103, 420104] }   # optional

    [network]
    path = "../../../shared/data/wuhan_streets_osm.parquet"   # or polygon = true (download)

    [[facilities]]
    path = "facilities.csv"
    crs = "gcj02"

    [[demand]]
    path = "../../../shared/data/wuhan_worldpop_adults.tif"
    band = 1
    kind = "residents"

    [output]
    dir = "results/wuhan_city"
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import Field, ValidationError, field_validator, model_validator

from coverage.errors import Msg, ScenarioError
from coverage.i18n import lang_or_default
from coverage.scenario import Scenario
from coverage.scenario.checks import confined
from coverage.scenario.layer_sections import FacilityType, Layer
from coverage.scenario.load import read_toml, validation_lines
from coverage.scenario.sections import (
    Network,
    Section,
    SelectValue,
    ShownText,
    Walk,
    check_tianditu_key,
    known_crs,
)

__all__ = ["Audit", "AuditOutput", "Districts", "load_audit", "scenario_data"]


class Districts(Section):
    """The district layer: one audit task per polygon feature."""

    path: Path
    layer: str | None = None
    crs: str | int | None = None  # Amap/DataV boundaries: "gcj02"
    select: dict[str, SelectValue] | None = None
    name_field: str = "name"
    code_field: str = "code"

    @field_validator("crs", mode="before")
    @classmethod
    def _known_crs(cls, v: object) -> str | int | None:
        return None if v is None else known_crs(v)

    @field_validator("select")
    @classmethod
    def _some_fields(cls, v: dict[str, SelectValue] | None) -> dict[str, SelectValue] | None:
        if v is not None and not v:
            raise ValueError(Msg("error.scenario.select_empty", example="{ adcode = [420103] }"))
        return v


class AuditOutput(Section):
    """Where the audit writes (``[output]``); each district's folder lies inside ``dir``."""

    dir: Path | None = None
    excel: bool = True
    self_contained: bool = True
    basemap: Literal["osm", "amap", "tianditu", "none", "auto"] = "auto"
    tianditu_key: str | None = None
    datum: Literal["gcj02", "wgs84"] = "gcj02"
    # As a scenario's: tables and layers in words ("labels") or the program's names ("keys").
    columns: Literal["labels", "keys"] = "labels"

    @model_validator(mode="after")
    def _tianditu_key(self) -> AuditOutput:
        check_tianditu_key(self.basemap, self.tianditu_key)
        return self


class Audit(Section):
    """A validated audit file. Build with :func:`load_audit`.

    Attributes
    ----------
    name
        Names the outputs (default ``audit``).
    title
        Title of Chinese outputs.
    title_en
        Title of English outputs.
    lang
        ``"zh"`` or ``"en"`` (default :data:`coverage.settings.lang`, ``"zh"``).
    services
        Known services, as in a scenario.
    types
        Further facility types, as in a scenario.
    districts
        ``[districts]``: the district layer (``path``, ``crs``, ``name_field``, ``code_field``,
        ``select``).
    network
        ``[network]``, as in a scenario (a city-wide file, or ``polygon = true``).
    walk
        ``[walk]``, as in a scenario.
    facilities
        ``[[facilities]]`` layers, as in a scenario.
    demand
        ``[[demand]]`` layers (at least one).
    output
        ``[output]``: the audit's results folder and the districts' output settings.
    source
        The audit file.
    """

    name: str = "audit"
    title: ShownText = ""
    title_en: ShownText = ""
    # As a scenario's: coverage.settings.lang, read when the audit is loaded.
    lang: Literal["zh", "en"] = Field(
        default_factory=lambda: cast(Literal["zh", "en"], lang_or_default(None))
    )
    services: list[str] = Field(default_factory=list)
    types: dict[str, FacilityType] = Field(default_factory=dict)
    districts: Districts
    network: Network
    walk: Walk = Field(default_factory=Walk)
    facilities: list[Layer] = Field(default_factory=list)
    demand: list[Layer] = Field(default_factory=list, min_length=1)
    output: AuditOutput = Field(default_factory=AuditOutput)
    source: Path | None = Field(default=None, exclude=True)

    @field_validator("name")
    @classmethod
    def _safe_name(cls, v: str) -> str:
        if not re.fullmatch(r"[\w.-]+", v):
            raise ValueError(Msg("error.scenario.name_chars"))
        return v

    @property
    def folder(self) -> Path:
        """The audit file's folder (input paths are relative to it)."""
        return self.source.parent if self.source is not None else Path.cwd()

    def input_path(self, p: Path) -> Path:
        """An input path resolved against the audit file's folder (absolute).

        Parameters
        ----------
        p
            A path as the audit file gives it.
        """
        p = Path(p).expanduser()
        return (p if p.is_absolute() else self.folder / p).resolve()

    @property
    def output_dir(self) -> Path:
        """The audit's results folder (default ``results/<name>``), absolute."""
        return (self.output.dir or Path("results") / self.name).resolve()

    def input_files(self) -> list[tuple[str, Path]]:
        """Every input file the audit names, labelled by its key."""
        out = [("districts.path", self.input_path(self.districts.path))]
        if self.network.path is not None:
            out.append(("network.path", self.input_path(self.network.path)))
        for group in ("facilities", "demand"):
            for i, layer in enumerate(getattr(self, group)):
                if layer.path is not None:
                    out.append((f"{group}[{i}].path", self.input_path(layer.path)))
        return out


def _layer_data(audit: Audit, layer: Layer) -> dict[str, Any]:
    data = layer.model_dump(exclude_unset=True)
    if layer.path is not None:
        data["path"] = str(audit.input_path(layer.path))
    return data


def _copied(audit: Audit, layer: Layer, path: Path) -> dict[str, Any]:
    """A register layer read from the district's copy (UTF-8 CSV or GeoPackage, one sheet)."""
    data = _layer_data(audit, layer)
    return {**{k: v for k, v in data.items() if k not in ("layer", "encoding")}, "path": str(path)}


def scenario_data(
    audit: Audit,
    *,
    code: str,
    name: str,
    folder: Path,
    area: dict[str, Any],
    facilities: list[Path] | None = None,
    demand: dict[int, Path] | None = None,
) -> dict[str, Any]:
    """The scenario of one district as TOML-ready data (absolute paths).

    Parameters
    ----------
    audit
        The audit.
    code, name
        The district's code (names the scenario and its files) and its name (in the title).
    folder
        The district's results folder: ``[output] dir`` and the map inside it.
    area
        The ``[area]`` table, e.g. the district layer with a ``select`` on the code.
    facilities
        Per facility layer, the file of its rows near the district (written as the register
        has them, UTF-8, first sheet): replaces the layer's path, sheet and encoding.
    demand
        The same for demand registers, by the layer's index (rasters keep their file).
    """
    network = audit.network.model_dump(exclude_unset=True)
    for key in ("path", "cache_dir"):
        if key in network:
            network[key] = str(audit.input_path(Path(network[key])))
    title = f"{audit.title or audit.name} — {name}"
    title_en = f"{audit.title_en or audit.name} — {name}"
    return {
        "name": re.sub(r"[^\w.-]", "_", code) or "district",
        "title": title,
        "title_en": title_en,
        "lang": audit.lang,
        "services": list(audit.services),
        "types": {k: t.model_dump(exclude_unset=True) for k, t in audit.types.items()},
        "area": area,
        "network": network,
        "walk": audit.walk.model_dump(exclude_unset=True),
        "facilities": [
            _layer_data(audit, x) if facilities is None else _copied(audit, x, facilities[i])
            for i, x in enumerate(audit.facilities)
        ],
        "demand": [
            _copied(audit, x, (demand or {})[i]) if i in (demand or {}) else _layer_data(audit, x)
            for i, x in enumerate(audit.demand)
        ],
        "output": {
            **audit.output.model_dump(exclude_unset=True, exclude={"dir"}),
            "dir": str(folder),
            "map": str(folder / "map.html"),
        },
    }


def load_audit(path: str | Path) -> Audit:
    """Read and validate an audit file.

    The keys an audit shares with a scenario are checked as a scenario checks them, including
    the checks across sections (tier thresholds, layer tiers, facility types).

    Parameters
    ----------
    path
        The audit file (TOML); its input paths are relative to its folder.

    Returns
    -------
    Audit
        The validated audit.

    Raises
    ------
    ScenarioError
        One line per problem, naming the file, the key and (where found) the line.
    """
    path = Path(path)
    text, raw = read_toml(path, "audit")
    try:
        audit = Audit.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(validation_lines(path, text, exc)) from exc
    audit.source = path.resolve()
    try:  # the checks across sections: a district scenario must be valid
        Scenario.model_validate(
            scenario_data(
                audit,
                code="check",
                name="check",
                folder=audit.output_dir,
                area={"path": str(audit.input_path(audit.districts.path))},
            )
        )
    except ValidationError as exc:
        raise ScenarioError(validation_lines(path, text, exc)) from exc
    missing = [
        Msg("error.scenario.file_not_found", scenario=str(path), setting=k, file=str(p))
        for k, p in audit.input_files()
        if not p.exists()
    ]
    if missing:
        raise ScenarioError(missing)
    allowed = [audit.folder, Path.cwd()]
    if audit.output.dir is not None and not confined(audit.output_dir, allowed):
        raise ScenarioError(Msg("error.audit.dir_outside", value=repr(str(audit.output.dir))), path)
    cache = audit.network.cache_dir
    # Each district's run writes its network cache there: the audit file may choose a place
    # in its folder or the working directory, as a scenario file may (the districts' own
    # scenario files then allow it, see coverage.audit.tasks.run_district).
    if "cache_dir" in audit.network.model_fields_set and not confined(
        audit.input_path(cache), allowed
    ):
        raise ScenarioError(Msg("error.audit.cache_outside", value=repr(str(cache))), path)
    return audit
