"""coverage: street-network service-coverage planning for tiered worker service facilities.

Data flows one way: network → routing → catchments / analysis → siting → maps / reports.
"""

from coverage.errors import InputError, ScenarioError

__version__ = "0.1.0"

__all__ = ["InputError", "ScenarioError", "__version__"]
