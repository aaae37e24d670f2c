"""A migration for the watchlist app (which has none) that is never applied, for the readiness test."""
