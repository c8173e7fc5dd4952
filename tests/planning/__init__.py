"""Tests of coverage.planning, one module per module of the package."""
