from __future__ import annotations

from django.db import models
from django.utils import timezone


class AlbumRelease(models.Model):
    """The release chosen for one album, so every track of it gets the same album-level tags and cover.

    Keyed by the normalised album artist + album (`matching.query.album_key`); the MusicBrainz release is empty when
    nothing matched, and then the album fields come from the first file that arrived (or was found on disk).
    """

    album_key = models.CharField(max_length=700, unique=True)
    musicbrainz_release_id = models.CharField(max_length=36, blank=True)
    musicbrainz_release_group_id = models.CharField(max_length=36, blank=True)
    album_tags = models.JSONField(default=dict, blank=True, help_text="Album-level tag values, shared by its tracks.")
    tracklist = models.JSONField(
        default=dict, blank=True, help_text="MusicBrainz recording id → [disc, track number] on this release."
    )
    cover_path = models.CharField(
        max_length=300, blank=True, help_text="Cached front cover, relative to the data dir's covers folder."
    )
    cover_source = models.CharField(max_length=300, blank=True)
    cover_width = models.PositiveIntegerField(null=True, blank=True)
    cover_height = models.PositiveIntegerField(null=True, blank=True)
    cover_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.album_tags.get("album") or self.album_key.replace("\x1f", " – "))


class LibraryFile(models.Model):
    """A file in the music library: one finished download on its way in, or a file indexed by `scan_library`."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be finished"
        RUNNING = "running", "Being finished"
        FINISHED = "finished", "In the library"
        ATTENTION = "attention", "A step failed"
        DISCARDED = "discarded", "Discarded (a better copy is in the library)"

    class Origin(models.TextChoices):
        DOWNLOAD = "download"
        SCAN = "scan"

    track = models.ForeignKey("library.Track", on_delete=models.CASCADE, related_name="library_files")
    download = models.OneToOneField(
        "library.Download", null=True, blank=True, on_delete=models.SET_NULL, related_name="library_file"
    )
    album = models.ForeignKey(AlbumRelease, null=True, blank=True, on_delete=models.SET_NULL, related_name="files")
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.DOWNLOAD)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    source_path = models.CharField(
        max_length=1000, blank=True, help_text="Where the file arrived, relative to HARMONY_DOWNLOADS_DIR."
    )
    organized_path = models.CharField(
        max_length=1000, blank=True, db_index=True, help_text="Where the file lives, relative to HARMONY_MUSIC_DIR."
    )
    file_format = models.CharField(max_length=8, blank=True)
    file_size = models.BigIntegerField(null=True, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    bitrate_kbps = models.PositiveIntegerField(null=True, blank=True)
    sample_rate = models.PositiveIntegerField(null=True, blank=True)
    bit_depth = models.PositiveSmallIntegerField(null=True, blank=True)
    tags = models.JSONField(default=dict, blank=True, help_text="The tag values written to the file.")
    musicbrainz_recording_id = models.CharField(max_length=36, blank=True)
    decision = models.TextField(blank=True, help_text="Why this copy was kept or discarded next to another one.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organized_path"], condition=~models.Q(organized_path=""), name="library_file_unique_path"
            ),
        ]

    def __str__(self) -> str:
        return self.organized_path or self.source_path or f"library file {self.pk}"


class FinishStep(models.Model):
    """One step of finishing a file, recorded so a failed one can be retried alone."""

    class Name(models.TextChoices):
        VERIFY = "verify"
        IDENTIFY = "identify"
        TAG = "tag"
        ARTWORK = "artwork"
        LYRICS = "lyrics"
        ORGANIZE = "organize"

        ORDER: tuple[str, ...]
        OPTIONAL: tuple[str, ...]

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        SKIPPED = "skipped"
        FAILED = "failed"

    class ErrorCode(models.TextChoices):
        FILE_MISSING = "file_missing", "The file is not where it was left"
        FILE_INVALID = "file_invalid", "The file cannot be read as audio"
        NO_MATCH = "no_match", "No match found"
        PROVIDER_UNAVAILABLE = "provider_unavailable", "The provider did not answer"
        PROVIDER_REJECTED = "provider_rejected", "The provider refused the request"
        IMAGE_INVALID = "image_invalid", "No usable image"
        TAG_WRITE_FAILED = "tag_write_failed", "Tags could not be written"
        MOVE_FAILED = "move_failed", "The file could not be moved into the library"
        UNSAFE_PATH = "unsafe_path", "A path left its root"
        DISABLED = "disabled", "Turned off in the settings"

    library_file = models.ForeignKey(LibraryFile, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(max_length=16, choices=Name.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error_code = models.CharField(max_length=32, choices=ErrorCode.choices, blank=True)
    detail = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    runs = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["library_file", "id"]
        constraints = [models.UniqueConstraint(fields=["library_file", "name"], name="finish_step_unique_name")]

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"


FinishStep.Name.ORDER = tuple(FinishStep.Name.values)
# A failure of these leaves a retryable step and finishing goes on; the others stop it with the file kept safe.
FinishStep.Name.OPTIONAL = (FinishStep.Name.IDENTIFY, FinishStep.Name.ARTWORK, FinishStep.Name.LYRICS)


class Lyrics(models.Model):
    """What LRCLIB knows about a track's lyrics; a miss is remembered for a while, an instrumental for good."""

    class Kind(models.TextChoices):
        SYNCED = "synced"
        PLAIN = "plain"
        INSTRUMENTAL = "instrumental"
        MISSING = "missing"

    track = models.OneToOneField("library.Track", on_delete=models.CASCADE, related_name="lyrics")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    synced = models.TextField(blank=True, help_text="The .lrc text as written next to the file.")
    plain = models.TextField(blank=True)
    source_id = models.CharField(max_length=40, blank=True, help_text="LRCLIB record id.")
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "lyrics"

    def __str__(self) -> str:
        return f"{self.track}: {self.kind}"
