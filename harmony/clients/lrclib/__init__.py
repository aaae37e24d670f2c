"""LRCLIB lyrics client (contract: shared/contracts/metadata_services.md §5.2).

`LrclibClient` looks records up by track metadata or id and searches; it returns `LyricsRecord`s, None for "no
record". Failures follow the transient/permanent split: `LrclibUnavailable` (network, 5xx, 429 with
`retry_after_s`) is worth retrying later; `LrclibRejected` (400 and other refusals, malformed bodies) is not.
"""

from harmony.clients.lrclib.client import LrclibClient, request_duration
from harmony.clients.lrclib.data import LyricsRecord, parse_record, parse_records
from harmony.clients.lrclib.errors import SERVICE, LrclibRejected, LrclibUnavailable

__all__ = [
    "SERVICE",
    "LrclibClient",
    "LrclibRejected",
    "LrclibUnavailable",
    "LyricsRecord",
    "parse_record",
    "parse_records",
    "request_duration",
]
