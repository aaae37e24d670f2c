from __future__ import annotations

from typing import Any

from rest_framework import serializers

from library.models import Download
from library.serializers import TrackSerializer
from media_enrich.models import FinishStep, LibraryFile


class FinishStepSerializer(serializers.ModelSerializer[FinishStep]):
    class Meta:
        model = FinishStep
        fields = ["name", "status", "error_code", "detail", "result", "runs", "started_at", "finished_at"]
        read_only_fields = fields


class LibraryFileSerializer(serializers.ModelSerializer[LibraryFile]):
    track = TrackSerializer(read_only=True)
    download = serializers.PrimaryKeyRelatedField[Download](read_only=True)
    failed_steps = serializers.SerializerMethodField()

    class Meta:
        model = LibraryFile
        fields = [
            "id", "track", "download", "origin", "status", "organized_path", "file_format", "file_size",
            "duration_s", "bitrate_kbps", "sample_rate", "bit_depth", "failed_steps", "decision", "created_at",
            "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_failed_steps(self, obj: LibraryFile) -> list[str]:
        return [step.name for step in obj.steps.all() if step.status == FinishStep.Status.FAILED]


class LibraryFileDetailSerializer(LibraryFileSerializer):
    """A file with the tags written to it, its album's release and cover, its lyrics and every finishing step."""

    steps = FinishStepSerializer(many=True, read_only=True)
    album = serializers.SerializerMethodField()
    lyrics = serializers.SerializerMethodField()

    class Meta(LibraryFileSerializer.Meta):
        fields = [*LibraryFileSerializer.Meta.fields, "source_path", "musicbrainz_recording_id", "tags", "album",
                  "lyrics", "steps"]  # fmt: skip
        read_only_fields = fields

    def get_album(self, obj: LibraryFile) -> dict[str, Any] | None:
        album = obj.album
        if album is None:
            return None
        return {
            "musicbrainz_release_id": album.musicbrainz_release_id,
            "musicbrainz_release_group_id": album.musicbrainz_release_group_id,
            "cover": {"width": album.cover_width, "height": album.cover_height, "source": album.cover_source}
            if album.cover_path
            else None,
        }

    def get_lyrics(self, obj: LibraryFile) -> dict[str, Any] | None:
        row = getattr(obj.track, "lyrics", None)
        if row is None:
            return None
        return {"kind": row.kind, "synced": bool(row.synced), "checked_at": row.checked_at}
