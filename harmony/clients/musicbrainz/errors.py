"""MusicBrainz's failures, split as the conventions ask: `MusicBrainzUnavailable` is worth retrying later,
`MusicBrainzRejected` is not."""

from __future__ import annotations

from harmony.clients.http import ServiceRejected, ServiceUnavailable

SERVICE = "musicbrainz"


class MusicBrainzUnavailable(ServiceUnavailable):
    """Transient: unreachable, slow, failing (5xx), or over the 1 request/second rule (503, with `retry_after_s`)."""


class MusicBrainzRejected(ServiceRejected):
    """Permanent: a malformed request (400) or a refused User-Agent (403); retrying it will not help."""


class MusicBrainzNotFound(MusicBrainzRejected):
    """404 on a lookup: no entity has that MBID."""
