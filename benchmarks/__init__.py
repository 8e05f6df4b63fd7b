"""Benchmark scripts; each starts what it needs, prints figures and stops it all again."""
