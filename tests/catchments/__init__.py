"""Tests of coverage.catchments, one module per module of the package."""
