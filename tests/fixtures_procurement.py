"""Fixtures for the procurement tests, shared with the other suites (see tests/conftest.py)."""
