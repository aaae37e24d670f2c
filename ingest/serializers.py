from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from ingest.models import BackfillJob, ImportItem, ImportJob, PlaylistMirror
from library.models import Download
from watchlist.models import WatchedArtist

_DOWNLOAD_STATES: dict[str, str] = {
    Download.Status.COMPLETED: ImportItem.Status.COMPLETED,
    Download.Status.DEAD_LETTER: ImportItem.Status.FAILED,
    Download.Status.CANCELLED: ImportItem.Status.FAILED,
}


class ImportRowSerializer(serializers.Serializer[Any]):
    artist = serializers.CharField(max_length=500)
    title = serializers.CharField(max_length=500)
    album = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    artists = serializers.ListField(child=serializers.CharField(max_length=500), required=False, max_length=50)
    duration_s = serializers.FloatField(required=False, allow_null=True, min_value=1, max_value=24 * 3600)
    isrc = serializers.RegexField(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$", required=False, allow_blank=True, default="")
    spotify_id = serializers.RegexField(r"^[0-9A-Za-z]{22}$", required=False, allow_blank=True, default="")
    track_number = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=999)
    playlist = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ImportCreateSerializer(serializers.Serializer[Any]):
    """Exactly one of `items` (structured rows), `text` (pasted lines, links, CSV, M3U or JSON) or a `file`
    upload (multipart)."""

    name = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=False, trim_whitespace=False)
    items = ImportRowSerializer(many=True, required=False, allow_empty=False)
    file = serializers.FileField(required=False, allow_empty_file=False)

    def validate_items(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > settings.HARMONY_IMPORT_MAX_TRACKS:
            raise serializers.ValidationError(
                f"{len(value):,} items is over the limit of {settings.HARMONY_IMPORT_MAX_TRACKS:,} "
                "(HARMONY_IMPORT_MAX_TRACKS)"
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in ("items", "text", "file") if attrs.get(name)]
        if len(given) != 1:
            raise serializers.ValidationError({"non_field_errors": ["give exactly one of items, text or file"]})
        return attrs


class ImportJobSerializer(serializers.ModelSerializer[ImportJob]):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["id", "name", "source", "format", "filename", "status", "partial", "total", "processed", "queued",
                  "skipped", "progress", "error_detail", "created_at", "started_at", "finished_at"]  # fmt: skip
        read_only_fields = fields

    def get_progress(self, obj: ImportJob) -> dict[str, int] | None:
        from ingest.services import progress

        return progress(obj) if self.context.get("detail") else None


class ImportItemSerializer(serializers.ModelSerializer[ImportItem]):
    state = serializers.SerializerMethodField(help_text="The item's status; for a queued item, how its download ended.")
    download_status = serializers.CharField(source="download.status", default=None, read_only=True)

    class Meta:
        model = ImportItem
        fields = ["id", "line", "raw", "artist", "title", "album", "duration_s", "isrc", "spotify_id", "playlist",
                  "status", "state", "reason", "detail", "track", "download", "download_status"]  # fmt: skip
        read_only_fields = fields

    def get_state(self, obj: ImportItem) -> str:
        if obj.status == ImportItem.Status.QUEUED and obj.download is not None:
            return _DOWNLOAD_STATES.get(obj.download.status, ImportItem.Status.QUEUED)
        return str(obj.status)


class WatchedArtistSerializer(serializers.ModelSerializer[WatchedArtist]):
    class Meta:
        model = WatchedArtist
        fields = ["id", "name", "spotify_id", "source", "added_at", "active"]
        read_only_fields = fields


class PlaylistMirrorSerializer(serializers.ModelSerializer[PlaylistMirror]):
    class Meta:
        model = PlaylistMirror
        fields = ["id", "playlist_id", "name", "snapshot_id", "enabled", "created_at", "last_synced_at",
                  "next_sync_at", "last_job", "last_added", "last_removed", "removed_tracks", "last_error"]  # fmt: skip
        read_only_fields = fields


class BackfillJobSerializer(serializers.ModelSerializer[BackfillJob]):
    class Meta:
        model = BackfillJob
        fields = ["id", "status", "total", "processed", "matched", "not_found", "conflicts", "errors",
                  "conflict_log", "error_detail", "created_at", "started_at", "finished_at"]  # fmt: skip
        read_only_fields = fields
