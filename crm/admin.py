"""Admin placeholder; replaced below."""
