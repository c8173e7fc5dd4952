"""The validated scenario: its sections, tier vocabulary and resolved input and output paths."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, cast, overload

from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from coverage import vocab
from coverage.errors import Msg, ScenarioError
from coverage.i18n import lang_or_default
from coverage.scenario.checks import WRITE_KEYS, confined, error_msg, location
from coverage.scenario.layer_sections import FacilityType, Layer, tier_code_in, type_vocabulary
from coverage.scenario.sections import (
    Area,
    Network,
    Output,
    Plan,
    Section,
    ShownText,
    Walk,
    check_tianditu_key,
)
from coverage.scenario.specs import CatchmentSpec, WalkModel

__all__ = ["Scenario"]


def _readable(name: str) -> str:
    """A file-like name as a heading: a lower-case ``jianghan_2025`` → ``Jianghan 2025``.

    A name with capitals is kept as written: whoever wrote ``JiangHan`` chose its spelling.
    """
    if name != name.lower():
        return name
    words = re.sub(r"[_-]+", " ", name).strip() or name
    return words[:1].upper() + words[1:]


def _tier_keys(thresholds: dict[str, float], words: vocab.Vocabulary) -> dict[str, float]:
    """Threshold keys as tier codes (any name of a tier is accepted), or a ValueError(Msg)."""
    out: dict[str, float] = {}
    for key, minutes in thresholds.items():
        code = words.normalize(key)
        if code is None:
            raise ValueError(
                Msg(
                    "error.scenario.threshold_unknown_tier",
                    value=repr(key),
                    known=", ".join(words.codes),
                    example="服务中心",
                )
            )
        if code in out:
            raise ValueError(Msg("error.scenario.threshold_twice", name=repr(key), code=code))
        out[code] = minutes
    return out


def _default_lang() -> Literal["zh", "en"]:
    """:data:`coverage.settings.lang`, checked (a ValueError names it when unknown)."""
    return cast(Literal["zh", "en"], lang_or_default(None))


class Scenario(Section):
    """A validated scenario. Build with :func:`load_scenario`.

    Attributes
    ----------
    name
        Names the outputs (letters, digits, ``.``, ``_``, ``-``; default ``scenario``).
    title
        Title of Chinese outputs.
    title_en
        Title of English outputs (default: ``name``, made readable).
    lang
        ``"zh"`` or ``"en"``: the words of every output (default
        :data:`coverage.settings.lang`, ``"zh"``).
    services
        Known services; empty: accept all.
    types
        Further facility types by code.
    area
        ``[area]``.
    network
        ``[network]`` (required).
    walk
        ``[walk]``.
    facilities
        ``[[facilities]]`` layers.
    demand
        ``[[demand]]`` layers.
    candidates
        ``[[candidates]]`` layers.
    plan
        ``[plan]``.
    output
        ``[output]``.
    source
        The scenario file (input paths are relative to its folder).
    """

    name: str = "scenario"
    title: ShownText = ""
    #: The title of English outputs (``lang = "en"``); without it they show ``name``.
    title_en: ShownText = ""
    # Read when a scenario is built: a file without lang follows coverage.settings.lang.
    lang: Literal["zh", "en"] = Field(default_factory=_default_lang)
    #: Known services; others found in facility layers are dropped from the row with a warning
    #: (a typo such as 法律援肋 must not create a service of its own). Empty: accept all.
    services: list[str] = Field(default_factory=list)
    #: Further facility types (``[types.<code>]``); before the sections that name tiers, so
    #: their validators can use them.
    types: dict[str, FacilityType] = Field(default_factory=dict)
    area: Area = Field(default_factory=Area)
    network: Network
    # Validated when left out too: a declared type's threshold_min lands in its thresholds.
    walk: Walk = Field(default_factory=Walk, validate_default=True)
    facilities: list[Layer] = Field(default_factory=list)
    demand: list[Layer] = Field(default_factory=list)
    candidates: list[Layer] = Field(default_factory=list)
    plan: Plan = Field(default_factory=Plan)
    output: Output = Field(default_factory=Output)
    source: Path | None = Field(default=None, exclude=True)  # the scenario file
    # Write paths as the scenario file gave them (see WRITE_KEYS): only these are confined.
    _file_writes: dict[str, Path] = PrivateAttr(default_factory=dict)
    _warnings: list[tuple[int | None, str, Msg]] = PrivateAttr(default_factory=list)

    def display_title(self, lang: str | None = None) -> str:
        """The title outputs in ``lang`` (default: the scenario's) show.

        Chinese: ``title``, else ``name``. English: ``title_en``, else ``name`` made readable
        (``wuhan`` → ``Wuhan``, ``jianghan_2025`` → ``Jianghan 2025``) — never the Chinese
        ``title``, so an English map or report carries no Chinese heading (and an English
        printable map, drawn without a Chinese font, no empty boxes).

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``. None: the scenario's ``lang``.
        """
        if (lang or self.lang) == "en":
            return self.title_en or _readable(self.name)
        return self.title or self.name

    @property
    def warning_items(self) -> list[tuple[int | None, str, Msg]]:
        """Unusual but valid values found by :func:`load_scenario`: (line, key, message).

        ``str(message)`` is English; ``message.text(lang)`` words it in ``lang``.
        """
        return list(self._warnings)

    @property
    def warnings(self) -> list[str]:
        """The same, one line each: ``scenario.toml:9: walk.speed_kmh: 1000 km/h is …``."""
        return self.warning_lines("en")

    def warning_lines(self, lang: str) -> list[str]:
        """:attr:`warnings` in ``lang`` (``"zh"`` or ``"en"``).

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``.
        """
        where = self.source or "scenario"
        return [
            f"{where}{f':{line}' if line else ''}: {key}: {message.text(lang)}"
            for line, key, message in self._warnings
        ]

    @field_validator("name")
    @classmethod
    def _safe_name(cls, v: str) -> str:
        if not re.fullmatch(r"[\w.-]+", v):
            raise ValueError(Msg("error.scenario.name_chars"))
        return v

    @field_validator("types")
    @classmethod
    def _types(cls, v: dict[str, FacilityType]) -> dict[str, FacilityType]:
        type_vocabulary(v)  # codes well formed, names clash with no tier
        return v

    @field_validator("walk")
    @classmethod
    def _tier_thresholds(cls, v: Walk, info: ValidationInfo) -> Walk:
        """Threshold keys become codes (any name of a tier is accepted); declared types add theirs."""
        if "types" not in info.data:  # the types are invalid: reported on their own
            return v
        types = info.data["types"]
        out = _tier_keys(v.tier_threshold_min, type_vocabulary(types))
        for code, t in types.items():
            if t.threshold_min is None:
                continue
            if code in out:
                raise ValueError(Msg("error.scenario.threshold_in_type", code=code))
            out[code] = t.threshold_min
        v.tier_threshold_min = out
        return v

    @field_validator("facilities", "candidates")
    @classmethod
    def _layer_tiers(cls, v: list[Layer], info: ValidationInfo) -> list[Layer]:
        if "types" in info.data:
            words = type_vocabulary(info.data["types"])
            for i, layer in enumerate(v):
                if layer.tier is not None:
                    layer.tier = tier_code_in(words, layer.tier, f"[{i}] tier")
        return v

    @field_validator("plan")
    @classmethod
    def _plan_tiers(cls, v: Plan, info: ValidationInfo) -> Plan:
        if "types" in info.data:
            words = type_vocabulary(info.data["types"])
            # All at once: one by one, validate_assignment would see tiers and stage_add disagree.
            v = v.model_copy(
                update={
                    "tier": tier_code_in(words, v.tier, "tier"),
                    "tiers": [tier_code_in(words, t, "tiers") for t in v.tiers],
                    "stage_add": {
                        tier_code_in(words, t, "stage_add"): k for t, k in v.stage_add.items()
                    },
                }
            )
        return v

    @model_validator(mode="after")
    def _layers(self) -> Scenario:
        if not self.facilities and not self.candidates:
            raise ValueError(Msg("error.scenario.no_layers"))
        for i, layer in enumerate(self.demand):
            if layer.is_raster or layer.osm_buildings:
                continue  # people per cell or per building: no weight column
            if layer.weight is None and "weight" not in layer.columns:
                raise ValueError(
                    Msg("error.scenario.demand_weight", setting=f"demand.{i}", path=str(layer.path))
                )
        for name, group in (("facilities", self.facilities), ("candidates", self.candidates)):
            for i, layer in enumerate(group):
                if layer.path is None or layer.is_raster:
                    raise ValueError(Msg("error.scenario.not_a_register", setting=f"{name}.{i}"))
        if (
            any(layer.is_raster or layer.osm_buildings for layer in self.demand)
            and self.area.path is None
            and self.area.subdistricts is None
            and self.network.place is None
        ):
            raise ValueError(Msg("error.scenario.raster_needs_area"))
        return self

    # Tier vocabulary -------------------------------------------------------------------------

    @property
    def vocabulary(self) -> vocab.Vocabulary:
        """The built-in tiers and the scenario's declared facility types."""
        return type_vocabulary(self.types)

    def tier_code(self, value: str) -> str:
        """The tier code of a name given outside the file (e.g. ``--tier 服务站点``).

        Parameters
        ----------
        value
            A tier's code, label or alias.

        Raises
        ------
        ScenarioError
            The name is no tier of this scenario.
        """
        code = self.vocabulary.normalize(value)
        if code is None:
            raise ScenarioError(vocab.unknown_tier(value, self.vocabulary), self.source)
        return code

    @model_validator(mode="after")
    def _plan_tiers_known(self) -> Scenario:
        known = self.known_tiers
        for key, names in (("tier", [self.plan.tier]), ("tiers", self.plan.tiers)):
            unknown = [t for t in names if t not in known]
            if unknown:
                raise ValueError(
                    Msg(
                        "error.scenario.plan_unknown_tier",
                        setting=f"plan.{key}",
                        tiers=", ".join(map(repr, unknown)),
                        known=", ".join(known),
                    )
                )
        return self

    @property
    def known_tiers(self) -> list[str]:
        """Tiers a plan may name: the built-in tiers and the scenario's declared types."""
        return list(dict.fromkeys([*self.vocabulary.codes, *self.walk.tier_threshold_min]))

    # Typed views of [walk] ------------------------------------------------------------------

    def walk_now(self) -> Walk:
        """``[walk]`` as it is now, checked as the scenario file's was, tier names as codes.

        A notebook may have changed it in place (``s.walk.tier_threshold_min["服务站点"] = 10``
        or ``s.walk.bands_min.append(0)``), which no validator sees.

        Raises
        ------
        ScenarioError
            One line naming the ``[walk]`` key and what is wrong with its value.
        """
        try:
            walk = Walk.model_validate(self.walk.model_dump())
            walk.tier_threshold_min = _tier_keys(walk.tier_threshold_min, self.vocabulary)
        except ValidationError as exc:
            first, *more = [
                Msg("error.text", text=f"[walk] {location('', e['loc'])}: ") + error_msg(e)
                for e in exc.errors()
            ]
            for m in more:
                first += Msg("error.scenario.and") + m
            raise ScenarioError(first, self.source) from None
        except ValueError as exc:  # a tier name no tier has, or one tier named twice
            raise ScenarioError(exc.args[0], self.source) from None
        return walk

    def walk_model(self) -> WalkModel:
        """The walking model of ``[walk]`` (speed, thresholds, snap limit), as it is now."""
        w = self.walk_now()
        return WalkModel(
            speed_kmh=w.speed_kmh,
            threshold_min=w.threshold_min,
            tier_threshold_min=w.tier_threshold_min,
            max_snap_m=w.max_snap_m,
            include_access=w.include_access,
            steps_penalty=w.steps_penalty,
            circle_radius_m=w.circle_radius_m,
        )

    def catchment_spec(self) -> CatchmentSpec:
        """How ``[walk]`` says catchments are drawn (bands, walk-off, method, cell), as it is now."""
        w = self.walk_now()
        return CatchmentSpec(
            bands_min=tuple(w.bands_min),
            walk_off_m=w.walk_off_m,
            method=w.catchment_method,
            cell_m=w.catchment_cell_m,
        )

    # Resolved locations ----------------------------------------------------------------------

    @property
    def folder(self) -> Path:
        """The scenario file's folder (input paths are relative to it)."""
        return self.source.parent if self.source is not None else Path.cwd()

    @overload
    def input_path(self, p: Path) -> Path: ...

    @overload
    def input_path(self, p: Path | None) -> Path | None: ...

    def input_path(self, p: Path | None) -> Path | None:
        """An input path resolved against the scenario file's folder.

        Parameters
        ----------
        p
            A path as the scenario file gives it, or None.
        """
        if p is None:
            return None
        p = Path(p).expanduser()
        return p if p.is_absolute() else self.folder / p

    @property
    def output_dir(self) -> Path:
        """The results folder (refused when the scenario file points outside its folder and the cwd)."""
        self.check_writes(["[output] dir"])
        return self.output.dir or Path("results") / self.name

    @property
    def map_path(self) -> Path:
        """The HTML map to write (refused like :attr:`output_dir`)."""
        self.check_writes(["[output] map"])
        return self.output.map or Path("maps") / f"{self.name}.html"

    @property
    def print_map_path(self) -> Path | None:
        """The printable map to write, if any (refused like :attr:`output_dir`)."""
        self.check_writes(["[output] print_map"])
        return self.output.print_map

    @property
    def cache_dir(self) -> Path:
        """The download cache folder, relative to the scenario's folder (refused like :attr:`output_dir`)."""
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
        what = Msg("error.scenario.option", option=label or f"[output] {key}", value=value)
        try:
            checked = Output.model_validate({**self.output.model_dump(), key: value})
            if key == "basemap":  # --basemap tianditu without a key: now, not after the run
                check_tianditu_key(checked.basemap, checked.tianditu_key)
        except ValidationError as exc:
            first, *more = [error_msg(e) for e in exc.errors()]  # as a scenario file's value
            what += first
            for m in more:
                what += Msg("error.scenario.and") + m
            raise ScenarioError(what) from None
        except ValueError as exc:  # check_tianditu_key's Msg
            raise ScenarioError(what + exc.args[0]) from None
        setattr(self.output, key, getattr(checked, key))
        self._file_writes.pop(f"[output] {key}", None)

    def allow_write(self, key: str) -> None:
        """Let :meth:`check_writes` pass a write path a caller has confined itself.

        The audit writes each district's scenario with the audit's network cache, which it
        checked against the audit's folder and the working directory: the district's folder
        (where its scenario file lies) is not where that path must be.

        Parameters
        ----------
        key
            A key of :data:`WRITE_KEYS`, e.g. ``"[network] cache_dir"``.
        """
        if key not in WRITE_KEYS:
            raise KeyError(key)
        self._file_writes.pop(key, None)

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
            if not confined(where, [self.folder, Path.cwd()]):
                lines.append(
                    Msg(
                        "error.scenario.write_outside",
                        scenario=str(self.source),
                        name=key,
                        value=repr(str(value)),
                        folder=str(self.folder),
                        cwd=str(Path.cwd()),
                        instead=Msg(instead),
                    )
                )
        if lines:
            raise ScenarioError(lines)
