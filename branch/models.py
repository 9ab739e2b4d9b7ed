"""Models of the ``branch`` app (filled by its own issue)."""
