"""Delegations views, one module per concept."""
