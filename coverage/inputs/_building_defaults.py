"""The assumptions behind building demand: default tables and :class:`BuildingAssumptions`.

Kept apart from :mod:`coverage.inputs.buildings` (which re-exports every name) so that the
figures and their sources are read in one place.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coverage.errors import Msg

__all__ = [
    "BUILDING_TYPES",
    "FLOOR_AREA_PER_PERSON_BY_TYPE_M2",
    "FLOOR_AREA_PER_PERSON_M2",
    "LEVELS_BY_TYPE",
    "BuildingAssumptions",
]

Positive = Annotated[float, Field(gt=0)]

# Defaults below; a scenario may change any of them.

#: Gross floor area per person, by demand kind (m²). Residents: 40 m² is about China's urban
#: housing floor area per person (National Bureau of Statistics: 39.8 m² of construction area per
#: urban resident in 2019), i.e. gross area, as footprint × levels is. Workers: 25 m² is a gross
#: office figure (about 10 m² of desk space per employee plus corridors, cores and walls); shops
#: and factories hold fewer people per m² (see :data:`FLOOR_AREA_PER_PERSON_BY_TYPE_M2`).
FLOOR_AREA_PER_PERSON_M2: dict[str, float] = {"residents": 40.0, "workers": 25.0}

#: Per-type exceptions to the figure above (m² per person): sales floors and workshops are mostly
#: space, not staff. Applied to whichever kind counts the type.
# fmt: off
FLOOR_AREA_PER_PERSON_BY_TYPE_M2: dict[str, float] = {
    "retail": 50.0, "supermarket": 50.0, "industrial": 80.0,
}

#: ``building`` values counted for each demand kind. ``yes`` (type unknown) counts as housing:
#: most untyped buildings in Chinese city centres are housing blocks. ``warehouse``, ``garage``,
#: ``shed``, ``roof``, ``construction``… count for nothing.
BUILDING_TYPES: dict[str, tuple[str, ...]] = {
    "residents": (
        "apartments", "residential", "dormitory", "house", "detached", "semidetached_house",
        "terrace", "bungalow", "yes",
    ),
    "workers": (
        "office", "commercial", "retail", "supermarket", "industrial", "government", "public",
        "civic", "hospital", "school", "university", "college", "kindergarten", "hotel",
    ),
}

#: Levels assumed when a building has no readable ``building:levels``, by type. Chinese cities:
#: housing estates (``apartments``) are mostly high-rise (11–33 storeys) with older 6-storey
#: walk-ups among them, so 12; ``residential`` often tags the walk-ups, so 6; houses 2; untyped
#: ``yes`` 3 (many are small old buildings); offices and hotels 10; single-storey sheds, sales
#: halls and factories 1.
LEVELS_BY_TYPE: dict[str, float] = {
    "apartments": 12, "residential": 6, "dormitory": 6, "house": 2, "detached": 2,
    "semidetached_house": 2, "terrace": 3, "bungalow": 1, "yes": 3,
    "office": 10, "commercial": 4, "retail": 2, "supermarket": 1, "industrial": 1,
    "government": 5, "public": 4, "civic": 3, "hospital": 6, "school": 4, "university": 5,
    "college": 5, "kindergarten": 2, "hotel": 10,
}
# fmt: on


class BuildingAssumptions(BaseModel):
    """The figures that turn building footprints into people; every one may be set.

    Attributes
    ----------
    floor_area_per_person_m2
        Gross floor area per person for each demand kind (m²).
    floor_area_per_person_by_type_m2
        Exceptions to ``floor_area_per_person_m2`` for some ``building`` types (m²).
    building_types
        The ``building`` values counted for each demand kind (lower case).
    levels_by_type
        Levels assumed for a building type when ``building:levels`` is missing or unreadable.
    default_levels
        Levels assumed for a counted type that ``levels_by_type`` does not list.
    max_levels
        ``building:levels`` values above this are read as errors (the tallest buildings have
        about 160 levels), and the type default is used instead.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    floor_area_per_person_m2: dict[str, Positive] = Field(
        default_factory=lambda: dict(FLOOR_AREA_PER_PERSON_M2)
    )
    floor_area_per_person_by_type_m2: dict[str, Positive] = Field(
        default_factory=lambda: dict(FLOOR_AREA_PER_PERSON_BY_TYPE_M2)
    )
    building_types: dict[str, tuple[str, ...]] = Field(default_factory=lambda: dict(BUILDING_TYPES))
    levels_by_type: dict[str, Positive] = Field(default_factory=lambda: dict(LEVELS_BY_TYPE))
    default_levels: Positive = 3.0
    max_levels: Positive = 200.0

    @model_validator(mode="after")
    def _consistent(self) -> BuildingAssumptions:
        # Each check raises a catalogue message naming the setting and the value, so a scenario
        # in either language gets its own words.
        kinds, areas = set(self.building_types), set(self.floor_area_per_person_m2)
        if kinds != areas:
            raise ValueError(
                Msg(
                    "error.scenario.buildings_kinds",
                    kinds=", ".join(sorted(kinds)) or "-",
                    areas=", ".join(sorted(areas)) or "-",
                )
            )
        named = [
            (setting, t)
            for setting in ("levels_by_type", "floor_area_per_person_by_type_m2")
            for t in getattr(self, setting)
        ]
        named += [
            (f"building_types.{k}", t) for k, types in self.building_types.items() for t in types
        ]
        for setting, t in named:
            if t != t.strip().lower():  # they are matched to lower-cased tags
                raise ValueError(
                    Msg(
                        "error.scenario.buildings_case",
                        setting=setting,
                        value=repr(t),
                        fixed=repr(t.strip().lower()),
                    )
                )
        # A type the planner named that no kind counts is a typo: its figure would never be used.
        # Only settings given are checked: the default tables name every default type.
        counted = {t for types in self.building_types.values() for t in types}
        for setting in ("levels_by_type", "floor_area_per_person_by_type_m2"):
            stray = [t for t in getattr(self, setting) if t not in counted]
            if setting in self.model_fields_set and stray:
                raise ValueError(
                    Msg(
                        "error.scenario.buildings_type",
                        setting=setting,
                        value=", ".join(map(repr, stray)),
                        known=", ".join(sorted(counted)),
                    )
                )
        return self

    def as_dict(self) -> dict[str, Any]:
        """Every assumption as plain JSON values, for ``run.json``."""
        return self.model_dump(mode="json")

    def levels_for(self, building_type: str) -> float:
        """Levels assumed for a building of this type."""
        return float(self.levels_by_type.get(building_type, self.default_levels))

    def area_per_person(self, building_type: str, kind: str) -> float:
        """Floor area per person (m²) for a building of this type, for this demand kind."""
        by_type = self.floor_area_per_person_by_type_m2.get(building_type)
        return float(by_type if by_type is not None else self.floor_area_per_person_m2[kind])
