"""library migrations plus one that is never applied, for the readiness test."""
