"""Tests of coverage.figures, one module per module of the package."""
