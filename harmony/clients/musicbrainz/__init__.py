"""MusicBrainz web-service client (contract: shared/contracts/metadata_services.md §4.4).

`MusicBrainzClient` resolves ISRCs, searches recordings, and looks up recording credits and releases, returning
frozen dataclasses. Failures follow the transient/permanent split: `MusicBrainzUnavailable` (5xx, network, the
503 of the 1 request/second rule with `retry_after_s`) is worth retrying later; `MusicBrainzRejected` (400, 403)
and `MusicBrainzNotFound` (404 on a lookup) are not.
"""

from harmony.clients.musicbrainz.client import MusicBrainzClient, lucene_phrase, normalise_isrc
from harmony.clients.musicbrainz.data import (
    ArtistCredit,
    Label,
    Medium,
    Recording,
    RecordingDetail,
    Release,
    ReleaseGroup,
    ReleaseSummary,
    ReleaseTrack,
    credit_display,
)
from harmony.clients.musicbrainz.errors import (
    SERVICE,
    MusicBrainzNotFound,
    MusicBrainzRejected,
    MusicBrainzUnavailable,
)

__all__ = [
    "SERVICE",
    "ArtistCredit",
    "Label",
    "Medium",
    "MusicBrainzClient",
    "MusicBrainzNotFound",
    "MusicBrainzRejected",
    "MusicBrainzUnavailable",
    "Recording",
    "RecordingDetail",
    "Release",
    "ReleaseGroup",
    "ReleaseSummary",
    "ReleaseTrack",
    "credit_display",
    "lucene_phrase",
    "normalise_isrc",
]
