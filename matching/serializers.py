from __future__ import annotations

from typing import Any

from rest_framework import serializers

from matching.models import Search


class ManualSearchSerializer(serializers.Serializer[Any]):
    """What to look for; `query` overrides the query Harmony would build from artist and title."""

    artist = serializers.CharField(max_length=500)
    title = serializers.CharField(max_length=500)
    album = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1000, max_value=2100)
    duration_s = serializers.FloatField(required=False, allow_null=True, min_value=1, max_value=24 * 3600)
    query = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PickSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=255)
    filename = serializers.CharField(max_length=4000, trim_whitespace=False)


class SearchSerializer(serializers.ModelSerializer[Search]):
    ranked = serializers.SerializerMethodField(help_text="When completed: the acceptable files, best first.")
    rejected = serializers.SerializerMethodField(help_text="When completed: the refused files with reason codes.")

    class Meta:
        model = Search
        fields = ["id", "query", "status", "state", "wanted", "response_count", "file_count", "error_detail",
                  "created_at", "ended_at", "ranked", "rejected"]  # fmt: skip
        read_only_fields = fields

    def _ranking(self, obj: Search) -> dict[str, Any] | None:
        ranking = self.context.get("ranking")
        return ranking.to_dict() if ranking is not None else None

    def get_ranked(self, obj: Search) -> list[dict[str, Any]] | None:
        ranking = self._ranking(obj)
        return ranking["ranked"] if ranking else None

    def get_rejected(self, obj: Search) -> list[dict[str, Any]] | None:
        ranking = self._ranking(obj)
        return ranking["rejected"] if ranking else None
