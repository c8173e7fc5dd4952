"""Package-wide defaults, read at call time (as ``osmnx.settings``).

Set one after import (``coverage.settings.threshold_min = 10``) and a scenario loaded or a
function called afterwards without that value uses it; scenario files and arguments override
them. Tier codes are not here: they live in :mod:`coverage.vocab`.
"""

__all__ = [
    "walk_speed_kmh",
    "threshold_min",
    "bands_min",
    "steps_penalty",
    "max_snap_m",
    "walk_off_m",
    "circle_radius_m",
    "non_walkable_highways",
    "not_street_highways",
    "foot_allowed",
    "foot_forbidden",
    "access_forbidden",
    "pedestrian_highways",
    "cache_folder",
    "lang",
]

#: Walking speed in km/h (a common planning value; elderly walkers are nearer 3.6).
walk_speed_kmh: float = 4.5

#: Walking-time threshold in minutes ("15-minute walk").
threshold_min: float = 15.0

#: Time bands drawn for each catchment, in minutes.
bands_min: tuple[float, ...] = (5.0, 10.0, 15.0)

#: Multiplier on the walking time of ``highway=steps`` edges (climbing is slower).
steps_penalty: float = 2.0

#: Points farther than this from the nearest walkable street (metres) are reported, not used.
max_snap_m: float = 300.0

#: Buffer around reachable street segments when drawing catchments (metres).
walk_off_m: float = 50.0

#: Straight-line radius quoted by many plans ("1 km circle").
circle_radius_m: float = 1000.0

# The walk rule (coverage.network): a way is a walkable street when it has a ``highway`` value
# that is in neither set below, is not ``foot=no`` and not ``access=no/private`` (unless
# ``foot=yes``). Ways without ``highway`` (railways, buildings, landuse, rivers…) never are.
# Like osmnx's "walk" filter, but trunk roads are closed too (in Chinese cities they are urban
# expressways), cycleways stay open, and highway areas (``area=yes``, e.g. a pedestrian square)
# are walked along their outline: never shorter than the walk across, so never optimistic.

#: Street types closed to pedestrians unless the way says ``foot=yes/designated/permissive``
#: (e.g. a trunk road with a sidewalk).
non_walkable_highways: frozenset[str] = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "bus_guideway",
        "raceway",
        "escape",
    }
)

#: ``highway`` values that are no usable way at all (not built, gone, or not a way to walk
#: along): never walkable, whatever ``foot`` says.
not_street_highways: frozenset[str] = frozenset(
    {
        "construction",
        "proposed",
        "planned",
        "abandoned",
        "disused",
        "razed",
        "demolished",
        "no",
        "platform",
        "bus_stop",
        "rest_area",
        "services",
    }
)

#: ``foot`` values that open a way to walkers (even a trunk road or a private one).
foot_allowed: frozenset[str] = frozenset({"yes", "designated", "permissive"})

#: ``foot`` values that close a way to walkers (``use_sidepath``: the sidewalk is its own way).
foot_forbidden: frozenset[str] = frozenset({"no", "private", "use_sidepath"})

#: ``access`` values that close a way to walkers unless ``foot`` opens it.
access_forbidden: frozenset[str] = frozenset({"no", "private"})

#: Street types whose ``oneway`` tag binds pedestrians too (on roads, oneway is for vehicles).
pedestrian_highways: frozenset[str] = frozenset(
    {"footway", "path", "steps", "pedestrian", "corridor", "bridleway", "cycleway", "track"}
)

#: Cache folder when none is given: a scenario's without ``[network] cache_dir`` (relative to
#: the scenario file) and the download functions' (relative to the working directory). It holds
#: downloaded networks, osmnx's HTTP cache (``http/``) and prepared networks.
cache_folder: str = "cache"

#: Default language ("zh" or "en") of scenarios and audit files without ``lang``, and of maps,
#: figures, reports and workbooks made without a ``lang`` argument.
lang: str = "zh"
