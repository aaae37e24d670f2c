"""Tests: see tests/conftest.py."""
