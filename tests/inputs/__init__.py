"""Tests of coverage.inputs, one module per module of the package."""
