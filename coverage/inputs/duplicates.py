"""Duplicate rows of a point layer: the same entry twice, two names at one place, repeated ids.

Part of :func:`~coverage.inputs.validation.validate_layer`: a later row with the same name
and tier (or, nameless, the same attributes) within the tolerance of an earlier one is skipped;
the other coincidences are warnings, since only the planner can tell a shared building or two
branches from an entry typed twice. Two tiers at one address under one name (a street's
service point and its outdoor station in one building) are two facilities.
:func:`skip_duplicates_across` applies the same rule across the registers of one role;
:func:`skip_role_twins` keeps the strictest role of nameless candidate rows at one place.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from coverage import vocab
from coverage.datum import metric_xy
from coverage.errors import Msg, Problem
from coverage.i18n import LANGS, t
from coverage.inputs.columns import source_column
from coverage.inputs.coordinates import GEOMETRY
from coverage.inputs.problems import Checker
from coverage.inputs.values import key_text

__all__ = ["check_duplicates", "check_ids", "skip_duplicates_across", "skip_role_twins"]


def check_duplicates(gdf: gpd.GeoDataFrame, check: Checker, role: str, tol: float) -> None:
    """Same name at the same place: later rows are skipped; other coincidences are warnings.

    Only rows not skipped by earlier checks take part, so a row is never called a duplicate of
    a row that was not used.
    """
    live = np.flatnonzero(~check.skip)
    if len(live) < 2:
        return
    xy = metric_xy(gdf)[live]
    ok = np.isfinite(xy).all(axis=1)
    live, xy = live[ok], xy[ok]
    pairs = cKDTree(xy).query_pairs(tol, output_type="ndarray") if len(live) else np.empty((0, 2))
    # Comparable names and attributes only of the rows that need them (key_text is per cell):
    # rows of a close pair, and every row where names are compared at any distance.
    in_pairs = live[np.unique(pairs)] if len(pairs) else np.empty(0, dtype=int)
    names = _keys(gdf, "name", live if role != "demand" else in_pairs)
    sig = _signatures(gdf, in_pairs if names is None else in_pairs[names[in_pairs] == ""])
    pos = {int(k): p for p, k in enumerate(live)}

    def dist(i: int, j: int) -> float:
        return float(np.hypot(*(xy[pos[i]] - xy[pos[j]])))

    tiers = _keys(gdf, "tier", in_pairs) if role != "demand" else None
    dups: list[tuple[int, int]] = []
    near: list[tuple[int, int]] = []
    tiered: list[tuple[int, int]] = []
    roles = _keys(gdf, "role", in_pairs) if role == "candidate" else None
    for a, b in pairs:
        i, j = sorted((int(live[a]), int(live[b])), key=lambda k: (check.rows[k], k))
        same_name = names is not None and names[i] != "" and names[i] == names[j]
        nameless = names is None or names[i] == names[j] == ""
        if nameless and roles is not None and _role(roles[i]) != _role(roles[j]):
            continue  # one place given two roles: skip_role_twins keeps the strictest
        nameless_twin = nameless and sig[i] == sig[j]
        if same_name and tiers is not None and tiers[i] and tiers[j] and tiers[i] != tiers[j]:
            tiered.append((i, j))
        else:
            (dups if same_name or nameless_twin else near).append((i, j))
    if dups:
        _skip_duplicates(gdf, check, dups, names, dist)
    if role != "demand":
        _warn_same_place(gdf, check, near, names, dist)
        _warn_other_tier(gdf, check, tiered, dist)
    if names is not None and role != "demand":
        _warn_same_name(gdf, check, live, names, dist, {frozenset(p) for p in tiered})


def _keys(gdf: gpd.GeoDataFrame, column: str, rows: np.ndarray) -> np.ndarray | None:
    """Comparable values (:func:`key_text`) of ``column`` at ``rows``, ``""`` elsewhere.

    None when the layer has no such column (no names, or no tiers).
    """
    if column not in gdf.columns:
        return None
    raw = gdf[column].to_numpy(dtype=object)
    out = np.full(len(gdf), "", dtype=object)
    out[rows] = [key_text(v) for v in raw[rows]]
    return out


def _signatures(gdf: gpd.GeoDataFrame, rows: np.ndarray) -> dict[int, tuple[Any, ...]]:
    """What makes two nameless rows the same entry: all standard columns but row, per row."""
    cols = [
        gdf[c].to_numpy(dtype=object) for c in gdf.columns if c not in ("row", gdf.geometry.name)
    ]
    return {
        int(k): tuple(
            key_text(v) if not isinstance(v, list) else tuple(v) for v in (c[k] for c in cols)
        )
        for k in rows
    }


#: Which row of duplicates stays, by role: the site may not be chosen, is built, may be chosen.
_ROLE_RANK = {"excluded": 0, "existing": 1, "candidate": 2}


def _role_rank(roles: np.ndarray | None, k: int) -> int:
    return 0 if roles is None else _ROLE_RANK.get(vocab.role_code(roles[k]) or "", 3)


def _role(value: object) -> str:
    """A candidate row's role code ("" for a word that is no role: refused when planned)."""
    return vocab.role_code(value) or ""


def _skip_duplicates(
    gdf: gpd.GeoDataFrame,
    check: Checker,
    dups: list[tuple[int, int]],
    names: np.ndarray | None,
    dist: Callable[[int, int], float],
) -> None:
    """Skip every row of a group of duplicates but the first (chains A≈B≈C form one group)."""
    dup_a, dup_b = [i for i, _ in dups], [j for _, j in dups]
    n = len(gdf)
    graph = coo_matrix((np.ones(len(dup_a)), (dup_a, dup_b)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    members: dict[int, list[int]] = {}
    for k in set(dup_a) | set(dup_b):
        members.setdefault(int(label[k]), []).append(k)
    name_col = source_column(gdf, "name")
    # Of one site written twice, the strictest role stays: an "excluded" row beside its
    # "candidate" twin must keep the site out of a plan, whichever row comes first.
    roles = gdf["role"].to_numpy(dtype=object) if "role" in gdf else None
    for group in members.values():
        group.sort(key=lambda k: (_role_rank(roles, k), check.rows[k], k))
        first = group[0]
        for k in group[1:]:
            d = dist(k, first)
            named = names is not None and bool(names[k])
            msg = (
                Msg("problem.duplicate_name", row=check.row(first), name=gdf["name"].iat[k], d=d)
                if named
                else Msg("problem.duplicate_attrs", row=check.row(first), d=d)
            )
            check.add(k, name_col if named else GEOMETRY, msg, skip=True)


def _warn_same_place(
    gdf: gpd.GeoDataFrame,
    check: Checker,
    near: list[tuple[int, int]],
    names: np.ndarray | None,
    dist: Callable[[int, int], float],
) -> None:
    """Two names at one place: often two services sharing a building (kept).

    Sometimes it is one facility entered twice under two names; only the planner can tell.
    """
    for i, j in sorted(near, key=lambda p: (check.rows[p[1]], check.rows[p[0]])):
        if check.skip[i] or check.skip[j]:
            continue
        d = dist(i, j)
        msg = (
            Msg("problem.same_place_named", d=d, row=check.row(i), name=gdf["name"].iat[i])
            if names is not None and names[i]
            else Msg("problem.same_place", d=d, row=check.row(i))
        )
        check.add(j, GEOMETRY, msg, skip=False)


def _warn_other_tier(
    gdf: gpd.GeoDataFrame,
    check: Checker,
    tiered: list[tuple[int, int]],
    dist: Callable[[int, int], float],
) -> None:
    """One name at one place in two tiers: kept as a facility of each tier, with a note.

    Registers list a street's service point and its outdoor station in one building under one
    name; each tier needs its own station. A row given two tiers by mistake looks the same, so
    the planner is told.
    """
    name_col = source_column(gdf, "name")
    for i, j in sorted(tiered, key=lambda p: (check.rows[p[1]], check.rows[p[0]])):
        if check.skip[i] or check.skip[j]:
            continue
        msg = Msg("problem.same_place_other_tier", d=dist(i, j), row=check.row(i))
        check.add(j, name_col, msg, skip=False)


def _warn_same_name(
    gdf: gpd.GeoDataFrame,
    check: Checker,
    live: np.ndarray,
    names: np.ndarray,
    dist: Callable[[int, int], float],
    noted: Collection[frozenset[int]] = (),
) -> None:
    """The same name far apart: two branches, or one facility entered twice.

    Entered twice means with a typo in the coordinates. Only a warning: chains of "职工之家" share
    names legitimately. Pairs in ``noted`` (one place, two tiers) have their own note.
    """
    name_col = source_column(gdf, "name")
    seen: dict[str, int] = {}
    for k in _in_row_order(check, live):
        if check.skip[k] or not names[k]:
            continue
        if names[k] in seen:
            first = seen[names[k]]
            if frozenset((first, k)) in noted:
                continue
            d = dist(k, first)
            check.add(
                k,
                name_col,
                Msg("problem.same_name_far", row=check.row(first), name=gdf["name"].iat[k], d=d),
                skip=False,
            )
        else:
            seen[names[k]] = k


def _in_row_order(check: Checker, idx: np.ndarray) -> list[int]:
    """``idx`` by file row, then position: ``sorted(idx, key=lambda k: (rows[k], k))``."""
    rows = check.rows[idx]
    if rows.dtype.kind in "iu":  # whole row numbers: one sort in numpy
        return [int(k) for k in idx[np.lexsort((idx, rows))]]
    return sorted(idx.tolist(), key=lambda k: (check.rows[k], k))


def check_ids(gdf: gpd.GeoDataFrame, check: Checker) -> None:
    """The same id on several rows: every later row is reported, naming the first one.

    Kept with a warning: which row the id belongs to, only the planner can tell (rows that are
    the same entry twice are already skipped as duplicates). Ids are compared after NFKC and
    trimming, so a full-width ``００１`` is ``001``.
    """
    if "id" not in gdf.columns:
        return
    col = source_column(gdf, "id")
    ids = gdf["id"].to_numpy(dtype=object)  # once: each gdf[...] copies the frame's attrs
    first: dict[str, int] = {}
    for k in _in_row_order(check, np.arange(len(gdf))):
        value = ids[k]
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        key = unicodedata.normalize("NFKC", str(value)).strip()
        if not key:
            continue
        if key in first:
            check.add(
                k,
                col,
                Msg("problem.duplicate_id", id=key, row=check.row(first[key])),
                skip=False,
            )
        else:
            first[key] = k


#: The words of a repeat across registers, by what else the rows share besides the name.
_REPEAT_WORDS = {"tier": "problem.duplicate_in_file", "kind": "problem.duplicate_in_file_kind"}


def skip_duplicates_across(
    layers: Sequence[tuple[Path | None, gpd.GeoDataFrame]],
    tol: float = 5.0,
    *,
    same: str = "tier",
) -> tuple[list[gpd.GeoDataFrame], list[Problem]]:
    """Rows of a later register that repeat a row of an earlier one are skipped.

    The same rule as within a layer (same name, and same tier of a facility or kind of demand,
    within ``tol`` metres): offices merge registers that overlap (the district's list and a
    street's own), and a facility or workplace counted twice would inflate the counts and
    cross-coverage. Rows without a name are never repeats; rows of another tier or kind at the
    same place (residents and workers of one building) are not either.

    Parameters
    ----------
    layers
        Each layer's path and its validated rows (``row``, ``name`` and the ``same`` column), in
        the scenario's order. A layer without a path (people from a raster or from buildings,
        no rows of a register) takes no part and comes back as it is.
    tol
        Distance in metres within which two such rows are one place.
    same
        What else the rows must share: ``"tier"`` (facilities) or ``"kind"`` (demand).

    Returns
    -------
    (list of GeoDataFrame, list of Problem)
        The layers without the repeated rows, and one skipped-row problem for each.
    """
    frames = [g for _, g in layers]
    registers = [
        (k, Path(p), g)
        for k, (p, g) in enumerate(layers)
        if p is not None and "name" in g and same in g
    ]
    if len(registers) < 2:
        return frames, []
    kept, problems = _skip_repeats([(p, g) for _, p, g in registers], tol, same)
    for (k, _, _), g in zip(registers, kept, strict=True):
        frames[k] = g
    return frames, problems


def _skip_repeats(
    layers: Sequence[tuple[Path, gpd.GeoDataFrame]], tol: float, same: str
) -> tuple[list[gpd.GeoDataFrame], list[Problem]]:
    """:func:`skip_duplicates_across` on registers that all have names and a ``same`` column."""
    frames = [g for _, g in layers]
    xy = metric_xy(gpd.GeoDataFrame(geometry=pd.concat([g.geometry for g in frames]), crs=4326))
    start = np.cumsum([0] + [len(g) for g in frames])
    keys = [
        (key_text(n), key_text(t)) for g in frames for n, t in zip(g["name"], g[same], strict=True)
    ]
    used = np.isfinite(xy).all(axis=1)  # rows a later one may repeat: kept, with a place
    out, problems = [frames[0]], []
    for i in range(1, len(frames)):
        earlier = np.flatnonzero(used[: start[i]])
        skip = np.zeros(len(frames[i]), dtype=bool)
        mine = np.flatnonzero(used[start[i] : start[i + 1]])
        if len(earlier) and len(mine):
            near = cKDTree(xy[earlier]).query_ball_point(xy[start[i] + mine], tol)
            for k, found in zip(mine.tolist(), near, strict=True):
                at = start[i] + k
                same_rows = [int(earlier[m]) for m in found if keys[int(earlier[m])] == keys[at]]
                if keys[at][0] and same_rows:
                    skip[k], used[at] = True, False
                    found_at = (i, k, min(same_rows))
                    problems.append(_repeat(layers, start, found_at, xy, _REPEAT_WORDS[same]))
        out.append(frames[i][~skip].reset_index(drop=True) if skip.any() else frames[i])
    return out, problems


def _repeat(
    layers: Sequence[tuple[Path, gpd.GeoDataFrame]],
    start: np.ndarray,
    at: tuple[int, int, int],
    xy: np.ndarray,
    key: str,
) -> Problem:
    """The skipped-row problem (words ``key``) of a repeat ``at``.

    ``at``: row ``k`` of layer ``i``, which repeats overall row ``j``.
    """
    i, k, j = at
    first = int(np.searchsorted(start, j, side="right")) - 1
    path, gdf = layers[i]
    other_path, other = layers[first]
    msg = Msg(
        key,
        file=Path(other_path).name,
        row=other["row"].iat[j - start[first]],
        name=gdf["name"].iat[k],
        d=float(np.hypot(*(xy[start[i] + k] - xy[j]))),
    )
    return Problem(path, int(gdf["row"].iat[k]), source_column(gdf, "name"), msg)


def skip_role_twins(
    layers: Sequence[tuple[Path | None, gpd.GeoDataFrame]], tol: float = 5.0
) -> tuple[list[gpd.GeoDataFrame], list[Problem]]:
    """Of nameless candidate rows at one place with different roles, the strictest stands.

    A place listed as ``excluded`` (refused) and again as ``candidate``, or as ``existing``
    (built) and ``candidate``, within ``tol`` metres, in one file or two, is one site: proposing
    it would propose a refused or a built site. As for a register's duplicates the strictest
    role stays (excluded, then existing, then candidate) and the other row is skipped, its
    file, row and role field named. Rows with a name follow the name (a register's duplicate
    rule, and the excluded-twin rule of :mod:`coverage.planning.candidates`); nameless rows of
    one role at one place stay as they are (the same-place warning).

    Parameters
    ----------
    layers
        Each candidate layer's path and validated rows (``row``, ``role``), in scenario order.
    tol
        Distance in metres within which two rows are one place.

    Returns
    -------
    (list of GeoDataFrame, list of Problem)
        The layers without the skipped rows, and one skipped-row problem for each.
    """
    frames = [g for _, g in layers]
    if sum(len(g) for g in frames) < 2 or any("role" not in g for g in frames):
        return frames, []
    start = np.cumsum([0] + [len(g) for g in frames])
    xy = metric_xy(gpd.GeoDataFrame(geometry=pd.concat([g.geometry for g in frames]), crs=4326))
    names = [key_text(n) if "name" in g else "" for g in frames for n in _names(g)]
    rank = np.array([_ROLE_RANK.get(_role(r), -1) for g in frames for r in g["role"]])
    rows = np.flatnonzero(
        np.isfinite(xy).all(axis=1) & (np.asarray(names, dtype=object) == "") & (rank >= 0)
    )
    stricter: dict[int, int] = {}  # skipped row -> the strictest row at its place
    for a, b in cKDTree(xy[rows]).query_pairs(tol, output_type="ndarray") if len(rows) else []:
        i, j = sorted((int(rows[a]), int(rows[b])), key=lambda k: (rank[k], k))
        if rank[i] < rank[j] and (j not in stricter or rank[i] < rank[stricter[j]]):
            stricter[j] = i
    problems, skip = [], np.zeros(len(xy), dtype=bool)
    for j, i in sorted(stricter.items()):
        skip[j] = True
        problems.append(_role_twin(layers, start, (j, i), xy))
    out = [
        g[~skip[start[n] : start[n + 1]]].reset_index(drop=True)
        if skip[start[n] : start[n + 1]].any()
        else g
        for n, g in enumerate(frames)
    ]
    return out, problems


def _names(g: gpd.GeoDataFrame) -> Sequence[Any]:
    return g["name"].tolist() if "name" in g else [""] * len(g)


def _role_twin(
    layers: Sequence[tuple[Path | None, gpd.GeoDataFrame]],
    start: np.ndarray,
    pair: tuple[int, int],
    xy: np.ndarray,
) -> Problem:
    """The skipped-row problem of overall row ``j``, at the place of stricter row ``i``."""
    j, i = pair
    n_j = int(np.searchsorted(start, j, side="right")) - 1
    n_i = int(np.searchsorted(start, i, side="right")) - 1
    path, gdf = layers[n_j]
    other_path, other = layers[n_i]
    code = _role(other["role"].iat[i - start[n_i]])
    msg = Msg(
        "problem.role_twin",
        file=Path(other_path).name if other_path is not None else "",
        row=other["row"].iat[i - start[n_i]],
        role={lang: t(lang, f"excel.value.role.{code}") for lang in LANGS},
        d=float(np.hypot(*(xy[j] - xy[i]))),
    )
    row = gdf["row"].iat[j - start[n_j]]
    return Problem(path or "", int(row), source_column(gdf, "role"), msg)
