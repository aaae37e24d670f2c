"""Choosing a Soulseek file: pure scoring plus search and candidate persistence."""
