"""The printable map: PNG and PDF written atomically, the suffix checked, English without a CJK font."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from map_layers import sample_layers

from coverage import figures


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return sample_layers()


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_static_map_written(tmp_path, data, suffix, magic):
    path = tmp_path / f"map{suffix}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = figures.save_static_map(
            data["facilities"],
            data["demand"],
            data["tier_catchments"],
            data["area"],
            path,
            lang="zh",
            dpi=60,
        )
    assert out == path and path.read_bytes()[:4] == magic
    assert path.stat().st_size > 10_000
    font_warnings = [w for w in caught if "Chinese font" in str(w.message)]
    assert bool(font_warnings) == (figures.cjk_font() is None)


def test_static_map_is_atomic_and_checks_suffix(tmp_path, monkeypatch, data):
    from matplotlib.figure import Figure

    target = tmp_path / "map.png"
    target.write_bytes(b"old")

    def broken(self: Figure, fname: Any, **kwargs: Any) -> None:
        Path(fname).write_bytes(b"partial")
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        figures.save_static_map(data["facilities"], None, None, None, target, lang="en")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]
    with pytest.raises(ValueError, match="png or .pdf"):
        figures.save_static_map(data["facilities"], None, None, None, tmp_path / "m.jpg")
