"""Tests of coverage.siting, one module per module of the package."""
