"""Fixtures for the apikeys tests, shared with the other suites (see tests/conftest.py)."""
