"""Inputs: registers, boundaries and population layers in, validated WGS-84 layers out."""

from __future__ import annotations

__all__: list[str] = []
