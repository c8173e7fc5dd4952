"""The payload: JSON that cannot close its script, and the fixed script and style read from static files."""

from __future__ import annotations

import json
import re
from pathlib import Path

from map_layers import render_page

from coverage import maps
from coverage.maps.registry import js


def test_script_json_cannot_close_the_script():
    text = "</script><!--&\u2028\u2029"
    out = js({"a": text})
    assert not set(out) & set("<>&\u2028\u2029")
    assert json.loads(out) == {"a": text}


def test_page_script_and_style_are_the_static_files(data):
    static = Path(maps.__file__).parent / "static"
    code = (static / "map.js").read_text(encoding="utf-8")
    css = (static / "map.css").read_text(encoding="utf-8")
    assert "window.coverageMap" in code and "#cov-legend" in css
    page = render_page(maps.coverage_map(data["facilities"], lang="en"))
    # The fixed script follows the payload line; the style sits in the page's head.
    assert re.search(r"^var coverageMeta=.*;\n" + re.escape(code) + r"\}\)\(\);", page, re.M)
    head = page[: page.index("</head>")]
    assert "<style>\n" + css + "</style>" in head
