"""Package-wide defaults. Scenario files override them; change them here only for new defaults."""

from coverage.vocab import TIER_CODES

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

#: Street types that pedestrians may not use in a street-only network.
non_walkable_highways: frozenset[str] = frozenset(
    {"motorway", "motorway_link", "trunk", "trunk_link", "construction", "proposed", "raceway"}
)

#: Street types whose ``oneway`` tag binds pedestrians too (on roads, oneway is for vehicles).
pedestrian_highways: frozenset[str] = frozenset(
    {"footway", "path", "steps", "pedestrian", "corridor", "bridleway", "cycleway", "track"}
)

#: Facility tiers known to the planner, from the top down (codes; see :mod:`coverage.vocab`).
tiers: tuple[str, ...] = TIER_CODES

#: Where downloaded networks are cached.
cache_folder: str = "cache"

#: Default label language for maps and reports ("zh" or "en").
lang: str = "zh"
