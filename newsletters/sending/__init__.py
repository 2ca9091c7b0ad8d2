"""The sending engine (placeholder docstring, replaced below)."""
