from __future__ import annotations

from django.db import models
from django.utils import timezone


class Search(models.Model):
    """One Soulseek search through slskd; its responses are kept for a while and serve later wants (cache)."""

    class Status(models.TextChoices):
        RUNNING = "running"
        COMPLETED = "completed"
        FAILED = "failed"

    query = models.CharField(max_length=500, db_index=True)
    slskd_id = models.UUIDField(null=True, blank=True, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True)
    state = models.CharField(max_length=64, blank=True, help_text="slskd's search state.")
    response_count = models.PositiveIntegerField(default=0)
    file_count = models.PositiveIntegerField(default=0)
    files = models.JSONField(
        default=list, blank=True, help_text="Every file the search returned, as scoring candidates (the cache)."
    )
    wanted = models.JSONField(null=True, blank=True, help_text="For a manual search: the track it is for.")
    error_detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "searches"

    def __str__(self) -> str:
        return f"{self.query!r} [{self.status}]"


class Candidate(models.Model):
    """A file considered for a download, ranked or rejected, with the per-rule breakdown that says why."""

    download = models.ForeignKey("library.Download", on_delete=models.CASCADE, related_name="candidates")
    search = models.ForeignKey(Search, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates")
    username = models.CharField(max_length=255)
    filename = models.TextField()
    size = models.BigIntegerField()
    length_s = models.IntegerField(null=True, blank=True)
    bit_rate = models.IntegerField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True, help_text="1 = best; empty for rejects.")
    score = models.FloatField(null=True, blank=True)
    tier = models.CharField(max_length=32, blank=True)
    reasons = models.JSONField(default=list, blank=True, help_text="Reason codes of a reject.")
    breakdown = models.JSONField(default=dict, blank=True)
    tried = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["download", "rank", "id"]

    def __str__(self) -> str:
        return f"#{self.rank or '-'} {self.username}: {self.filename}"

    @property
    def rejected(self) -> bool:
        return self.rank is None


class PeerStat(models.Model):
    """What a peer's transfers did for us. Failures decay with time; a peer that keeps failing is quarantined."""

    username = models.CharField(max_length=255, unique=True)
    successes = models.PositiveIntegerField(default=0)
    failures = models.FloatField(default=0.0, help_text="Decayed failure count as of `updated_at`.")
    last_failure_reason = models.CharField(max_length=32, blank=True)
    quarantined_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.username


class SearchSlot(models.Model):
    """The search throttle's ledger on the embedded default (Redis holds it when configured)."""

    taken_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"search slot at {self.taken_at:%H:%M:%S}"


class SearchPause(models.Model):
    """While a row is current, no search is started: a suspected Soulseek ban or a logged-out slskd."""

    reason = models.CharField(max_length=32)
    detail = models.TextField(blank=True)
    until = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-until"]

    def __str__(self) -> str:
        return f"{self.reason} until {self.until:%Y-%m-%d %H:%M}"
