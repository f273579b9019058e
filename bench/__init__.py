"""Benchmarks of the platform, at realistic scale: `make bench`."""
