"""The report's defaults. Its words are in :mod:`coverage.i18n` (keys ``report.*``)."""

from __future__ import annotations

from coverage.i18n import check_lang

__all__ = ["DEFAULT_ADD", "check_lang"]

#: New sites proposed when neither the command line nor ``[plan]`` says how many.
DEFAULT_ADD = 10
