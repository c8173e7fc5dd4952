"""Tests of coverage.maps, one module per module of the package."""
