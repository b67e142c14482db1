"""Fixtures for the oauth tests, shared with the other suites (see tests/conftest.py)."""
