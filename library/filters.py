"""Filters shared by the downloads API and the Downloads page."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from library.models import Download


class DownloadFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Download.Status.choices)
    peer = django_filters.CharFilter(method="filter_peer", help_text="A Soulseek username tried for the download.")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(method="filter_text", help_text="Text in the artist, title or album.")

    class Meta:
        model = Download
        fields = ["status", "peer", "created_after", "created_before", "q"]

    def filter_peer(self, queryset: QuerySet[Download], name: str, value: str) -> QuerySet[Download]:
        return queryset.filter(attempts__username=value).distinct()

    def filter_text(self, queryset: QuerySet[Download], name: str, value: str) -> QuerySet[Download]:
        text = Q()
        for word in value.split()[:8]:
            text &= Q(track__artist__icontains=word) | Q(track__title__icontains=word) | Q(track__album__icontains=word)
        return queryset.filter(text)
