"""slskd REST API client (contract: shared/contracts/slskd.md).

Every method returns dataclasses parsed from slskd's camelCase JSON and raises the transient/permanent split:
`SlskdUnavailable` (and its `SlskdBusy`, `SlskdNotLoggedIn`) is worth retrying later; `SlskdRejected` (and its
`EnqueueFailed`, `PeerOffline`, `SlskdBadResponse`) is not. Remote filenames and sizes are untrusted data that must
travel back to slskd byte-for-byte, so they are never normalised.
"""

from harmony.clients.slskd.client import SlskdClient, from_settings
from harmony.clients.slskd.data import (
    DirectoryListing,
    Event,
    FailureKind,
    Search,
    SearchFile,
    SearchResponse,
    ServerState,
    Transfer,
    TransferState,
    parse_timespan,
    parse_timestamp,
)
from harmony.clients.slskd.errors import (
    SERVICE,
    EnqueueFailed,
    PeerOffline,
    SlskdBadResponse,
    SlskdBusy,
    SlskdNotLoggedIn,
    SlskdRejected,
    SlskdUnavailable,
)

__all__ = [
    "SERVICE",
    "DirectoryListing",
    "EnqueueFailed",
    "Event",
    "FailureKind",
    "PeerOffline",
    "Search",
    "SearchFile",
    "SearchResponse",
    "ServerState",
    "SlskdBadResponse",
    "SlskdBusy",
    "SlskdClient",
    "SlskdNotLoggedIn",
    "SlskdRejected",
    "SlskdUnavailable",
    "Transfer",
    "TransferState",
    "from_settings",
    "parse_timespan",
    "parse_timestamp",
]
