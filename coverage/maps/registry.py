"""The map's one JSON payload (``coverageMeta``) and the fixed script that draws it.

Everything the page draws is collected as data in a :class:`Registry`; :func:`map_script`
turns it into one JSON literal followed by ``static/map.js``, and :class:`Script` adds that to
the page without branca ever compiling it as a template (see :class:`Raw`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

import folium
from branca.element import Element, Figure, MacroElement

from coverage.i18n import t

if TYPE_CHECKING:
    from coverage.maps.tiers import Tiers

__all__ = ["Raw", "Registry", "Script", "js", "map_script", "polygon_spec", "popup", "static_text"]

# Characters that could end a <script> element or an HTML comment, or break a JS literal.
_JS_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JS_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def js(obj: Any) -> str:
    r"""JSON for embedding in a ``<script>``: compact, UTF-8, and unable to close the tag.

    ``<``, ``>`` and ``&`` become ``\u003c``-style escapes (inside JSON strings only, where
    they can occur), so no text can end the script or open a comment; the result is only ever
    emitted as is, never handed to a template engine.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JS_UNSAFE_RE.sub(lambda m: _JS_UNSAFE[m.group(0)], text)


def static_text(name: str) -> str:
    """A file of ``coverage/maps/static`` (the page's fixed script and style), read now."""
    return resources.files("coverage.maps").joinpath("static", name).read_text(encoding="utf-8")


class Raw(Element):
    """Page text emitted exactly as given.

    branca compiles the text given to ``Element(...)``, and the output of every
    ``MacroElement``, as a Jinja template, so a ``{{ ... }}`` in a register would run while the
    map is drawn. Nothing built from input text goes through there: it all travels as JSON in
    one :class:`Script`, inside this element, which is never compiled.
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "CoverageRaw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The element's text, as is (never a template)."""
        return self.text


class Script(MacroElement):
    """The map's script, added to the page's ``<script>`` block as a :class:`Raw` element."""

    def __init__(self, code: str):
        super().__init__()  # type: ignore[no-untyped-call]  # branca leaves it unannotated
        self._name = "CoverageScript"
        self.code = code

    # Rendering adds the script to the page; MacroElement ignores what children return.
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add the script to the page's ``<script>`` block."""
        root = cast(Figure, self.get_root())
        root.script.add_child(Raw(self.code), name=self.get_name())


def popup(
    title: str, rows: Iterable[tuple[str, str]], hint: str = "", warn: str = ""
) -> dict[str, Any]:
    """A popup as data (title, label/value rows, hint, warning).

    The page builds it with ``textContent``.
    """
    out: dict[str, Any] = {"title": str(title), "rows": [[str(k), str(v)] for k, v in rows]}
    if warn:
        out["warn"] = warn
    if hint:
        out["hint"] = hint
    return out


class Registry:
    """Everything the page draws, as data: it becomes ``coverageMeta`` in the map's script."""

    def __init__(self) -> None:
        self.basemaps: list[dict[str, Any]] = []  # switcher choices: {key, show, shift, tiles}
        self.shift: dict[str, Any] | None = None  # tile offsets to the drawn datum
        self.overlays: list[dict[str, Any]] = []  # {key, show, kind, ...}, in drawing order
        self.names: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        self.facility_tier: dict[str, str] = {}
        self.catchments: dict[str, dict[str, Any]] = {}
        self.front: list[str] = []  # keys raised above catchments when layers are toggled
        self.notes: list[str] = []
        self.legend_rows: dict[str, list[dict[str, Any]]] = {}  # extra legend rows by layer
        self.search: list[list[str]] = []  # [fid, name, tier label] of every facility

    def add(
        self, key: str, name: str, spec: dict[str, Any], *, show: bool = True, count: int = 0
    ) -> None:
        """An overlay: ``spec`` says what to draw (``kind`` geojson, bands, points or markers)."""
        self.overlays.append({"key": key, "show": show, **spec})
        self.names[key] = name
        self.counts[key] = count


def polygon_spec(
    fc: dict[str, Any], style: dict[str, Any], *, interactive: bool = False
) -> dict[str, Any]:
    """GeoJSON overlay; features with a ``popup`` property (see :func:`popup`) get a popup."""
    return {"kind": "geojson", "data": fc, "style": style, "interactive": interactive}


def map_script(
    m: folium.Map,
    reg: Registry,
    tiers: Tiers,
    lang: str,
    datum: str,
    panels: dict[str, Any],
) -> str:
    """The map's script: the payload as one JSON literal, then the fixed ``static/map.js``.

    ``map.js`` is the page's own code: fixed text, no input in it. It draws everything in
    ``coverageMeta`` (layers, markers, popups, tooltips, layer control, title, KPI panel,
    legend) and sets ``window.coverageMap``. Input text reaches the page only through
    ``textContent`` and ``setAttribute``, or escaped by ``esc`` for the layer control, which
    Leaflet fills with ``innerHTML``.
    """
    meta = {
        "lang": lang,
        "datum": datum,
        "names": reg.names,
        "counts": reg.counts,
        # Keyed by facility id as [id, value] pairs, never as a JSON object: in the script, an
        # object's "__proto__" key would set its prototype, not add an entry (map.js reads the
        # pairs into objects without a prototype).
        "catchments": list(reg.catchments.items()),
        "colors": [[fid, tiers.style[t]["color"]] for fid, t in reg.facility_tier.items()],
        "front": reg.front,
        "basemaps": reg.basemaps,
        "shift": reg.shift,
        "overlays": reg.overlays,
        "search": {
            "items": reg.search,
            "placeholder": t(lang, "map.search"),
            "none": t(lang, "map.search_none"),
        },
        "units": {"m": t(lang, "map.unit_m"), "km": t(lang, "map.unit_km")},  # the scale bar
        # Leaflet's own tooltips and spoken labels ("Zoom in", "Layers", "Close popup"…).
        "words": {
            k: t(lang, f"map.ui_{k}") for k in ("zoom_in", "zoom_out", "layers", "close", "leaflet")
        },
        **panels,
    }
    code = static_text("map.js")
    # The data sits on one line as plain JSON ("var coverageMeta=...;"), easy to check from tests.
    return f"(function(){{\nvar map={m.get_name()};\nvar coverageMeta={js(meta)};\n{code}}})();"
