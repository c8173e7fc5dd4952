"""Whether a point layer fits the streets better under another datum than the declared one.

The street-fit half of :func:`~coverage.inputs.datum_check.check_datum`: each point's distance
to the nearest street is measured as declared and as if the file had been WGS-84, GCJ-02 or
BD-09, and compared with how close points come to a street by chance (the declared points moved
1 km in eight directions). :func:`street_check` gives the layer's verdict and, row by row, the
rows that sit on a street only under another datum.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

from coverage.datum import DATUM_NAMES, DATUMS, from_wgs84, in_china, to_wgs84, utm_epsg
from coverage.errors import Msg, first_rows

__all__ = ["DatumFinding", "binom_tail", "street_geoms", "extent", "inside", "street_check"]


@dataclass(frozen=True)
class DatumFinding:
    """One result of :func:`check_datum`.

    Attributes
    ----------
    code
        ``"datum_ok"``, ``"looks_gcj02"``, ``"looks_bd09"``, ``"looks_wgs84"``,
        ``"rows_other_datum"``, ``"latlon_swapped"``, ``"out_of_range"``, ``"outside_china"``,
        ``"far_from_streets"`` or ``"inconclusive"``.
    level
        ``"warning"`` (the planner should act) or ``"info"``.
    message
        One sentence for the run report.
    details
        Numbers behind the message (counts, median distances in metres, row numbers).
    """

    code: str
    level: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The finding as a plain dict (for JSON)."""
        return asdict(self)

    def __str__(self) -> str:
        return f"[{self.level}] {self.message}"


def street_geoms(streets: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    """Street geometries in a metric CRS (their own if projected in metres, else local UTM)."""
    geoms = streets.geometry if isinstance(streets, gpd.GeoDataFrame) else streets
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    if geoms.crs is None:
        x0, y0, x1, y1 = geoms.total_bounds
        if -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90:
            geoms = geoms.set_crs(4326)
        else:
            raise ValueError("the streets have no CRS and are not in longitude/latitude")
    crs = CRS(geoms.crs)
    if crs.is_projected and crs.axis_info and crs.axis_info[0].unit_name in ("metre", "meter"):
        return geoms
    # The zone of the streets themselves: the points may be the ones that are wrong.
    x0, y0, x1, y1 = geoms.to_crs(4326).total_bounds
    return geoms.to_crs(utm_epsg([(x0 + x1) / 2], [(y0 + y1) / 2]))


def extent(metric: gpd.GeoSeries, margin_deg: float = 0.02) -> tuple[float, float, float, float]:
    """Longitude/latitude box of the streets, with a margin of about 2 km."""
    tr = Transformer.from_crs(metric.crs, 4326, always_xy=True)
    left, bottom, right, top = metric.total_bounds
    x0, y0, x1, y1 = tr.transform_bounds(left, bottom, right, top, densify_pts=21)
    return x0 - margin_deg, y0 - margin_deg, x1 + margin_deg, y1 + margin_deg


def inside(box: tuple[float, float, float, float], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Whether each point lies in the longitude/latitude ``box``."""
    x0, y0, x1, y1 = box
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def _project(crs: Any, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS-84 points as shapely points in ``crs``."""
    return np.asarray(gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(crs).to_numpy())


def _nearest_m(tree: shapely.STRtree, pts: np.ndarray, search_m: float) -> np.ndarray:
    """Distance (m) from each metric point to the nearest street; inf when none within reach."""
    dist = np.full(len(pts), np.inf)
    # Unbounded, then cut at search_m: the same answer as GEOS's max_distance, twice as fast.
    idx, d = tree.query_nearest(pts, return_distance=True)
    # Ties return several streets for one point; the distances are equal, keep the minimum.
    np.minimum.at(dist, idx[0], d)
    dist[dist > search_m] = np.inf
    return dist


_lgamma = np.frompyfunc(math.lgamma, 1, 1)


def binom_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p): ``scipy.stats.binom.sf(k - 1, n, p)``.

    Summed in logarithms over the tail's terms; without scipy.stats, whose import alone costs
    about a second (a test compares the two).
    """
    if k <= 0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    i = np.arange(k, n + 1, dtype=float)
    log_c = math.lgamma(n + 1) - _lgamma(i + 1).astype(float) - _lgamma(n - i + 1).astype(float)
    terms = log_c + i * math.log(p) + (n - i) * math.log1p(-p)
    top = float(terms.max())
    return min(1.0, math.exp(top) * float(np.exp(terms - top).sum()))


def _m(value: float, search_m: float) -> str:
    """A distance for messages; inf means nothing within the search radius."""
    return f"{value:.0f} m" if np.isfinite(value) else f"more than {search_m:.0f} m"


#: Random-shift baseline: the declared points moved 1 km in eight directions. No datum moves
#: points by that vector (and eight of them pool away any coincidence), so these tell how close
#: to a street points come by chance where the streets are as dense as here.
_CONTROL_SHIFTS_M: tuple[tuple[float, float], ...] = tuple(
    (round(1000 * np.sin(a), 1), round(1000 * np.cos(a), 1))
    for a in np.deg2rad(np.arange(0, 360, 45))
)


def street_check(
    lon: np.ndarray,
    lat: np.ndarray,
    rows: np.ndarray,
    metric: gpd.GeoSeries,
    decl: str,
    *,
    max_points: int,
    min_points: int,
    search_m: float,
    far_m: float,
    near_m: float,
    per_row: bool,
    seed: int,
) -> list[DatumFinding]:
    # Only points where the datums differ tell anything; others are the same under every datum.
    """Findings on how well the points fit the streets under the declared and other datums."""
    china = in_china(lon, lat)
    if len(lon) and not china.any():
        return [
            DatumFinding(
                "inconclusive",
                "info",
                "no point is in China, where WGS-84, GCJ-02 and BD-09 differ: nothing to check",
                {"points": 0},
            )
        ]
    lon, lat, rows = lon[china], lat[china], rows[china]
    if len(lon) < min_points:
        return [
            DatumFinding(
                "inconclusive",
                "info",
                f"too few points in China ({len(lon)}) to check the datum against the streets",
                {"points": len(lon)},
            )
        ]
    if len(lon) > max_points and not per_row:
        pick = np.sort(np.random.default_rng(seed).choice(len(lon), size=max_points, replace=False))
        lon, lat, rows = lon[pick], lat[pick], rows[pick]
    tree = shapely.STRtree(metric.to_numpy())

    # Recover the coordinates as they were in the file, then read them under each datum.
    raw_lon, raw_lat = from_wgs84(lon, lat, decl)
    dist: dict[str, np.ndarray] = {}
    for key in DATUMS:
        x, y = (lon, lat) if key == decl else to_wgs84(raw_lon, raw_lat, key)
        pts = _project(metric.crs, x, y)
        if key == decl:
            declared_pts = pts
        dist[key] = _nearest_m(tree, pts, search_m)
    # The baseline needs no more than a sample.
    xy = shapely.get_coordinates(declared_pts)
    if len(xy) > max_points:
        xy = xy[np.random.default_rng(seed).choice(len(xy), size=max_points, replace=False)]
    control = np.concatenate(
        [_nearest_m(tree, shapely.points(xy + np.array(s)), search_m) for s in _CONTROL_SHIFTS_M]
    )
    near = np.zeros(len(lon), dtype=bool)
    for d in dist.values():
        near |= np.isfinite(d)
    finding = _layer_verdict(dist, control, near, decl, min_points, search_m, far_m, near_m)
    out = [finding]
    if per_row and finding.details.get("street_bound"):
        rows_finding = _row_check(dist, near, rows, decl, search_m)
        if rows_finding is not None:
            out.append(rows_finding)
    return out


def _median(d: np.ndarray) -> float:
    return float(np.median(d)) if len(d) else float("inf")


def _strength(
    here: float,
    there: float,
    s_here: float,
    s_there: float,
    closer: float,
    ctrl_median: float,
    ctrl_share: float,
    chance: float,
) -> tuple[bool, bool]:
    """Whether the other datum's evidence is suggestive and conclusive (see `_layer_verdict`).

    ``here``/``there``: median distances as declared and under the other datum; ``s_``: shares
    within ``near_m``; ``ctrl_``: the same for the random shifts.
    """
    gain = here - there if np.isfinite(here) else float("inf")
    suggestive = (
        there <= 0.5 * here and gain >= 5.0 and closer >= 0.6 and there <= 0.75 * ctrl_median
    )
    conclusive = (
        suggestive
        and gain >= 10.0
        and there <= 0.5 * ctrl_median
        and s_there >= 0.6
        and s_there >= max(s_here, ctrl_share) + 0.25
        and chance < 1e-3
    )
    return suggestive, conclusive


def _layer_verdict(
    dist: dict[str, np.ndarray],
    control: np.ndarray,
    near: np.ndarray,
    decl: str,
    min_points: int,
    search_m: float,
    far_m: float,
    near_m: float,
) -> DatumFinding:
    """Whether the points fit the streets systematically better under another datum.

    Evidence, over the points within ``search_m`` of a street under some datum:

    * the median distance to the nearest street under each datum;
    * the share of points within ``near_m`` of a street under each datum;
    * the same for the declared points moved 1 km in eight directions (``control``, pooled): how
      close to a street points come by chance where the streets are this dense. A correct
      layer whose points all sit away from the streets (block interiors, parks) comes closer to
      them under *any* shift, so another datum must also beat the random shifts.

    Suggestive (a warning): under the other datum the median at least halves, by 5 m or more,
    most points move closer, and the median is below three quarters of the random shifts'.
    Conclusive (an error unless ``datum_check = "warn"``), in addition: the median drops by 10 m
    or more to at most half the random shifts'; at least 60 % of the points are within
    ``near_m`` of a street, 25 points (in %) more than as declared and than by chance; and that
    many points that close would happen by chance with a probability below 1/1000 (binomial
    tail at the larger of the two shares), which small layers cannot reach by luck.
    """
    name = DATUM_NAMES[decl]
    n_near = int(near.sum())
    medians = {k: _median(v[near]) for k, v in dist.items()}
    shares = {k: float(np.mean(v[near] <= near_m)) if n_near else 0.0 for k, v in dist.items()}
    # Shifts that leave the network say nothing about chance.
    ctrl = control[np.isfinite(control)]
    ctrl_median = _median(ctrl)
    ctrl_share = float(np.mean(ctrl <= near_m)) if len(ctrl) else 0.0
    here, s_here = medians[decl], shares[decl]
    details: dict[str, Any] = {
        "points": len(near),
        "points_near_streets": n_near,
        "search_m": search_m,  # an infinite median: "more than search_m"
        "median_m": {DATUM_NAMES[k]: round(v, 1) for k, v in medians.items()},
        "within_m": near_m,
        "share_within": {DATUM_NAMES[k]: round(v, 3) for k, v in shares.items()},
        "random_shift_median_m": round(ctrl_median, 1),
        "random_shift_share_within": round(ctrl_share, 3),
        # The layer sits on its streets as declared: being near a street tells something.
        "street_bound": n_near >= min_points and s_here >= 0.6 and s_here >= ctrl_share + 0.25,
    }
    if n_near < min_points:
        return DatumFinding(
            "inconclusive",
            "info",
            f"only {n_near} of {len(near)} points are within {search_m:.0f} m of the "
            "streets: the street network may not cover this layer, so its datum was not checked",
            details,
        )
    best = min((k for k in DATUMS if k != decl), key=lambda k: medians[k])
    there, s_there = medians[best], shares[best]
    closer = float(np.mean(dist[best][near] < dist[decl][near]))
    chance = binom_tail(round(s_there * n_near), n_near, min(max(s_here, ctrl_share), 1.0))
    suggestive, conclusive = _strength(
        here, there, s_here, s_there, closer, ctrl_median, ctrl_share, chance
    )
    evidence = (
        f"median {_m(here, search_m)} from a street as {name}, {_m(there, search_m)} as "
        f"{DATUM_NAMES[best]}; {s_there:.0%} of points within {near_m:.0f} m as "
        f"{DATUM_NAMES[best]} ({s_here:.0%} as {name}, {ctrl_share:.0%} by chance)"
    )
    details.update(
        {
            "declared": decl,
            "best": DATUM_NAMES[best],
            "best_key": best,
            "share_closer": round(closer, 3),
            "chance": chance,
            "conclusive": conclusive,
            "evidence": evidence,
        }
    )
    return _verdict(
        decl,
        best,
        medians,
        closer,
        details,
        suggestive=suggestive,
        conclusive=conclusive,
        search_m=search_m,
        far_m=far_m,
    )


def _verdict(
    decl: str,
    best: str,
    medians: dict[str, float],
    closer: float,
    details: dict[str, Any],
    *,
    suggestive: bool,
    conclusive: bool,
    search_m: float,
    far_m: float,
) -> DatumFinding:
    """The finding for the evidence weighed by :func:`_layer_verdict`, with its message."""
    name = DATUM_NAMES[decl]
    here, evidence = medians[decl], details["evidence"]
    others = ", ".join(
        f"{_m(medians[k], search_m)} if read as {DATUM_NAMES[k]}" for k in DATUMS if k != decl
    )
    if conclusive:
        return DatumFinding(
            f"looks_{best}",
            "warning",
            f"the points fit the streets as {DATUM_NAMES[best]}, not as {name} (the declared "
            f'datum): {evidence}; declare crs = "{best}"',
            details,
        )
    if suggestive:
        return DatumFinding(
            f"looks_{best}",
            "warning",
            f"the points may be {DATUM_NAMES[best]} coordinates although the layer is declared "
            f"{name}: {evidence}, {closer:.0%} of the points move closer; too few sit on a "
            "street under either datum for a firm verdict: check the crs setting",
            details,
        )
    if here > far_m:
        return DatumFinding(
            "far_from_streets",
            "warning",
            f"points are far from the streets under every datum (median {_m(here, search_m)} "
            f"as declared, {others}): the street network may not cover them, or the coordinate "
            "system is wrong",
            details,
        )
    return DatumFinding(
        "datum_ok",
        "info",
        f"{name} confirmed: the median distance to the nearest street is {_m(here, search_m)} as "
        f"declared ({others})",
        details,
    )


def _row_check(
    dist: dict[str, np.ndarray], near: np.ndarray, rows: np.ndarray, decl: str, search_m: float
) -> DatumFinding | None:
    """Rows that sit on a street under another datum and well off the streets as declared.

    The layer fits its datum, so its own spread says how far from a street a good row is:
    ``tol`` is twice the median distance as declared, between 10 and 50 m. A row is reported
    when another datum brings it within ``tol`` of a street while as declared it is at least
    ``4 × tol`` away (so 30 m closer at least). A row whose wrong reading happens to land
    beside another street cannot be told apart this way; the layer-level check still counts it.
    """
    here = dist[decl]
    scale = float(np.median(here[near]))
    tol = float(np.clip(2 * scale, 10.0, 50.0)) if np.isfinite(scale) else 50.0
    others = [k for k in DATUMS if k != decl]
    alt = np.vstack([dist[k] for k in others])
    pick = np.argmin(alt, axis=0)
    there = alt[pick, np.arange(alt.shape[1])]
    flagged = near & (there <= tol) & (here >= 4 * tol)
    if not flagged.any():
        return None
    name = DATUM_NAMES[decl]
    found = []
    for i in np.flatnonzero(flagged):
        key = others[pick[i]]
        gain = here[i] - there[i]
        found.append(
            {
                "row": int(rows[i]),
                "datum": key,
                "declared_m": round(float(here[i]), 1),
                "fit_m": round(float(there[i]), 1),
                "gain_m": round(float(gain), 1) if np.isfinite(gain) else None,
                "message": (
                    f"fits the streets as {DATUM_NAMES[key]}, not as {name} (the layer's crs): "
                    f"{there[i]:.0f} m from a street as {DATUM_NAMES[key]}, "
                    f"{_m(here[i], search_m)} as {name}"
                    + (f" ({gain:.0f} m closer)" if np.isfinite(gain) else "")
                    + f"; kept as {name} — check this row's coordinates (copied from a "
                    f"{DATUM_NAMES[key]} map?)"
                ),
            }
        )
    k = len(found)
    listed = [f["row"] for f in found[:20]]
    return DatumFinding(
        "rows_other_datum",
        "warning",
        Msg(
            "problem.note.rows_other",
            n=k,
            total=int(near.sum()),
            name=name,
            rows=first_rows(listed, count=False),
        ).text("en"),
        {
            "tolerance_m": tol,
            "search_m": search_m,
            "rows": found,
            "of": int(near.sum()),
            "declared": decl,
        },
    )
