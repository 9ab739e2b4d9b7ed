"""Models of the ``dialogue`` app (filled by its own issue)."""
