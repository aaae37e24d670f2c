"""slskd's failures, split as the conventions ask: `SlskdUnavailable` is worth retrying later, `SlskdRejected` is
not."""

from __future__ import annotations

from harmony.clients.http import ServiceRejected, ServiceUnavailable

SERVICE = "slskd"


class SlskdUnavailable(ServiceUnavailable):
    """Transient: slskd is down, unreachable, slow or failing (connection errors, timeouts, 5xx)."""


class SlskdBusy(SlskdUnavailable):
    """429: slskd allows only one search creation and two enqueues in flight at a time (§4.1, §6.1)."""


class SlskdNotLoggedIn(SlskdUnavailable):
    """409 on search creation: slskd is not logged in to Soulseek right now; it reconnects by itself (§3)."""


class SlskdRejected(ServiceRejected):
    """Permanent: slskd refused the request (bad API key, validation error, unknown resource)."""


class SlskdBadResponse(SlskdRejected):
    """slskd answered with something this client cannot read: a wrong base path (the web UI's HTML), or a shape
    this client does not know."""


class EnqueueFailed(SlskdRejected):
    """slskd did not queue this file from this peer; permanent for this candidate, try the next one."""

    def __init__(self, message: str, *, username: str, filename: str, status: int | None = None) -> None:
        super().__init__(SERVICE, message, status=status)
        self.username = username
        self.filename = filename


class PeerOffline(EnqueueFailed):
    """The peer is offline (or blacklisted locally), so nothing can be fetched from it now."""
