"""Demo data for the embedded mode (`manage.py seed_demo`): not product code."""
