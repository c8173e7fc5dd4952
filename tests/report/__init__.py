"""Tests of coverage.report, one module per module of the package."""
