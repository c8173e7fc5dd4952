"""coverage.io helpers not covered by the output tests (test_hostile.py, test_bad_inputs.py)."""

from __future__ import annotations

import os

import pytest

from coverage.io import probe_folder


def test_probe_folder_creates_a_missing_folder_and_leaves_it_empty(tmp_path):
    folder = tmp_path / "a" / "b"
    probe_folder(folder)
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_probe_folder_says_when_the_folder_is_a_file(tmp_path):
    a_file = tmp_path / "cache"
    a_file.write_text("x")
    with pytest.raises(FileExistsError):
        probe_folder(a_file)
    assert a_file.read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_probe_folder_fails_in_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(PermissionError):
            probe_folder(folder)
    finally:
        folder.chmod(0o700)
