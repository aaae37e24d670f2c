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
