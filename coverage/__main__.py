"""``python -m coverage``: the same command line as the ``coverage`` script."""

from coverage.cli import main

__all__: list[str] = []

if __name__ == "__main__":  # pragma: no cover - entry point
    main()
