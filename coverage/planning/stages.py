"""The plan policy: which stages ``coverage plan`` solves, every setting checked before loading.

:func:`plan_stages` turns the command line and the scenario's ``[plan]`` section into stages
``(tier, model, k, target)``; :func:`_check_candidates` refuses a scenario that can give a plan
no candidate site. Neither loads anything, so bad settings fail in a second.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NoReturn, TypeAlias

from coverage.errors import ArgumentError, InputError, Msg, PlanError, ScenarioError
from coverage.planning.models import MODELS
from coverage.scenario import Scenario

__all__ = ["PLAN_MODELS", "Stage", "plan_stages"]


#: Location models :func:`coverage.pipeline.plan` can run.
PLAN_MODELS: tuple[str, ...] = tuple(MODELS)

#: One stage of a plan: tier, model, number of new sites, target share.
Stage: TypeAlias = tuple[str, str, int | None, float | None]


#: How a setting is named in an error: as the Python parameter (``add=0``) or the
#: command-line option (``--add 0``).
Spelled: TypeAlias = Literal["api", "cli"]

#: Options whose flag is not the parameter's name with dashes.
_FLAGS = {"stage_add": "--stage"}

#: Messages that name several settings at once, worded for the command line (the key) and for
#: Python callers (the value: ``add=``/``target=`` rather than ``--add``/``--target``).
_API_WORDS = {
    "error.plan.add_and_target": "error.plan.api.add_and_target",
    "error.plan.add_or_target": "error.plan.api.add_or_target",
    "error.plan.tier_staged": "error.plan.api.tier_staged",
    "error.plan.stage_and_add": "error.plan.api.stage_and_add",
    "error.plan.stage_count": "error.plan.api.stage_count",
    "error.plan.add_needs_candidates": "error.plan.api.add_needs_candidates",
}


def _reworded(exc: PlanError, spelled: Spelled) -> PlanError:
    """A model's error as ``spelled``'s caller names settings (``target=``, else ``--target``).

    The siting models word what to ask for as Python does; the command line names its option.
    """
    first = exc.lines[0] if exc.lines else None
    if spelled != "cli" or not isinstance(first, Msg) or "ask" not in first.fields:
        return exc
    msg = Msg(first.key, **{**first.fields, "ask": Msg("error.plan.ask_target")})
    out = PlanError(msg)
    out.__dict__.update({k: v for k, v in vars(exc).items() if k != "lines"})  # the figures
    return out


def _said(key: str, spelled: Spelled = "api", **fields: object) -> Msg:
    """The message ``key`` (the command line's wording) as ``spelled``'s caller names settings."""
    return Msg(key if spelled == "cli" else _API_WORDS[key], **fields)


def _option(name: str, value: object, what: Msg, spelled: Spelled = "api") -> Msg:
    """``add=0: give a whole number…`` (or ``--add 0: …``): a setting, its value, what is wrong.

    ``name`` is the parameter's; ``spelled="cli"`` names the command-line option instead.
    """
    if spelled == "cli":
        flag = _FLAGS.get(name, "--" + name.replace("_", "-"))
        return Msg("error.scenario.option", option=flag, value=value) + what
    return Msg("error.scenario.argument", name=name, value=repr(value)) + what


def _default_model(tier: str, target: float | None) -> str:
    """A staged tier's model: LSCP for a target share, p-median for sub-centres, else MCLP."""
    if target is not None:
        return "lscp"
    return "pmedian" if tier == "subcentre" else "mclp"


def plan_stages(
    s: Scenario,
    *,
    tier: str | None = None,
    add: int | None = None,
    target: float | None = None,
    staged: bool = False,
    model: str | None = None,
    stage_add: dict[str, int] | None = None,
    spelled: Spelled = "api",
) -> list[Stage]:
    """The stages :func:`coverage.pipeline.plan` will solve, every setting checked (nothing is loaded).

    Parameters
    ----------
    s
        The scenario; its ``[plan]`` section gives the defaults.
    tier, add, target, staged, model
        As for :func:`coverage.pipeline.plan`.
    stage_add
        New sites per tier of a staged plan, over ``[plan] stage_add`` (implies ``staged``).
    spelled
        Name a bad setting as the Python parameter (``"api"``: ``add=0``) or as the command
        line's option (``"cli"``: ``--add 0``).

    Returns
    -------
    list of ``(tier, model, k, target)``
        ``k`` new sites or the ``target`` share to reach, per stage in order.

    Raises
    ------
    ScenarioError
        One line naming the setting, for any setting that is not valid or is missing.
    """

    def fail(msg: Msg) -> NoReturn:
        raise ArgumentError(msg, s.source)

    if add is not None and target is not None:
        fail(_said("error.plan.add_and_target", spelled))
    if add is not None and (isinstance(add, bool) or not isinstance(add, int) or add < 1):
        fail(_option("add", add, Msg("error.plan.whole_sites"), spelled))
    if target is not None and not 0 < target <= 1:
        fail(_option("target", target, Msg("error.plan.share"), spelled))
    if model is not None and model not in PLAN_MODELS:
        choices = Msg("error.plan.use", choices=", ".join(PLAN_MODELS))
        fail(_option("model", model, choices, spelled))
    if staged or stage_add:
        if tier is not None:
            fail(_said("error.plan.tier_staged", spelled))
        stages = _staged(
            s, fail, add=add, target=target, model=model, stage_add=stage_add or {}, spelled=spelled
        )
        return _fitting(stages, fail, spelled, staged=True)
    known = s.known_tiers
    t = _tier_code(s, tier, spelled) if tier else s.plan.tier  # tier="服务站点" plans points
    if t is None:
        names = Msg("error.plan.api.unknown_tier", known=s.vocabulary.describe())
        fail(_option("tier", tier, names, spelled))
    if t not in known:
        fail(_option("tier", t, Msg("error.plan.unknown_tier", known=", ".join(known)), spelled))
    k = add if add is not None else (None if target is not None else s.plan.add)
    tg = target if target is not None else (s.plan.target if k is None else None)
    if k is None and tg is None:
        fail(_said("error.plan.add_or_target", spelled))
    return _fitting([(t, model or ("lscp" if tg is not None else "mclp"), k, tg)], fail, spelled)


def _fitting(
    stages: list[Stage], fail: Callable[[Msg], NoReturn], spelled: Spelled, *, staged: bool = False
) -> list[Stage]:
    """``stages``, when each model has what it needs: LSCP a target share, the others a count.

    Only a ``model`` the caller chose can miss it (``model="lscp", add=3``): say so now, before
    the network is loaded, not as the model's error after it.
    """
    for _, m, k, tg in stages:
        if MODELS[m].needs == "target" and tg is None:
            ask = "--target" if spelled == "cli" else "target="
            fail(
                _option("model", m, Msg("error.plan.model_needs_target", model=m, ask=ask), spelled)
            )
        if MODELS[m].needs == "k" and k is None:
            flag = ("--stage" if staged else "--add") if spelled == "cli" else None
            ask = flag or ("stage_add=" if staged else "add=")
            fail(
                _option("model", m, Msg("error.plan.model_needs_count", model=m, ask=ask), spelled)
            )
    return stages


def _tier_code(s: Scenario, tier: object, spelled: Spelled) -> str | None:
    """The code ``tier`` names, or None (a Python caller's unknown ``tier=``).

    The command line keeps the scenario's own message for an unknown ``--tier``, with how to
    declare a new facility type.
    """
    return s.tier_code(str(tier)) if spelled == "cli" else s.vocabulary.normalize(tier)


def _staged(
    s: Scenario,
    fail: Callable[[Msg], NoReturn],
    *,
    add: int | None,
    target: float | None,
    model: str | None,
    stage_add: dict[str, int],
    spelled: Spelled = "api",
) -> list[Stage]:
    """The stages of a staged plan: every ``[plan] tiers`` tier in order, each with its count.

    ``add``/``target`` set the last stage over ``[plan] stage_add``; ``stage_add`` (``--stage``)
    sets any stage over it, and may not set the last one together with ``add``/``target``. Its
    tiers are named by code, label or alias, like ``[plan] tiers`` (``分中心=2``).
    """
    last = s.plan.tiers[-1]
    counts: dict[str, int | None] = dict(s.plan.stage_add)
    if add is not None or target is not None:  # the last stage's, over [plan] stage_add
        counts[last] = add
    given: set[str] = set()
    for name, k in stage_add.items():
        one = f"{name}={k}" if spelled == "cli" else {name: k}  # as the caller wrote it
        # A tier's code, label or alias, as [plan] tiers takes them (subcentre, 分中心).
        t = s.vocabulary.normalize(name) or name
        if t not in s.plan.tiers:
            why = Msg("error.plan.not_staged", tier=repr(name), tiers=s.plan.tiers)
            fail(_option("stage_add", one, why, spelled))
        if t in given:  # two names of one tier
            fail(_option("stage_add", one, Msg("error.plan.stage_twice", tier=t), spelled))
        given.add(t)
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            fail(_option("stage_add", one, Msg("error.plan.whole_sites"), spelled))
        if t == last and (add is not None or target is not None):
            stage = one if isinstance(one, str) else repr(one)
            fail(_said("error.plan.stage_and_add", spelled, stage=stage, tier=t))
        counts[t] = k
    stages: list[Stage] = []
    for t in s.plan.tiers:
        n = counts.get(t)
        tg = target if t == last and n is None else None
        if n is None and tg is None:
            fail(_said("error.plan.stage_count", spelled, tier=t))
        stages.append((t, model or _default_model(t, tg), n, tg))
    return stages


def _has_candidates(s: Scenario) -> bool:
    """Whether the scenario names any candidate site (files, a grid or OSM features)."""
    return bool(s.candidates) or s.plan.grid_spacing_m > 0 or s.plan.osm_features


def _check_candidates(s: Scenario) -> None:
    """Fail before loading when the scenario cannot give a plan any candidate site."""
    if not _has_candidates(s):
        raise InputError(Msg("error.plan.no_candidates"), s.source)
    nw = s.network
    osm_file = nw.path is not None and nw.path.suffix.lower() == ".osm"
    has_area = s.area.path is not None or s.area.subdistricts is not None
    if s.plan.osm_features and not (osm_file or nw.place is not None or has_area):
        raise ScenarioError(Msg("error.plan.osm_features"), s.source)


def _solving(stages: list[Stage], method: str, lang: str) -> str:
    """The spinner's words while the stages are solved: each tier with its model, the method."""
    from coverage.i18n import t
    from coverage.i18n.values import cell_word
    from coverage.vocab import tier_label

    each = [
        t(
            lang,
            "console.step.stage",
            tier=tier_label(tier, lang),
            model=cell_word("model", m, lang),
        )
        for tier, m, *_ in stages
    ]
    return t(
        lang,
        "console.step.solving",
        stages=t(lang, "console.step.then").join(each),
        method=cell_word("method", method, lang),
    )
