"""Every word a user reads, in one catalogue per language: map, report, workbook and console.

The catalogues (:mod:`coverage.i18n.zh`, :mod:`coverage.i18n.en`) map keys such as
``"map.kpi.share_any"``, ``"report.subdistricts"``, ``"excel.sheet.summary"`` or
``"console.plan.title"`` to text with ``str.format`` fields (``{n}``, ``{label}``…). The input
problems (``"problem.*"``, in :mod:`~coverage.i18n.problems_zh` and
:mod:`~coverage.i18n.problems_en`) are worded when written, from a
:class:`~coverage.errors.Msg` that carries the key and its fields::

    from coverage.i18n import t
    t("zh", "map.count", label="服务站点", n=6)     # '服务站点（6处）'
    t("en", "report.people", n="1,234")            # '1,234'

Tier labels are not here: :mod:`coverage.vocab` is the one tier vocabulary.

A count that a noun or verb agrees with is the field ``{n}``: when ``n`` is 1 and the catalogue
holds the key with ``_one`` appended, :func:`t` words that instead ("1 row is", not "1 rows
are"). Only English needs these (Chinese has no plural), so an English ``_one`` key has no
Chinese twin; its fields are among its plural's. This is the one rule: a part of ``{k} of
{total}`` that agrees with ``k`` is written ``{n} of {total}``, and a message that counts two
things words the second as a field of its own, from a key whose ``{n}`` it is
(``report.skipped``'s ``{warnings}`` is ``t(lang, "report.warnings", n=kept)``, a
:class:`~coverage.errors.Msg` field the same).

Adding a word: add the same key to both catalogues, with the same ``{fields}``. The tests in
``tests/i18n`` check that the catalogues hold the same keys and fields, that every key the code
asks for exists, and that the Chinese words hold no stray English and the English ones no
Chinese. An unknown key is a programming error: :func:`t` raises ``KeyError`` rather than
showing the key or a word of the other language.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from coverage import settings
from coverage.i18n import en, zh

__all__ = ["LANGS", "catalogue", "check_lang", "lang_or_default", "t"]

#: Languages every word exists in.
LANGS: tuple[str, ...] = ("zh", "en")

_CATALOGUES: dict[str, Mapping[str, str]] = {
    "zh": MappingProxyType(zh.WORDS),
    "en": MappingProxyType(en.WORDS),
}


def check_lang(lang: str) -> None:
    """Raise ``ValueError`` unless there is a catalogue for ``lang``.

    Parameters
    ----------
    lang
        The language asked for.
    """
    if lang not in _CATALOGUES:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")


def lang_or_default(lang: str | None) -> str:
    """``lang``, or :data:`coverage.settings.lang` (read now) when None; checked either way.

    Parameters
    ----------
    lang
        ``"zh"``, ``"en"`` or None.

    Returns
    -------
    str
        The language to word an output in.
    """
    if lang is not None:
        check_lang(lang)
        return lang
    default = settings.lang  # read at call time: an analyst may set it after import
    if default not in _CATALOGUES:
        from coverage.errors import ArgumentError, Msg  # errors words its messages from here

        said = {"en": " or ".join(map(repr, LANGS)), "zh": "、".join(map(repr, LANGS))}
        raise ArgumentError(
            Msg("error.settings.value", setting="coverage.settings.lang")
            + Msg("error.value.literal_error", input=repr(default), expected=said)
        )
    return default


def catalogue(lang: str) -> Mapping[str, str]:
    """Every word in ``lang``, key → text with its ``{fields}`` unfilled (read-only).

    For words looked up by a key made from data (``f"map.kpi.{name}"``) that may be missing:
    ``catalogue(lang).get(key, fallback)``.

    Parameters
    ----------
    lang
        ``"zh"`` or ``"en"`` (:data:`LANGS`).

    Returns
    -------
    Mapping
        Key → text, read-only.
    """
    check_lang(lang)
    return _CATALOGUES[lang]


def t(lang: str, key: str, **fields: Any) -> str:
    """The word ``key`` in ``lang`` with its ``{...}`` fields filled from ``fields``.

    Parameters
    ----------
    lang
        ``"zh"`` or ``"en"`` (else ``ValueError``).
    key
        A catalogue key, e.g. ``"map.title"``; an unknown key raises ``KeyError``.
    **fields
        Values of the text's ``{...}`` fields (``str.format``). With ``n`` 1, the key's
        singular ``<key>_one`` where the catalogue has one.

    Returns
    -------
    str
        The text.
    """
    words = catalogue(lang)
    if _is_one(fields.get("n")) and f"{key}_one" in words:
        key = f"{key}_one"
    try:
        text = words[key]
    except KeyError:
        raise KeyError(
            f"no word {key!r} in the {lang} catalogue (coverage/i18n/{lang}.py)"
        ) from None
    return text.format(**fields)


def _is_one(n: object) -> bool:
    """Whether a count is one: 1, 1.0 or numpy's 1, or "1" already formatted (not True)."""
    if isinstance(n, str):
        return n.strip() == "1"
    return isinstance(n, numbers.Real) and not isinstance(n, bool) and float(n) == 1
