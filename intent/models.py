"""Models of the ``intent`` app (filled by its own issue)."""
