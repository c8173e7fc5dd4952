"""Saving: self-contained HTML with no CDN request, refusal of unvendored assets, atomic writes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import folium
import pytest

from coverage import maps

_REMOTE_TAG = re.compile(
    r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//|<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", re.I
)


def test_self_contained_html_has_no_cdn_requests(tmp_path, data):
    m = maps.coverage_map(**data)
    online = maps.save_map(m, tmp_path / "online.html").read_text(encoding="utf-8")
    assert _REMOTE_TAG.search(online)  # the plain file links the CDN
    path = maps.save_map(m, tmp_path / "map.html", self_contained=True)
    page = path.read_text(encoding="utf-8")
    assert not _REMOTE_TAG.search(page)
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"<link[^>]*rel=[\"']?stylesheet", page)
    assert 't.version="1.9.3"' in page  # Leaflet's own code
    assert "jQuery" in page and ".leaflet-container" in page
    assert "data:image/png;base64," in page  # Leaflet CSS images inlined
    assert "sourceMappingURL" not in page
    assert "tile.openstreetmap.org" in page  # tile templates inside JS strings are allowed
    assert "window.coverageMap" in page and "底图需联网" in page


def test_self_contained_refuses_unvendored_assets(tmp_path):
    target = tmp_path / "plain.html"
    target.write_text("old", encoding="utf-8")
    m = folium.Map()  # default folium: Bootstrap, Font Awesome… not vendored
    with pytest.raises(ValueError, match="self-contained"):
        maps.save_map(m, target, self_contained=True)
    assert target.read_text(encoding="utf-8") == "old"


def test_save_map_is_atomic(tmp_path, monkeypatch, data):
    target = tmp_path / "map.html"
    target.write_text("previous map", encoding="utf-8")
    m = maps.coverage_map(data["facilities"])

    def broken_write(self: Path, text: str, *args: Any, **kwargs: Any) -> int:
        with open(self, "w", encoding="utf-8") as f:
            f.write(text[:100])  # half a file, then the disk fills up
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_text", broken_write)
    with pytest.raises(OSError, match="disk full"):
        maps.save_map(m, target, self_contained=True)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "previous map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]  # no temporary left behind
