"""Writes and side effects of the ingest app: `imports` (jobs and items from exports and pasted text) and
`spotify` (the PRO connection over OAuth)."""

from ingest.services.imports import (
    CHUNK,
    Limits,
    cancel_import,
    check_backpressure,
    check_counts,
    check_size,
    create_import,
    link_skip_reason,
    parse_input,
    process_import,
    progress,
    result_from_items,
)

__all__ = [
    "CHUNK",
    "Limits",
    "cancel_import",
    "check_backpressure",
    "check_counts",
    "check_size",
    "create_import",
    "link_skip_reason",
    "parse_input",
    "process_import",
    "progress",
    "result_from_items",
]
