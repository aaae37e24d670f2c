"""slskd REST API client (contract: shared/contracts/slskd.md)."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from harmony.clients.http import ServiceRejected, ServiceSession, ServiceUnavailable, retry_after_seconds

SERVICE = "slskd"


class SlskdUnavailable(ServiceUnavailable):
    pass


class SlskdRejected(ServiceRejected):
    pass


@dataclass(frozen=True, slots=True)
class ServerState:
    """`GET /api/v0/server` (§3): the Soulseek connection of the slskd daemon."""

    state: str
    is_connected: bool
    is_logged_in: bool
    address: str | None


class SlskdClient:
    def __init__(self, *, base_url: str, api_key: str, timeout: float, user_agent: str) -> None:
        self.session = ServiceSession(service=SERVICE, base_url=base_url, timeout=timeout, user_agent=user_agent)
        # slskd's web UI sends the JSON content type on every request, bodiless ones included (§1).
        self.session.headers["Content-Type"] = "application/json"
        if api_key:
            self.session.headers["X-API-Key"] = api_key

    def _check(self, response: requests.Response) -> requests.Response:
        if response.status_code == 429:
            raise SlskdUnavailable(
                SERVICE, "rate limited", status=429, retry_after_s=retry_after_seconds(response) or 1.0
            )
        if response.status_code >= 500:
            raise SlskdUnavailable(SERVICE, _message(response), status=response.status_code)
        if response.status_code == 401:
            raise SlskdRejected(SERVICE, "the API key was not accepted (401)", status=401)
        if response.status_code >= 400:
            raise SlskdRejected(SERVICE, _message(response), status=response.status_code)
        return response

    def server_state(self) -> ServerState:
        body = self._check(self.session.get("api/v0/server")).json()
        return ServerState(
            state=str(body.get("state", "None")),
            is_connected=bool(body.get("isConnected", False)),
            is_logged_in=bool(body.get("isLoggedIn", False)),
            address=body.get("address"),
        )


def _message(response: requests.Response) -> str:
    """slskd error bodies are a JSON string literal or empty (§1)."""
    try:
        body = response.json()
    except ValueError:
        body = response.text
    text = body if isinstance(body, str) and body else response.reason or "error"
    return f"{response.status_code} {text}"[:300]


def from_settings(*, timeout: float = 10.0) -> SlskdClient:
    from django.conf import settings

    return SlskdClient(
        base_url=settings.SLSKD_URL,
        api_key=settings.SLSKD_API_KEY,
        timeout=timeout,
        user_agent=settings.HARMONY_HTTP_USER_AGENT,
    )
