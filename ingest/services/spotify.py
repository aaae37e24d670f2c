"""Spotify PRO mode: the user's own account over OAuth (authorization code with PKCE and `state`).

Tokens are stored encrypted. An access token is refreshed a minute before it expires; a refresh token Spotify no
longer accepts (revoked, or past its six months) marks the account "needs re-authorisation" instead of failing
every call. A 429 parks the account until Retry-After has passed: nothing ever sleeps in a worker.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from harmony import crypto
from harmony.clients import spotify
from harmony.clients.http import ClientError
from harmony.errors import Conflict, DependencyError, FeatureDisabled, RateLimited, ValidationFailed
from ingest.models import SpotifyAccount, SpotifyAuthRequest

AUTH_REQUEST_TTL = timedelta(minutes=10)
REFRESH_SKEW = timedelta(seconds=60)
REFRESH_TOKEN_LIFETIME = timedelta(days=182)  # contracts/spotify.md §4.2: six months from consent
REAUTHORIZE_WARNING = timedelta(days=14)


def configured() -> bool:
    return bool(settings.SPOTIFY_CLIENT_ID and settings.SPOTIFY_REDIRECT_URI)


def _auth() -> spotify.SpotifyAuth:
    return spotify.SpotifyAuth(
        accounts_url=settings.SPOTIFY_ACCOUNTS_URL, client_id=settings.SPOTIFY_CLIENT_ID,
        redirect_uri=settings.SPOTIFY_REDIRECT_URI, timeout=10, user_agent=settings.HARMONY_HTTP_USER_AGENT,
    )  # fmt: skip


def _client(access_token: str) -> spotify.SpotifyClient:
    return spotify.SpotifyClient(
        api_url=settings.SPOTIFY_API_URL, access_token=access_token, timeout=15,
        user_agent=settings.HARMONY_HTTP_USER_AGENT,
    )  # fmt: skip


def _require_configured() -> None:
    if not configured():
        raise FeatureDisabled(
            "Spotify is not configured: set SPOTIFY_CLIENT_ID and SPOTIFY_REDIRECT_URI (the Spotify page says how).",
            meta={"reason": "not_configured"},
        )


def start_authorization(*, user: User) -> str:
    """The URL to send the user's browser to. Side effects: stores the state and the encrypted PKCE verifier."""
    _require_configured()
    verifier, challenge = spotify.new_pkce_pair()
    state = secrets.token_urlsafe(32)
    SpotifyAuthRequest.objects.filter(created_at__lt=timezone.now() - AUTH_REQUEST_TTL).delete()
    SpotifyAuthRequest.objects.create(user=user, state=state, code_verifier_encrypted=crypto.encrypt(verifier))
    return _auth().authorize_url(state=state, code_challenge=challenge)


def complete_authorization(*, user: User, state: str, code: str = "", error: str = "") -> SpotifyAccount:
    """Finish the flow Spotify redirected back from. The state is single-use and must be this user's.

    Side effects: deletes the auth request; token exchange and `GET /me` at Spotify; writes the SpotifyAccount.
    """
    _require_configured()
    with transaction.atomic():
        request = (
            SpotifyAuthRequest.objects.select_for_update()
            .filter(user=user, state=state, created_at__gte=timezone.now() - AUTH_REQUEST_TTL)
            .first()
        )
        if request is None:
            raise ValidationFailed("state: unknown or expired authorisation; connect again from the Spotify page")
        verifier = crypto.decrypt(request.code_verifier_encrypted)
        request.delete()
    if error:
        reason = "you declined access on Spotify" if error == "access_denied" else error
        raise ValidationFailed(f"Spotify did not authorise Harmony: {reason}", meta={"error": error[:100]})
    if not code:
        raise ValidationFailed("code: missing from Spotify's redirect")
    try:
        token = _auth().exchange_code(code=code, code_verifier=verifier)
        me = _client(token.access_token).me()
    except spotify.SpotifyRejected as exc:
        raise ValidationFailed(f"Spotify refused the authorisation: {exc.message}") from exc
    except ClientError as exc:
        raise DependencyError(f"Spotify did not answer: {exc.message}", meta={"dependency": "spotify"}) from exc
    now = timezone.now()
    account, _ = SpotifyAccount.objects.update_or_create(
        user=user,
        defaults={
            "spotify_user_id": me.id, "display_name": me.display_name or "",
            "access_token_encrypted": crypto.encrypt(token.access_token),
            "refresh_token_encrypted": crypto.encrypt(token.refresh_token) if token.refresh_token else "",
            "expires_at": token.expires_at, "scope": " ".join(token.scope), "authorized_at": now,
            "status": SpotifyAccount.Status.CONNECTED, "rate_limited_until": None, "last_error": "",
        },
    )  # fmt: skip
    return account


def access_token(*, account: SpotifyAccount) -> str:
    """A valid access token, refreshed when it is about to expire.

    Side effects: the token endpoint; writes the new tokens, or marks the account as needing re-authorisation.
    """
    if account.status == SpotifyAccount.Status.NEEDS_REAUTH:
        raise Conflict(
            "Spotify needs to be connected again (the authorisation ended).", meta={"reason": "needs_reauth"}
        )
    if account.rate_limited_until and account.rate_limited_until > timezone.now():
        wait = int((account.rate_limited_until - timezone.now()).total_seconds()) + 1
        raise RateLimited("Spotify asked Harmony to wait.", retry_after_s=wait, meta={"dependency": "spotify"})
    if account.expires_at - timezone.now() > REFRESH_SKEW:
        return crypto.decrypt(account.access_token_encrypted)
    if not account.refresh_token_encrypted:
        _needs_reauth(account, "no refresh token")
    try:
        token = _auth().refresh(refresh_token=crypto.decrypt(account.refresh_token_encrypted))
    except spotify.SpotifyReauthorize as exc:
        _needs_reauth(account, exc.message)
    account.access_token_encrypted = crypto.encrypt(token.access_token)
    if token.refresh_token:
        account.refresh_token_encrypted = crypto.encrypt(token.refresh_token)
    account.expires_at = token.expires_at
    account.save(update_fields=["access_token_encrypted", "refresh_token_encrypted", "expires_at", "updated_at"])
    return token.access_token


def _needs_reauth(account: SpotifyAccount, detail: str) -> Any:
    SpotifyAccount.objects.filter(pk=account.pk).update(
        status=SpotifyAccount.Status.NEEDS_REAUTH, last_error=detail[:300]
    )
    account.status = SpotifyAccount.Status.NEEDS_REAUTH
    raise Conflict("Spotify needs to be connected again (the authorisation ended).", meta={"reason": "needs_reauth"})


def park(*, account: SpotifyAccount, retry_after_s: float) -> None:
    """Spotify said 429: no call for this account until Retry-After has passed. Side effects: writes the account."""
    until = timezone.now() + timedelta(seconds=max(1.0, retry_after_s))
    SpotifyAccount.objects.filter(pk=account.pk).update(rate_limited_until=until, last_error="rate limited (429)")


def client_for(*, user: User) -> tuple[SpotifyAccount, spotify.SpotifyClient]:
    account = SpotifyAccount.objects.filter(user=user).first()
    if account is None:
        raise Conflict("Spotify is not connected.", meta={"reason": "not_connected"})
    return account, _client(access_token(account=account))


def disconnect(*, user: User) -> None:
    """Side effects: deletes the stored tokens."""
    SpotifyAccount.objects.filter(user=user).delete()


def status(*, user: User) -> dict[str, Any]:
    account = SpotifyAccount.objects.filter(user=user).first()
    answer: dict[str, Any] = {
        "mode": "pro" if account is not None else "free",
        "configured": configured(),
        "redirect_uri": settings.SPOTIFY_REDIRECT_URI or None,
        "connected": account is not None and account.status == SpotifyAccount.Status.CONNECTED,
    }
    if account is not None:
        refresh_expires_at = account.authorized_at + REFRESH_TOKEN_LIFETIME
        answer.update(
            account=account.display_name or account.spotify_user_id, status=account.status,
            authorized_at=account.authorized_at, refresh_expires_at=refresh_expires_at,
            reauthorize_soon=refresh_expires_at - timezone.now() < REAUTHORIZE_WARNING,
            rate_limited_until=account.rate_limited_until, last_error=account.last_error or None,
        )  # fmt: skip
    return answer
