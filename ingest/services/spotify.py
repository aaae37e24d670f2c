"""Spotify PRO mode: the user's own account over OAuth (authorization code with PKCE and `state`).

Tokens are stored encrypted. An access token is refreshed a minute before it expires; a refresh token Spotify no
longer accepts (revoked, or past its six months) marks the account "needs re-authorisation" instead of failing
every call. A 429 parks the account until Retry-After has passed: nothing ever sleeps in a worker.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from harmony import crypto
from harmony.clients import spotify
from harmony.clients.http import ClientError
from harmony.errors import Conflict, DependencyError, FeatureDisabled, RateLimited, ValidationFailed
from ingest.models import ImportItem, ImportJob, PlaylistMirror, SpotifyAccount, SpotifyAuthRequest
from library import runtime
from matching.query import identity_key

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


LIKED_SONGS = "liked"
_SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")


def list_playlists(*, user: User) -> list[dict[str, Any]]:
    """The user's playlists, each marked importable when Spotify lets this app read its items (owned or
    collaborative). Side effects: Spotify calls; a 429 parks the account."""
    account, client = client_for(user=user)
    try:
        playlists = list(client.my_playlists())
    except spotify.SpotifyRateLimited as exc:
        wait = exc.retry_after_s or 5.0
        park(account=account, retry_after_s=wait)
        raise RateLimited("Spotify asked Harmony to wait.", retry_after_s=int(wait) + 1) from exc
    return [
        {"id": p.id, "name": p.name, "owner_id": p.owner_id, "collaborative": p.collaborative,
         "items_total": p.items_total, "importable": p.owner_id == account.spotify_user_id or p.collaborative}
        for p in playlists
    ]  # fmt: skip


def start_import(*, user: User, playlist: str, mirror: bool = True) -> ImportJob:
    """Import a playlist of the user's (its id) or their Liked Songs (`"liked"`); the worker reads it from Spotify.

    With `mirror` (the default: only playlists the user owns or collaborates on can be read at all) the playlist
    is also kept in step afterwards by `ingest.sync_playlists`.
    Side effects: creates a pending ImportJob (and creates or re-enables its PlaylistMirror); enqueues
    `ingest.fetch_spotify_import` after commit.
    """
    from ingest.services.imports import check_backpressure
    from ingest.tasks import fetch_spotify_import

    account = SpotifyAccount.objects.filter(user=user).first()
    if account is None:
        raise Conflict("Spotify is not connected.", meta={"reason": "not_connected"})
    check_backpressure()
    if playlist != LIKED_SONGS and not _SPOTIFY_ID.match(playlist):
        raise ValidationFailed("playlist: a Spotify playlist id (22 letters and digits) or 'liked'")
    with transaction.atomic():
        job = ImportJob.objects.create(
            source=ImportJob.Source.SPOTIFY, format=import_format(playlist), filename=playlist,
            name="Liked Songs" if playlist == LIKED_SONGS else "", created_by=user,
        )  # fmt: skip
        if mirror:
            PlaylistMirror.objects.update_or_create(
                account=account, playlist_id=playlist,
                defaults={"enabled": True, "last_job": job, "next_sync_at": timezone.now() + sync_interval(),
                          "last_error": ""},
            )  # fmt: skip
        transaction.on_commit(lambda: fetch_spotify_import.delay(job_id=job.pk))
    return job


def import_format(playlist: str) -> str:
    return "spotify_liked" if playlist == LIKED_SONGS else "spotify_playlist"


def sync_interval() -> timedelta:
    return timedelta(seconds=int(runtime.get("spotify.sync_interval_s")))


def liked_marker(total: int, newest_added_at: datetime | None) -> str:
    """Liked Songs' stand-in for a snapshot_id: its size and its newest row's time."""
    return f"liked:{total}:{newest_added_at.isoformat() if newest_added_at else '-'}"


def fetch_import(*, job_id: int) -> float:
    """Read a pending Spotify import's tracks into its items, then resolve them like any import.

    Returns 0, or the seconds to wait when Spotify answered 429 (the task reschedules itself; nothing sleeps).
    Side effects: Spotify calls; ImportItem inserts; the job; the account's rate-limit mark; the baseline of the
    PlaylistMirror started with this import.
    """
    from ingest.services.imports import process_import

    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).select_related("created_by").first()
    if job is None or job.created_by is None:
        return 0
    account = SpotifyAccount.objects.filter(user=job.created_by).first()
    try:
        _, client = client_for(user=job.created_by)
        if job.filename == LIKED_SONGS:
            entries, name = list(client.saved_tracks()), "Liked Songs"
            newest = entries[0].added_at if entries else None
            marker = liked_marker(len(entries), newest)
        else:
            playlist = client.playlist(job.filename)
            name, marker = playlist.name, playlist.snapshot_id
            entries = list(client.playlist_entries(job.filename))
    except RateLimited as exc:
        return _wait(job, float(exc.retry_after_s))
    except spotify.SpotifyRateLimited as exc:  # from the API, or from the token endpoint while refreshing
        if account is not None:
            park(account=account, retry_after_s=exc.retry_after_s or 5.0)
        return _wait(job, exc.retry_after_s or 5.0)
    except spotify.SpotifyForbidden:
        return _fail(job, NOT_OWNED)
    except spotify.SpotifyNotFound:
        return _fail(job, NOT_READABLE)
    except Conflict as exc:
        return _fail(job, exc.message)
    except (spotify.SpotifyRejected, ClientError) as exc:
        return _fail(job, f"Spotify: {exc.message}")
    rows = entry_rows(job, entries, name)
    store_rows(job, rows, name)
    process_import(job_id=job.pk)
    now = timezone.now()
    PlaylistMirror.objects.filter(last_job=job).update(
        name=name[:300], snapshot_id=marker[:200], last_synced_at=now, next_sync_at=now + sync_interval(),
        last_added=len(track_keys(rows)), last_removed=0, removed_tracks=[], last_error="",
    )  # fmt: skip
    return 0


NOT_OWNED = (
    "Spotify lets apps like this one read only playlists you own or collaborate on; export this playlist (e.g. "
    "with Exportify) and import the file instead"
)
NOT_READABLE = "Spotify's own playlists (editorial, algorithmic) cannot be read by apps like this one"


def entry_rows(job: ImportJob, entries: list[spotify.PlaylistEntry], name: str) -> list[ImportItem]:
    """The import items of a playlist's rows, in playlist order (line = position, from 1); episodes and removed
    rows are kept as skipped items so the positions stay the playlist's."""
    rows = []
    for line, entry in enumerate(entries, start=1):
        track = entry.track
        if track is None or not track.artists or not track.name:
            rows.append(ImportItem(job=job, line=line, raw="(an episode or an unavailable item)",
                                   status=ImportItem.Status.SKIPPED, reason=ImportItem.Reason.INVALID,
                                   detail="not a track Spotify can still play"))  # fmt: skip
            continue
        names = [a.name for a in track.artists]
        rows.append(ImportItem(
            job=job, line=line, raw=f"{names[0]} - {track.name}"[:300], artist=names[0][:500], title=track.name[:500],
            album=(track.album.name if track.album else "")[:500], artists=names,
            duration_s=track.duration_ms / 1000 if track.duration_ms else None, isrc=(track.isrc or "")[:12],
            spotify_id=track.id or "", track_number=track.track_number, playlist=name[:300],
            status=ImportItem.Status.NORMALIZED,
        ))  # fmt: skip
    return rows


def store_rows(job: ImportJob, rows: list[ImportItem], name: str) -> None:
    """Side effects: inserts the items; sets the job's name (unless it has one) and counters."""
    skipped = sum(1 for row in rows if row.status == ImportItem.Status.SKIPPED)
    with transaction.atomic():
        ImportItem.objects.bulk_create(rows, batch_size=2000)
        ImportJob.objects.filter(pk=job.pk).update(
            name=job.name or name[:300], total=len(rows), skipped=skipped, processed=skipped, error_detail=""
        )


def track_key(item: ImportItem) -> str:
    """What makes two playlist rows the same track across syncs: the Spotify id, else artist and title."""
    return f"sp:{item.spotify_id}" if item.spotify_id else f"id:{identity_key(item.artist, item.title)}"


def track_keys(rows: list[ImportItem]) -> dict[str, ImportItem]:
    """The tracks among a playlist's items (episodes and removed rows left out), first row of each, in order."""
    keys: dict[str, ImportItem] = {}
    for row in rows:
        if row.reason != ImportItem.Reason.INVALID and row.title:
            keys.setdefault(track_key(row), row)
    return keys


def _wait(job: ImportJob, seconds: float) -> float:
    until = timezone.now() + timedelta(seconds=seconds)
    ImportJob.objects.filter(pk=job.pk).update(error_detail=f"waiting for Spotify until {until:%Y-%m-%d %H:%M} UTC")
    return max(1.0, seconds)


def _fail(job: ImportJob, message: str) -> float:
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.FAILED, error_detail=message[:1000], finished_at=timezone.now()
    )
    PlaylistMirror.objects.filter(last_job=job).update(enabled=False, last_error=message[:300])
    return 0
