"""Tests of coverage.network, one module per module of the package."""
