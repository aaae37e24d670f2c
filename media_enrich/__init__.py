"""A finished download becomes a verified, tagged, organised library file."""
