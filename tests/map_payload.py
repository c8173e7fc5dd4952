"""Reading what an HTML map draws: the one JSON payload (``var coverageMeta=...;``)."""

from __future__ import annotations

import json
import re
from typing import Any


def payload(page: str) -> dict[str, Any]:
    """The decoded ``coverageMeta`` of a map page."""
    match = re.search(r"^var coverageMeta=(.*);$", page, re.M)
    assert match, "no coverageMeta payload in the page"
    return dict(json.loads(match.group(1)))


def overlays(page: str) -> dict[str, dict[str, Any]]:
    """Overlay specs of a map page by layer key, in drawing order."""
    return {o["key"]: o for o in payload(page)["overlays"]}


def proposed_ranks(page: str) -> list[str]:
    """The rank shown on each proposed-site marker of a map page."""
    spec = overlays(page).get("proposed")
    return [] if spec is None else [item["data"]["rank"] for item in spec["items"]]
