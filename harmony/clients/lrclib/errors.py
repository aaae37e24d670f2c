"""LRCLIB's failures, split as the conventions ask: `LrclibUnavailable` is worth retrying later, `LrclibRejected`
is not. "No lyrics" is not a failure: the client answers None or an empty list."""

from __future__ import annotations

from harmony.clients.http import ServiceRejected, ServiceUnavailable

SERVICE = "lrclib"


class LrclibUnavailable(ServiceUnavailable):
    """Transient: LRCLIB is unreachable, slow, failing (5xx) or rate limiting (429, with `retry_after_s`)."""


class LrclibRejected(ServiceRejected):
    """Permanent: LRCLIB refused the request (400 ValidationError naming the parameter, other 4xx) or answered
    with a body this client cannot read."""
