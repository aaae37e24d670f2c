"""Tests of ingest: see tests/conftest.py."""
