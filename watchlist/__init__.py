"""Watching artists for new releases."""
