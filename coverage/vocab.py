"""One tier vocabulary: codes, order, labels, aliases and map styles of facility tiers.

Registers name tiers in many ways (``服务中心``, ``区级职工服务中心``, ``Center``, ``ｃｅｎｔｒｅ``…).
Every tier value is reduced to a **code** when a layer is read (``centre``, ``subcentre``,
``point``, ``outdoor_station``, or a type the scenario declares); thresholds, tables, maps, Excel
and the report only see codes and look their labels up here.

Names are matched ignoring case, width, spaces and the separators ``- _ ' ·``
(:func:`name_key`), so ``Sub-Centre``, ``sub_center`` and ``ＳＵＢ ＣＥＮＴＲＥ`` are one name.

A scenario may declare further facility types (see :class:`Tier` and
:meth:`Vocabulary.extend`); :data:`BUILTIN` holds the four built-in tiers. Display code (maps,
report, Excel) uses :func:`active`, the vocabulary of the layers read last
(:func:`activate`, :func:`using`), so declared types show with their own labels.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coverage.errors import Msg

__all__ = [
    "INVISIBLE",
    "UNSEEN",
    "TIER_CODES",
    "LANGS",
    "SHAPES",
    "Tier",
    "Vocabulary",
    "BUILTIN",
    "name_key",
    "normalize_tier",
    "tier_label",
    "tier_order",
    "tier_style",
    "unknown_tier",
    "ROLES",
    "ROLE_WORDS",
    "role_code",
    "SERVICES",
    "KIND_LABELS",
    "KIND_ALIASES",
    "kind_label",
    "normalize_kind",
    "close_kind",
    "active",
    "activate",
    "using",
]

#: Built-in tier codes, from the top down.
TIER_CODES: tuple[str, ...] = ("centre", "subcentre", "point", "outdoor_station")

#: Label languages.
LANGS: tuple[str, ...] = ("zh", "en")

#: Marker shapes the maps can draw.
SHAPES: tuple[str, ...] = ("circle", "square", "diamond", "triangle", "star")

#: What a declared code must look like (it names map layers and table columns).
CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]*")

# Removed before comparing names: spaces and the separators people put between words.
_SEPARATORS = re.compile(r"[\s\-_'’‘·•.]+")

#: Characters that show as nothing, carried in by text copied from web pages and chats
#: (zero-width space and joiners, word joiner, byte-order mark, soft hyphen, bidirectional
#: marks and controls): removed before a tier name, a name key or a number is read.
INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")

#: What is removed from every text cell when a file is read, and from titles: the bidirectional
#: marks and controls (LRM, RLM, ALM, embeddings, overrides, isolates), which reorder what follows
#: (a name holding U+202E would show reversed on the map, in the report and in the workbook), and
#: the zero-width space, word joiner and byte-order mark, which no name needs and which make two
#: names look alike yet differ (a search for one misses the other). The soft hyphen and
#: zero-width (non-)joiners stay (they belong to some words, scripts and emoji) and are ignored
#: only when names are compared (:data:`INVISIBLE`).
UNSEEN = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")

# A trailing bracketed qualifier registers add to a tier name ("服务中心（区级）", "驿站(街道)"),
# matched after NFKC, which turns full-width brackets into ASCII ones.
_QUALIFIER = re.compile(r"^(.*?\S)\s*[(\[【]([^()\[\]【】]*)[)\]】]\s*$")


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def name_key(value: Any) -> str:
    """Comparable form of a tier name: NFKC, casefolded, without spaces or separators.

    Parameters
    ----------
    value
        A tier value as written in a register or a scenario (None and NaN give ``""``).

    Returns
    -------
    str
        ``"Sub-Centre"``, ``"sub_center"`` and ``"ＳＵＢ ＣＥＮＴＲＥ"`` all give ``"subcentre"``
        / ``"subcenter"``; a blank value gives ``""``.
    """
    if _missing(value):
        return ""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value)))
    return _SEPARATORS.sub("", text.casefold())


@dataclass(frozen=True)
class Tier:
    """One tier or declared facility type.

    Parameters
    ----------
    code
        Stable code used in tables, thresholds and map layer keys (``[a-z][a-z0-9_]*``).
    label_zh, label_en
        Display names; both also count as names of the tier.
    aliases
        Further names met in registers.
    style
        Map marker: any of ``color`` (``#rrggbb``), ``shape`` (one of :data:`SHAPES`) and
        ``size`` (px); what is missing is filled in by the map.
    """

    code: str
    label_zh: str
    label_en: str
    aliases: tuple[str, ...] = ()
    style: Mapping[str, Any] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        """The display name in ``lang`` (``"zh"`` or ``"en"``).

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``.
        """
        _check_lang(lang)
        return self.label_zh if lang == "zh" else self.label_en

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the tier (code, labels, aliases), first spelling of each key kept."""
        seen: dict[str, str] = {}
        for name in (self.code, self.label_zh, self.label_en, *self.aliases):
            seen.setdefault(name_key(name), str(name))
        return tuple(seen.values())


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")


class Vocabulary:
    """Tiers in order, with a lookup from every name to its code.

    Parameters
    ----------
    tiers
        The tiers, top down; codes and names must be unique once reduced by :func:`name_key`.

    Raises
    ------
    ValueError
        A code that is not ``[a-z][a-z0-9_]*``, a blank name, or a name shared by two tiers.
    """

    def __init__(self, tiers: Iterable[Tier]) -> None:
        self.tiers: tuple[Tier, ...] = tuple(tiers)
        self._by_code: dict[str, Tier] = {}
        self._by_key: dict[str, str] = {}
        for tier in self.tiers:
            if not CODE_PATTERN.fullmatch(tier.code):
                raise ValueError(
                    f"tier code {tier.code!r}: use lower-case letters, digits and '_', "
                    "starting with a letter"
                )
            if tier.code in self._by_code:
                raise ValueError(f"tier code {tier.code!r} is declared twice")
            self._by_code[tier.code] = tier
            for name in (tier.code, tier.label_zh, tier.label_en, *tier.aliases):
                key = name_key(name)
                if not key:
                    raise ValueError(f"tier {tier.code!r}: a label or alias is blank")
                other = self._by_key.get(key)
                if other is not None and other != tier.code:
                    raise ValueError(
                        f"tier {tier.code!r}: the name {name!r} already means {other!r}"
                    )
                self._by_key[key] = tier.code

    def __repr__(self) -> str:
        return f"Vocabulary({', '.join(self.codes)})"

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def codes(self) -> tuple[str, ...]:
        """The tier codes, top down (built-in tiers first, then declared types)."""
        return tuple(self._by_code)

    def tier(self, code: str) -> Tier:
        """The :class:`Tier` of a code (``KeyError`` if unknown).

        Parameters
        ----------
        code
            A tier code.
        """
        return self._by_code[code]

    def normalize(self, value: Any) -> str | None:
        """The code a name stands for, or None (blank or unknown values).

        A bracketed qualifier after a name is ignored (``"服务中心（区级）"`` is the centre)
        unless it names another tier, or makes another tier's name when put before it
        (``"服务中心（街道）"`` is a sub-centre, as ``"街道服务中心"`` is).

        Parameters
        ----------
        value
            A tier cell or setting as written.
        """
        key = name_key(value)
        if not key:
            return None
        code = self._by_key.get(key)
        if code is None and not _missing(value):
            # "服务中心（区级）": the name before a bracketed qualifier, unless the qualifier
            # itself names another tier ("服务站点（驿站）" is ambiguous).
            found = _QUALIFIER.match(INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value))))
            if found:
                name, qualifier = found[1], found[2]
                code = self._by_key.get(name_key(name))
                other = self._by_key.get(name_key(qualifier))
                if other is not None and other != code:
                    return None
                # A qualifier that makes another tier's name when put first says which tier:
                # "服务中心（街道）" is a street's centre, as "街道服务中心" is.
                for level in (qualifier, qualifier.removesuffix("级")):
                    joined = self._by_key.get(name_key(level + name))
                    if joined is not None:
                        return joined
        return code

    def label(self, code: str, lang: str) -> str:
        """Display name of a code; anything else is shown as it is.

        Parameters
        ----------
        code
            A tier code.
        lang
            ``"zh"`` or ``"en"``.
        """
        _check_lang(lang)
        tier = self._by_code.get(code)
        return str(code) if tier is None else tier.label(lang)

    def order(self, codes: Iterable[str] | Mapping[str, Any]) -> list[str]:
        """The given codes (or a mapping's keys), known ones in tier order, others alphabetically.

        Parameters
        ----------
        codes
            Tier codes.
        """
        given = set(codes)
        return [c for c in self.codes if c in given] + sorted(c for c in given if c not in self)

    def style(self, code: str) -> dict[str, Any]:
        """Map marker of a code (possibly partial for declared types; empty if unknown).

        Parameters
        ----------
        code
            A tier code.
        """
        tier = self._by_code.get(code)
        return {} if tier is None else dict(tier.style)

    def extend(self, tiers: Iterable[Tier]) -> Vocabulary:
        """A new vocabulary with ``tiers`` added after these (declared facility types).

        Parameters
        ----------
        tiers
            The tiers to add.
        """
        return Vocabulary([*self.tiers, *tiers])

    def describe(self) -> str:
        """Every known name, grouped by code, for error messages (one line)."""
        parts = []
        for tier in self.tiers:
            parts.append(f"{tier.code} ({', '.join(n for n in tier.names if n != tier.code)})")
        return "; ".join(parts)


#: The built-in tiers: district centres, sub-district (street/town) sub-centres, community
#: service points and outdoor workers' stations.
BUILTIN = Vocabulary(
    [
        Tier(
            "centre",
            "服务中心",
            "Service centre",
            aliases=(
                "center", "service center", "区级职工服务中心", "区职工服务中心", "职工服务中心",
                "区级服务中心",
            ),
            style={"color": "#c0392b", "shape": "square", "size": 24},
        ),
        Tier(
            "subcentre",
            "分中心",
            "Sub-centre",
            aliases=(
                "subcenter", "service sub-centre", "服务分中心", "职工服务分中心",
                "街镇职工服务中心", "街道职工服务中心", "乡镇职工服务中心", "街镇服务中心",
                "街道服务中心", "乡镇服务中心",
                "街道职工服务分中心", "街道服务分中心", "园区职工服务分中心",
            ),
            style={"color": "#e67e22", "shape": "diamond", "size": 20},
        ),
        Tier(
            "point",
            "服务站点",
            "Service point",
            aliases=(
                "station", "service station", "服务站", "服务点", "站点", "职工服务站",
                "职工服务站点", "职工服务点", "社区职工服务站", "社区服务站点", "社区职工服务站点",
                "社区服务站",
            ),
            style={"color": "#2471a3", "shape": "circle", "size": 15},
        ),
        Tier(
            "outdoor_station",
            "户外劳动者驿站",
            "Outdoor workers' station",
            aliases=(
                "outdoor", "outdoor worker station", "户外劳动者服务站", "户外劳动者服务站点",
                "户外驿站", "驿站", "爱心驿站",
            ),
            style={"color": "#1e8449", "shape": "triangle", "size": 15},
        ),
    ]
)  # fmt: skip

_ACTIVE: ContextVar[Vocabulary] = ContextVar("coverage_vocabulary", default=BUILTIN)


def active() -> Vocabulary:
    """The vocabulary labels are looked up in: the one of the layers read last (or built-in)."""
    return _ACTIVE.get()


def activate(vocab: Vocabulary) -> Vocabulary:
    """Make ``vocab`` the one display code looks labels, order and styles up in.

    :func:`coverage.pipeline.read_layers` calls it with the scenario's vocabulary, so maps,
    report and workbooks drawn from those layers show declared types with their own labels.

    Parameters
    ----------
    vocab
        The vocabulary to use from now on.

    Returns
    -------
    Vocabulary
        The same vocabulary.
    """
    _ACTIVE.set(vocab)
    return vocab


@contextmanager
def using(vocab: Vocabulary) -> Iterator[Vocabulary]:
    """Use ``vocab`` for labels inside a ``with`` block only.

    Parameters
    ----------
    vocab
        The vocabulary to use in the block.
    """
    token = _ACTIVE.set(vocab)
    try:
        yield vocab
    finally:
        _ACTIVE.reset(token)


def normalize_tier(value: Any, vocab: Vocabulary | None = None) -> str | None:
    """The tier code a register's value stands for (``"区级职工服务中心"`` → ``"centre"``).

    Parameters
    ----------
    value
        The value as written (any case, width and spacing).
    vocab
        Vocabulary to look it up in; default :func:`active`.

    Returns
    -------
    str or None
        The code, or None when the value is blank or names no known tier.
    """
    return (vocab or active()).normalize(value)


def tier_label(code: str, lang: str, vocab: Vocabulary | None = None) -> str:
    """Display name of a tier code in ``lang`` (``"zh"``/``"en"``); unknown codes as they are.

    Parameters
    ----------
    code
        A tier code.
    lang
        ``"zh"`` or ``"en"``.
    vocab
        The vocabulary (default: the active one, :func:`active`).

    Returns
    -------
    str
        The label.
    """
    return (vocab or active()).label(code, lang)


def tier_order(
    codes: Sequence[str] | Iterable[str] | Mapping[str, Any], vocab: Vocabulary | None = None
) -> list[str]:
    """Codes in tier order (top down, then declared types), unknown ones alphabetically after.

    Parameters
    ----------
    codes
        Tier codes (or a mapping keyed by them).
    vocab
        The vocabulary (default: the active one).

    Returns
    -------
    list of str
        The codes in order.
    """
    return (vocab or active()).order(codes)


def tier_style(code: str, vocab: Vocabulary | None = None) -> dict[str, Any]:
    """Map marker (``color``, ``shape``, ``size``) of a code; what is missing is up to the map.

    Parameters
    ----------
    code
        A tier code.
    vocab
        The vocabulary (default: the active one).

    Returns
    -------
    dict
        The marker's settings (empty for an unknown code).
    """
    return (vocab or active()).style(code)


def unknown_tier(value: Any, vocab: Vocabulary | None = None, more: str | Msg = "") -> Msg:
    """The message for a value that names no tier: the value, the known names, how to add a type.

    ``more`` is worded after the value (e.g. ``Msg("error.input.also_rows", rows="7, 9")``).

    Parameters
    ----------
    value
        The value as written.
    vocab
        The vocabulary whose names are listed (default: the active one).
    more
        Words placed after the value.

    Returns
    -------
    Msg
        The message, worded when shown.
    """
    vocab = vocab or active()
    return Msg(
        "error.unknown_tier",
        value=repr(str(value)),
        more=more,
        known=vocab.describe(),
        label=json.dumps(str(value), ensure_ascii=False),
    )


#: Candidate-site roles: may be chosen, already built (counted as open), may not be chosen.
ROLES: tuple[str, ...] = ("candidate", "existing", "excluded")

#: Role words planners write in Chinese registers.
ROLE_WORDS: dict[str, str] = {"候选": "candidate", "备选": "candidate", "已建": "existing",
                              "现有": "existing", "排除": "excluded", "不可用": "excluded"}  # fmt: skip


def role_code(value: Any) -> str | None:
    """The role a candidate row's cell stands for: blank is ``candidate``; None if unknown.

    Parameters
    ----------
    value
        The cell as written (``"Excluded"``, ``" 已建 "``, ``""``).

    Returns
    -------
    str or None
        One of :data:`ROLES`, or None for a word that is none of them.

    Examples
    --------
    >>> role_code("排除"), role_code(" Existing "), role_code(None), role_code("maybe")
    ('excluded', 'existing', 'candidate', None)
    """
    text = "" if _missing(value) else str(value).strip().lower()
    text = ROLE_WORDS.get(text, text) or "candidate"
    return text if text in ROLES else None


#: Services trade-union worker sites commonly offer, as registers name them (those of the
#: outdoor workers' stations among them). Without the scenario's ``services`` list, a services
#: item that lists some of these with spaces between them ("休息 饮水") is read as those services.
SERVICES: tuple[str, ...] = (
    "法律援助", "心理咨询", "职工书屋", "技能培训", "就业服务", "困难帮扶", "母婴室", "休息",
    "饮水", "充电", "热饭", "如厕", "应急药箱", "取暖", "纳凉",
)  # fmt: skip


#: Labels of the usual demand kinds (what a demand layer's weight counts); other kinds a
#: scenario names are shown as written. The programme serves workers "from their workplace or
#: residential community": residents of working age are those workers at home, so the labels
#: name the place, and both kinds count as workers in the totals.
KIND_LABELS: dict[str, dict[str, str]] = {
    "residents": {"zh": "居住地（居民）", "en": "Residents (at home)"},
    "workers": {"zh": "工作地（就业）", "en": "Workers (at workplaces)"},
}


#: What planners call the usual demand kinds (matched as :func:`name_key` does: any case, width
#: and spacing), the labels above included; they become the code, so the audit's workers and
#: population figures and the building assumptions find them. Other kinds are the scenario's own.
KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "residents": ("resident", "population", "people", "居民", "常住人口", "居住人口", "人口"),
    "workers": ("worker", "employees", "employee", "jobs", "职工", "员工", "就业", "就业人口"),
}
_KINDS: dict[str, str] = {
    name_key(alias): code
    for code, aliases in KIND_ALIASES.items()
    for alias in (code, *aliases, *KIND_LABELS[code].values())
}


def normalize_kind(value: str) -> str:
    """The demand kind a scenario's ``kind`` stands for: a usual kind's code, or as written.

    Parameters
    ----------
    value
        The kind as written (``"居民"``, ``"Worker"``, ``"骑手"``).

    Returns
    -------
    str
        ``"residents"`` or ``"workers"`` for their aliases and labels; other kinds stripped.

    Examples
    --------
    >>> normalize_kind("职工"), normalize_kind(" Residents "), normalize_kind("骑手")
    ('workers', 'residents', '骑手')
    """
    return _KINDS.get(name_key(value), str(value).strip())


def close_kind(value: str) -> str | None:
    """The usual kind a kind of the scenario's own probably misspells (``"wokers"``), or None.

    Parameters
    ----------
    value
        A kind after :func:`normalize_kind`.

    Returns
    -------
    str or None
        ``"residents"`` or ``"workers"`` when ``value`` is close to one of its names.

    Examples
    --------
    >>> close_kind("wokers"), close_kind("couriers"), close_kind("workers")
    ('workers', None, None)
    """
    key = name_key(value)
    if not key or key in _KINDS:
        return None
    close = difflib.get_close_matches(key, list(_KINDS), n=1, cutoff=0.8)
    return _KINDS[close[0]] if close else None


def kind_label(kind: str, lang: str) -> str:
    """The label of a demand kind (``residents`` → Residents (at home)); others as written.

    Parameters
    ----------
    kind
        A demand kind (``residents``, ``workers`` or the scenario's own).
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The label.
    """
    _check_lang(lang)
    return KIND_LABELS.get(str(kind), {}).get(lang, str(kind))
