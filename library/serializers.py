from typing import Any

from rest_framework import serializers

from library.models import ApiKey, Download, DownloadAttempt, Track
from matching.models import Candidate


class ApiKeySerializer(serializers.ModelSerializer[ApiKey]):
    """A key as the API shows it: its visible prefix, never its secret or hash."""

    key = serializers.SerializerMethodField(help_text="The visible part of the key; the secret is never shown.")
    user = serializers.CharField(source="user.get_username", read_only=True)

    class Meta:
        model = ApiKey
        fields = ["id", "name", "key", "user", "created_at", "last_used_at", "revoked_at", "is_active"]
        read_only_fields = fields

    def get_key(self, obj: ApiKey) -> str:
        return f"hmy_{obj.prefix}_…"


class TrackSerializer(serializers.ModelSerializer[Track]):
    class Meta:
        model = Track
        fields = ["id", "artist", "artists", "title", "album", "year", "duration_s", "isrc", "spotify_id", "status"]
        read_only_fields = fields


class AttemptSerializer(serializers.ModelSerializer[DownloadAttempt]):
    class Meta:
        model = DownloadAttempt
        fields = [
            "id", "username", "filename", "size", "transfer_id", "outcome", "state", "state_trail",
            "bytes_transferred", "failure_reason", "started_at", "ended_at",
        ]  # fmt: skip
        read_only_fields = fields


class CandidateSerializer(serializers.ModelSerializer[Candidate]):
    class Meta:
        model = Candidate
        fields = [
            "id", "rank", "username", "filename", "size", "length_s", "bit_rate", "score", "tier", "reasons",
            "breakdown", "tried",
        ]  # fmt: skip
        read_only_fields = fields


class DownloadSerializer(serializers.ModelSerializer[Download]):
    track = TrackSerializer(read_only=True)
    current_attempt = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField(help_text="0–100 while a transfer runs, else null.")

    class Meta:
        model = Download
        fields = [
            "id", "track", "status", "priority", "error_code", "error_detail", "retry_count", "next_attempt_at",
            "current_attempt", "progress", "local_path", "file_format", "file_size", "file_duration_s",
            "created_at", "updated_at", "completed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _open(self, obj: Download) -> DownloadAttempt | None:
        # `open_attempts` is prefetched by the viewset: one query for the whole page.
        opened = getattr(obj, "open_attempts", None)
        return opened[0] if opened else None

    def get_current_attempt(self, obj: Download) -> dict[str, Any] | None:
        attempt = self._open(obj)
        if attempt is None:
            return None
        return {"username": attempt.username, "filename": attempt.filename, "state": attempt.state,
                "bytes_transferred": attempt.bytes_transferred, "size": attempt.size}  # fmt: skip

    def get_progress(self, obj: Download) -> float | None:
        attempt = self._open(obj)
        if attempt is None or not attempt.size:
            return None
        return round(100 * attempt.bytes_transferred / attempt.size, 1)


class DownloadDetailSerializer(DownloadSerializer):
    attempts = AttemptSerializer(many=True, read_only=True)
    candidates = CandidateSerializer(many=True, read_only=True)

    class Meta(DownloadSerializer.Meta):
        fields = [*DownloadSerializer.Meta.fields, "attempts", "candidates"]
        read_only_fields = fields


class WantSerializer(serializers.Serializer[Any]):
    """A track to fetch."""

    artist = serializers.CharField(max_length=500)
    title = serializers.CharField(max_length=500)
    album = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    duration_s = serializers.FloatField(required=False, allow_null=True, min_value=1, max_value=24 * 3600)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1000, max_value=2100)
    isrc = serializers.RegexField(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$", required=False, allow_blank=True, default="")
    priority = serializers.IntegerField(required=False, default=0, min_value=-100, max_value=100)


class PrioritySerializer(serializers.Serializer[Any]):
    priority = serializers.IntegerField(min_value=-100, max_value=100)


class IdsSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=10_000,
        help_text="Only these downloads; all of them when left out.",
    )  # fmt: skip
