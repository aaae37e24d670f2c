"""Spotify's failures, split as the conventions ask: `SpotifyUnavailable` is worth retrying later, `SpotifyRejected`
is not. Messages never carry a token, an authorization code, a PKCE verifier or the client secret."""

from __future__ import annotations

from harmony.clients.http import ServiceRejected, ServiceUnavailable

SERVICE = "spotify"


class SpotifyUnavailable(ServiceUnavailable):
    """Transient: Spotify is unreachable, slow or failing (connection errors, timeouts, 5xx)."""


class SpotifyRateLimited(SpotifyUnavailable):
    """429 (contract §6). `retry_after_s` is Spotify's `Retry-After` (5 s when absent); it can be a whole day, so
    callers park the account and reschedule instead of sleeping. `quota_exceeded` when the body says
    `reason: QUOTA_EXCEEDED`."""

    def __init__(
        self, message: str, *, retry_after_s: float, quota_exceeded: bool = False, status: int | None = 429
    ) -> None:
        super().__init__(SERVICE, message, status=status, retry_after_s=retry_after_s)
        self.quota_exceeded = quota_exceeded


class SpotifyRejected(ServiceRejected):
    """Permanent: Spotify refused this request (bad parameters, configuration errors, unknown client)."""


class SpotifyForbidden(SpotifyRejected):
    """403: a Development-Mode restriction (a playlist the user neither owns nor collaborates on, a removed
    endpoint, a user missing from the app's allowlist, an owner without Premium, a missing scope)."""


class SpotifyNotFound(SpotifyRejected):
    """404: an unknown id, or a Spotify-owned editorial/algorithmic playlist (hidden from Development Mode)."""


class SpotifyTokenExpired(SpotifyRejected):
    """401 from the Web API: the access token expired or is not valid; refresh it and try once more."""


class SpotifyReauthorize(SpotifyRejected):
    """The token endpoint answered `invalid_grant`: the refresh token (or authorization code) is revoked or
    expired, so the user has to connect their Spotify account again."""
