from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A key for the JSON API. Only a SHA-256 of the secret is stored; `prefix` is the visible part.

    The full key reads `hmy_<prefix>_<secret>` and is shown once, when it is created.
    """

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, unique=True, editable=False)
    hashed_secret = models.CharField(max_length=64, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} (hmy_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RuntimeSetting(models.Model):
    """One user-tunable value (quality ladder, floor, banned peers, feature flags, …). Read through
    `library.runtime.get`, which falls back to the default declared in `library.runtime.SETTINGS`."""

    key = models.CharField(max_length=100, unique=True)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class RuntimeSettingChange(models.Model):
    """History of runtime settings: who changed what, when, old → new (secrets never in clear)."""

    key = models.CharField(max_length=100, db_index=True)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    changed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key} at {self.changed_at:%Y-%m-%d %H:%M}"


class Track(models.Model):
    """A recording the user wants, is acquiring, owns or ignores. Every way in (imports, Spotify, the watchlist,
    a manual fetch) resolves to one Track per identity, so the same recording is never fetched twice."""

    class Status(models.TextChoices):
        WANTED = "wanted"
        ACQUIRING = "acquiring"
        OWNED = "owned"
        IGNORED = "ignored"

    artist = models.CharField(max_length=500)
    artists = models.JSONField(default=list, blank=True, help_text="All credited artists, primary first.")
    title = models.CharField(max_length=500)
    album = models.CharField(max_length=500, blank=True)
    album_artist = models.CharField(max_length=500, blank=True)
    track_number = models.PositiveIntegerField(null=True, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    isrc = models.CharField(max_length=12, blank=True)
    spotify_id = models.CharField(max_length=64, blank=True)
    musicbrainz_recording_id = models.UUIDField(null=True, blank=True)
    identity = models.CharField(max_length=700, unique=True, editable=False, help_text="Normalised artist + title.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WANTED, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["artist", "album", "track_number", "title"]
        constraints = [
            models.UniqueConstraint(fields=["isrc"], condition=~models.Q(isrc=""), name="track_unique_isrc"),
            models.UniqueConstraint(
                fields=["spotify_id"], condition=~models.Q(spotify_id=""), name="track_unique_spotify_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.artist} – {self.title}"


class DownloadQuerySet(models.QuerySet["Download"]):
    def active(self) -> DownloadQuerySet:
        return self.filter(status__in=Download.Status.ACTIVE)

    def with_track(self) -> DownloadQuerySet:
        return self.select_related("track")


class Download(models.Model):
    """One acquisition of a track: its search, the candidates, the attempts against peers, the file that arrived.

    wanted → searching → queued → downloading → verifying → completed, or failed (still wanted, searched again
    after a backoff), dead_letter (retry budget spent; a person requeues it) or cancelled.
    """

    class Status(models.TextChoices):
        WANTED = "wanted"
        SEARCHING = "searching"
        QUEUED = "queued"
        DOWNLOADING = "downloading"
        VERIFYING = "verifying"
        COMPLETED = "completed"
        FAILED = "failed"
        DEAD_LETTER = "dead_letter"
        CANCELLED = "cancelled"

        # Grouped sets; values as plain strings so they work in queries.
        ACTIVE: tuple[str, ...]
        IN_FLIGHT: tuple[str, ...]
        TERMINAL: tuple[str, ...]
        RETRYABLE: tuple[str, ...]

    class ErrorCode(models.TextChoices):
        NOT_FOUND = "not_found", "No copy found"
        NO_ELIGIBLE = "no_eligible", "Copies found, none acceptable"
        BELOW_FLOOR = "below_floor", "Only copies below the quality floor"
        CANDIDATES_EXHAUSTED = "candidates_exhausted", "Every candidate failed"
        SLSKD_UNAVAILABLE = "slskd_unavailable", "slskd did not answer"
        SLSKD_REJECTED = "slskd_rejected", "slskd refused the request"
        SEARCH_PAUSED = "search_paused", "Searching is paused"
        RETRIES_EXHAUSTED = "retries_exhausted", "Retry budget spent"

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="downloads")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WANTED, db_index=True)
    priority = models.IntegerField(default=0, help_text="Higher goes first.")
    album_key = models.CharField(max_length=700, blank=True, db_index=True)
    search = models.ForeignKey(
        "matching.Search", null=True, blank=True, on_delete=models.SET_NULL, related_name="downloads"
    )
    search_variant = models.PositiveSmallIntegerField(default=0, help_text="Which query variant was last used.")
    retry_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    error_code = models.CharField(max_length=32, choices=ErrorCode.choices, blank=True)
    error_detail = models.TextField(blank=True)
    # The file that arrived (path relative to HARMONY_DOWNLOADS_DIR) and what verification read from it.
    local_path = models.CharField(max_length=1000, blank=True)
    file_format = models.CharField(max_length=16, blank=True)
    file_size = models.BigIntegerField(null=True, blank=True)
    file_duration_s = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = DownloadQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "created_at"]
        constraints = [
            # Never two live downloads of the same wanted track; a cancelled one frees the track.
            models.UniqueConstraint(
                fields=["track"], condition=~models.Q(status="cancelled"), name="download_one_live_per_track"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track} [{self.status}]"

    @property
    def current_attempt(self) -> DownloadAttempt | None:
        return self.attempts.filter(outcome=DownloadAttempt.Outcome.IN_PROGRESS).order_by("-id").first()


Download.Status.ACTIVE = (
    Download.Status.WANTED,
    Download.Status.SEARCHING,
    Download.Status.QUEUED,
    Download.Status.DOWNLOADING,
    Download.Status.VERIFYING,
    Download.Status.FAILED,
)
Download.Status.IN_FLIGHT = (Download.Status.QUEUED, Download.Status.DOWNLOADING, Download.Status.VERIFYING)
Download.Status.TERMINAL = (Download.Status.COMPLETED, Download.Status.DEAD_LETTER, Download.Status.CANCELLED)
Download.Status.RETRYABLE = (Download.Status.FAILED, Download.Status.DEAD_LETTER, Download.Status.CANCELLED)


class DownloadAttempt(models.Model):
    """One try of one candidate file from one peer, with the trail of slskd states it went through."""

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress"
        SUCCEEDED = "succeeded"
        ENQUEUE_FAILED = "enqueue_failed"
        OFFLINE = "offline"
        REJECTED = "rejected"
        TIMED_OUT = "timed_out"
        ERRORED = "errored"
        ABORTED = "aborted"
        STALLED = "stalled"
        QUEUE_TIMEOUT = "queue_timeout"
        VERIFY_FAILED = "verify_failed"
        CANCELLED = "cancelled"

    download = models.ForeignKey(Download, on_delete=models.CASCADE, related_name="attempts")
    candidate = models.ForeignKey(
        "matching.Candidate", null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    username = models.CharField(max_length=255)
    filename = models.TextField(help_text="Exact remote path, as the peer shares it (untrusted).")
    size = models.BigIntegerField()
    transfer_id = models.UUIDField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.IN_PROGRESS, db_index=True)
    state = models.CharField(max_length=64, blank=True, help_text="Last slskd transfer state seen.")
    state_trail = models.JSONField(default=list, blank=True)
    bytes_transferred = models.BigIntegerField(default=0)
    failure_reason = models.TextField(blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    state_changed_at = models.DateTimeField(default=timezone.now)
    progress_at = models.DateTimeField(default=timezone.now, help_text="Last time bytes moved.")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["download"], condition=models.Q(outcome="in_progress"), name="attempt_one_open_per_download"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username}: {self.filename} [{self.outcome}]"
