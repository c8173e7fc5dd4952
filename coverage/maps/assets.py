"""Saving a map: one HTML file, optionally self-contained (Leaflet and jQuery inlined).

The vendored files live in ``coverage/static`` (see its README); a self-contained page makes no
request except for basemap tiles, so the data still shows on an offline office machine.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

import folium

from coverage.io import write_text
from coverage.maps.registry import js

__all__ = ["STATIC", "inline_assets", "save_map"]

#: Folder of the vendored Leaflet and jQuery files.
STATIC = Path(__file__).parent.parent / "static"

# (pattern on the URL, kind, vendored file). Matched loosely on package and version, so the
# same file serves whichever CDN a folium release points at.
_ASSETS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"leaflet[@/-]1\.9\.3/(dist/)?leaflet\.js$"), "js", "leaflet-1.9.3/leaflet.js"),
    (re.compile(r"leaflet[@/-]1\.9\.3/(dist/)?leaflet\.css$"), "css", "leaflet-1.9.3/leaflet.css"),
    (
        re.compile(r"jquery-3\.7\.1\.min\.js$|jquery@3\.7\.1/dist/jquery\.min\.js$"),
        "js",
        "jquery-3.7.1/jquery.min.js",
    ),
]

_SCRIPT_RE = re.compile(
    r"<script\b[^>]*?\bsrc\s*=\s*([\"'])(?P<url>[^\"']+)\1[^>]*>\s*</script>", re.I
)
_LINK_RE = re.compile(r"<link\b[^>]*?\bhref\s*=\s*([\"'])(?P<url>[^\"']+)\1[^>]*>", re.I)
_REMOTE_RE = re.compile(r"^(https?:)?//", re.I)

# Leaflet finds its default marker image from the CSS url(); with a data: URI that detection
# yields nonsense, so point the default icon at the inlined images directly.
_ICON_FIX = (
    "L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({{iconUrl:{icon},"
    "iconRetinaUrl:{icon2x},shadowUrl:{shadow}}});"
)


@lru_cache(maxsize=8)
def _data_uri(path: str) -> str:
    data = Path(path).read_bytes()
    mime = "image/png" if path.endswith(".png") else "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@lru_cache(maxsize=8)
def _asset(rel: str) -> str:
    """A vendored file ready to inline: source maps dropped, CSS images as data: URIs."""
    path = STATIC / rel
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^\s*//# sourceMappingURL=.*$", "", text, flags=re.M)
    if rel.endswith(".css"):

        def inline(match: re.Match[str]) -> str:
            target = (path.parent / match.group(2)).resolve()
            if not target.is_file():
                return match.group(0)  # e.g. url(#default#VML): no file behind it
            return f'url("{_data_uri(str(target))}")'

        text = re.sub(r"url\((['\"]?)(?!data:|#)([^'\")]+)\1\)", inline, text)
    if rel.endswith("leaflet.js"):
        img = STATIC / "leaflet-1.9.3" / "images"
        text += "\n" + _ICON_FIX.format(
            icon=js(_data_uri(str(img / "marker-icon.png"))),
            icon2x=js(_data_uri(str(img / "marker-icon-2x.png"))),
            shadow=js(_data_uri(str(img / "marker-shadow.png"))),
        )
    return text


def _vendored(url: str) -> tuple[str, str] | None:
    for pattern, kind, rel in _ASSETS:
        if pattern.search(url):
            return kind, rel
    return None


def inline_assets(page: str) -> str:
    """Replace CDN ``<script src>``/``<link href>`` tags by vendored content inline.

    Parameters
    ----------
    page
        The HTML of a folium map.

    Returns
    -------
    str
        The same page with every vendored script and stylesheet inline.

    Raises
    ------
    ValueError
        When a remote script or stylesheet is not vendored (e.g. a folium plugin's): better
        than a map that silently breaks on an offline office machine.
    """
    missing: list[str] = []

    def script(match: re.Match[str]) -> str:
        url = match.group("url")
        if not _REMOTE_RE.match(url):
            return match.group(0)
        found = _vendored(url)
        if found is None or found[0] != "js":
            missing.append(url)
            return match.group(0)
        code = _asset(found[1]).replace("</script", "<\\/script")
        return f"<script>/* {found[1]} */\n{code}\n</script>"

    def link(match: re.Match[str]) -> str:
        tag, url = match.group(0), match.group("url")
        if not re.search(r"\brel\s*=\s*[\"']?stylesheet", tag, re.I) or not _REMOTE_RE.match(url):
            return tag
        found = _vendored(url)
        if found is None or found[0] != "css":
            missing.append(url)
            return tag
        css = _asset(found[1]).replace("</style", "<\\/style")
        return f"<style>/* {found[1]} */\n{css}\n</style>"

    page = _SCRIPT_RE.sub(script, page)
    page = _LINK_RE.sub(link, page)
    if missing:
        raise ValueError(
            "cannot make the map self-contained: no vendored copy of "
            + ", ".join(sorted(set(missing)))
            + " (maps from coverage_map need only Leaflet and jQuery; see coverage/static)"
        )
    return page


def save_map(m: folium.Map, path: str | Path, *, self_contained: bool = False) -> Path:
    """Write the map as one HTML file, atomically.

    Parameters
    ----------
    m
        A map, normally from :func:`coverage_map`.
    path
        Target ``.html`` file; replaced only once the whole page is written.
    self_contained
        Inline Leaflet and jQuery from ``coverage/static`` so the page makes no CDN request
        (basemap tiles still need the network; the data shows without them).

    Returns
    -------
    Path
        The written file.
    """
    page = m.get_root().render()
    if self_contained:
        page = inline_assets(page)
    return write_text(path, page)
