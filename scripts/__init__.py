"""Operational scripts: the demo launcher and its database helpers."""
