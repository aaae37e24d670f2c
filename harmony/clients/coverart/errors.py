"""The Cover Art Archive's failures: `CoverArtUnavailable` is worth retrying later, `CoverArtRejected` is not."""

from __future__ import annotations

from harmony.clients.http import OutboundBlocked, ServiceRejected, ServiceUnavailable

SERVICE = "coverart"


class CoverArtUnavailable(ServiceUnavailable):
    """Transient: the archive is unreachable, slow or failing (connection errors, timeouts, 5xx)."""


class CoverArtRejected(ServiceRejected):
    """Permanent: a bad MBID (400), an answer that is not what was asked for, an image over the size cap, or a
    redirect chain that is too long."""


class CoverArtBlocked(CoverArtRejected, OutboundBlocked):
    """A redirect pointed at a host outside the allow-list: never followed."""


class CoverArtNotFound(CoverArtRejected):
    """404: no such release, no artwork for it, or no such image file."""
