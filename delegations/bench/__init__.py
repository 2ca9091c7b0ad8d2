"""Benchmark data and measurements for visits (`make bench`): not product code."""
