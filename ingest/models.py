from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportJob(models.Model):
    """One import: a pasted text, an uploaded export file or a JSON body, and the items it held."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        COMPLETED = "completed"
        FAILED = "failed"
        CANCELLED = "cancelled"

        OPEN: tuple[str, ...]

    class Source(models.TextChoices):
        TEXT = "text"
        FILE = "file"
        JSON = "json"
        SPOTIFY = "spotify"

    name = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    format = models.CharField(max_length=32, blank=True, help_text="What the parser recognised.")
    filename = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    total = models.PositiveIntegerField(default=0, help_text="Lines or rows read, accepted or not.")
    processed = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0, help_text="Items that became (or joined) a wanted track.")
    skipped = models.PositiveIntegerField(default=0)
    partial = models.BooleanField(
        default=False, help_text="Read from a public page that shows only part of the playlist (about 50 rows)."
    )
    error_detail = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.format or self.source}, {self.status})"


ImportJob.Status.OPEN = (ImportJob.Status.PENDING, ImportJob.Status.RUNNING)


class ImportItem(models.Model):
    """One line or row of an import and what became of it."""

    class Status(models.TextChoices):
        REGISTERED = "registered"
        NORMALIZED = "normalized"
        QUEUED = "queued"
        COMPLETED = "completed"
        FAILED = "failed"
        SKIPPED = "skipped"

    class Reason(models.TextChoices):
        INVALID = "invalid", "Not understood"
        DUPLICATE = "duplicate", "Twice in this import"
        ALREADY_IN_LIBRARY = "already_in_library", "Already in the library"
        ALREADY_WANTED = "already_wanted", "Already wanted"
        LIMIT = "limit", "Over a limit"
        NOT_FOUND = "not_found", "Not found"
        UNSUPPORTED = "unsupported", "Needs a feature that is not available"
        CANCELLED = "cancelled", "The import was cancelled"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="items")
    line = models.PositiveIntegerField()
    raw = models.TextField(blank=True, help_text="The line as it was given (truncated).")
    artist = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=500, blank=True)
    album = models.CharField(max_length=500, blank=True)
    artists = models.JSONField(default=list, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    isrc = models.CharField(max_length=12, blank=True)
    spotify_id = models.CharField(max_length=64, blank=True)
    track_number = models.PositiveIntegerField(null=True, blank=True)
    playlist = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REGISTERED, db_index=True)
    reason = models.CharField(max_length=24, choices=Reason.choices, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    track = models.ForeignKey("library.Track", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    download = models.ForeignKey(
        "library.Download", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_items"
    )

    class Meta:
        ordering = ["job", "line"]
        indexes = [models.Index(fields=["job", "status"])]

    def __str__(self) -> str:
        return f"line {self.line}: {self.artist} – {self.title} [{self.status}]"


class SpotifyAccount(models.Model):
    """A Harmony user's Spotify connection (PRO mode). Tokens are stored encrypted (harmony.crypto)."""

    class Status(models.TextChoices):
        CONNECTED = "connected"
        NEEDS_REAUTH = "needs_reauth", "Needs to be connected again"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="spotify")
    spotify_user_id = models.CharField(max_length=128)
    display_name = models.CharField(max_length=300, blank=True)
    access_token_encrypted = models.TextField(editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    expires_at = models.DateTimeField()
    scope = models.CharField(max_length=500, blank=True)
    authorized_at = models.DateTimeField(help_text="Refresh tokens expire six months after this consent.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONNECTED)
    rate_limited_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.display_name or self.spotify_user_id} ({self.status})"


class SpotifyAuthRequest(models.Model):
    """One authorisation in flight: its `state` (CSRF) and PKCE verifier, for ten minutes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=64, unique=True)
    code_verifier_encrypted = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"authorisation of {self.user_id} at {self.created_at:%H:%M}"


class PlaylistMirror(models.Model):
    """A Spotify playlist (or Liked Songs) kept in step: re-read on a schedule, new tracks become wanted, removed
    ones are reported (never deleted from the library).

    `snapshot_id` is Spotify's for a playlist; Liked Songs has none, so it holds `liked:<total>:<newest added_at>`.
    The previous sync's tracks are the items of `last_job`, in playlist order (line = position).
    """

    account = models.ForeignKey(SpotifyAccount, on_delete=models.CASCADE, related_name="mirrors")
    playlist_id = models.CharField(max_length=64, help_text="A Spotify playlist id, or 'liked' for Liked Songs.")
    name = models.CharField(max_length=300, blank=True)
    snapshot_id = models.CharField(max_length=200, blank=True)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    next_sync_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_job = models.ForeignKey(ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_added = models.PositiveIntegerField(default=0)
    last_removed = models.PositiveIntegerField(default=0)
    removed_tracks = models.JSONField(
        default=list, blank=True, help_text="Tracks gone since the sync before: [{artist, title, spotify_id}]."
    )
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "playlist_id"], name="playlistmirror_one_per_playlist"),
        ]

    def __str__(self) -> str:
        return f"mirror of {self.name or self.playlist_id}"


class BackfillJob(models.Model):
    """Filling in Spotify ids, ISRCs, lengths and albums of tracks that came in without them (FREE imports),
    fifty tracks per worker run so pause and cancel take effect between chunks."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        PAUSED = "paused"
        COMPLETED = "completed"
        CANCELLED = "cancelled"
        FAILED = "failed"

        OPEN: tuple[str, ...]

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    not_found = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    cursor = models.PositiveBigIntegerField(default=0, help_text="The last track id looked at.")
    conflict_log = models.JSONField(
        default=list, blank=True, help_text="Why matches were not applied: [{track, field, value, other_track}]."
    )
    error_detail = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"backfill {self.pk} ({self.status}, {self.processed}/{self.total})"


BackfillJob.Status.OPEN = (BackfillJob.Status.PENDING, BackfillJob.Status.RUNNING, BackfillJob.Status.PAUSED)


class SpotifyLookup(models.Model):
    """A cached Spotify search: `key` is the query (`isrc:GB…` or `track:<artist>\x1f<title>`); `result` the
    chosen track or null for a miss. Reused for the runtime setting backfill.cache_ttl_days."""

    key = models.CharField(max_length=700, unique=True)
    result = models.JSONField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.key} ({'hit' if self.result else 'miss'})"
