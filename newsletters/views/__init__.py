"""Newsletter views, one module per concept."""
