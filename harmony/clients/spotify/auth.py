"""The accounts service: authorization-code flow with PKCE, and refresh (contract §4).

The secret, codes, verifiers and tokens never reach a log line or an exception message.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import requests

from harmony.clients.http import ServiceSession, ServiceUnavailable, retry_after_seconds
from harmony.clients.spotify.errors import (
    SERVICE,
    SpotifyRateLimited,
    SpotifyReauthorize,
    SpotifyRejected,
    SpotifyUnavailable,
)

SCOPES: tuple[str, ...] = (
    "playlist-read-private",
    "playlist-read-collaborative",
    "user-library-read",
    "user-follow-read",
)

_VERIFIER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(code_verifier: str) -> str:
    """The S256 challenge of a verifier: base64url(SHA-256(verifier)) without padding."""
    return _b64url(hashlib.sha256(code_verifier.encode("ascii")).digest())


def new_pkce_pair() -> tuple[str, str]:
    """A fresh (code_verifier, code_challenge): 64 random characters of the RFC 7636 alphabet, and their S256."""
    verifier = "".join(secrets.choice(_VERIFIER_ALPHABET) for _ in range(64))
    return verifier, pkce_challenge(verifier)


@dataclass(frozen=True, slots=True)
class Token:
    access_token: str
    expires_at: datetime
    refresh_token: str | None
    scope: tuple[str, ...]

    def __repr__(self) -> str:  # a token in a traceback or a log line is a leaked token
        return f"Token(expires_at={self.expires_at.isoformat()}, scope={self.scope!r}, access_token=<hidden>)"

    def expires_within(self, seconds: float, *, now: datetime | None = None) -> bool:
        """True when the token should be refreshed now (Spotify's clients refresh 60 s early)."""
        return (now or datetime.now(UTC)) + timedelta(seconds=seconds) >= self.expires_at


class SpotifyAuth:
    def __init__(
        self,
        *,
        accounts_url: str,
        client_id: str,
        redirect_uri: str,
        timeout: float,
        user_agent: str,
        client_secret: str = "",
    ) -> None:
        self.accounts_url = accounts_url.rstrip("/")
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self._client_secret = client_secret
        # Token requests are POSTs: the session never retries them (an authorization code is single-use).
        self.session = ServiceSession(
            service=SERVICE, base_url=self.accounts_url, timeout=timeout, user_agent=user_agent
        )

    def __repr__(self) -> str:
        return f"SpotifyAuth(accounts_url={self.accounts_url!r}, client_id={self.client_id!r})"

    def close(self) -> None:
        self.session.close()

    def authorize_url(self, *, state: str, code_challenge: str, scopes: Sequence[str] = SCOPES) -> str:
        """Where to send the user's browser (step 1 of §4.1)."""
        query = {
            "client_id": self.client_id,
            "response_type": "code",
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(scopes),
            "state": state,
            "code_challenge_method": "S256",
            "code_challenge": code_challenge,
        }
        return f"{self.accounts_url}/authorize?{urlencode(query)}"

    def exchange_code(self, *, code: str, code_verifier: str) -> Token:
        """Step 3: the `code` from the callback for tokens. Raises SpotifyReauthorize when the code is invalid,
        expired or already used (restart the login), SpotifyRejected on configuration errors."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": code_verifier,
        }
        return self._token(form, previous_refresh_token=None)

    def refresh(self, *, refresh_token: str) -> Token:
        """A new access token. Spotify may or may not rotate the refresh token; without a new one the old one is
        kept. Raises SpotifyReauthorize when the refresh token is revoked or past its 6-month life."""
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self._token(form, previous_refresh_token=refresh_token)

    def _token(self, form: dict[str, str], *, previous_refresh_token: str | None) -> Token:
        hidden_keys = ("code", "code_verifier", "refresh_token")
        secrets_in_play = [form[key] for key in hidden_keys if form.get(key)] + [self._client_secret]
        kwargs: dict[str, Any] = {"data": form}
        if self._client_secret:
            kwargs["auth"] = (self.client_id, self._client_secret)
        else:
            form["client_id"] = self.client_id  # PKCE: the client identifies itself, no secret
        try:
            response = self.session.post("api/token", **kwargs)
        except ServiceUnavailable as exc:
            raise SpotifyUnavailable(SERVICE, _redact(exc.message, secrets_in_play), status=exc.status) from None
        if response.status_code != 200:
            raise _token_error(response, secrets_in_play)
        try:
            body = response.json()
        except ValueError:
            raise SpotifyRejected(SERVICE, "token endpoint answered with something that is not JSON") from None
        access_token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(access_token, str) or not access_token:
            raise SpotifyRejected(SERVICE, "token endpoint answered without an access token")
        expires_in = body.get("expires_in")
        seconds = expires_in if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) else 3600
        refresh_token = body.get("refresh_token")
        scope = body.get("scope")
        return Token(
            access_token=access_token,
            expires_at=datetime.now(UTC) + timedelta(seconds=seconds),
            refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else previous_refresh_token,
            scope=tuple(scope.split()) if isinstance(scope, str) else (),
        )


def _redact(text: str, hidden: Sequence[str]) -> str:
    for value in hidden:
        if len(value) >= 4:
            text = text.replace(value, "<hidden>")
    return text


def _token_error(response: requests.Response, hidden: Sequence[str]) -> SpotifyRejected | SpotifyUnavailable:
    """OAuth-style errors (§4.4): `{"error": ..., "error_description": ...}`, or anything a proxy sends."""
    status = response.status_code
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    description = body.get("error_description") if isinstance(body, dict) else None
    parts = [part for part in (error, description) if isinstance(part, str) and part]
    message = _redact(f"token endpoint {status}: {': '.join(parts) or response.reason or 'error'}"[:300], hidden)
    if status == 429:
        return SpotifyRateLimited(message, retry_after_s=retry_after_seconds(response) or 5.0)
    if status >= 500:
        return SpotifyUnavailable(SERVICE, message, status=status, retry_after_s=retry_after_seconds(response))
    if error == "invalid_grant":
        return SpotifyReauthorize(SERVICE, message, status=status)
    return SpotifyRejected(SERVICE, message, status=status)
