"""Filters shared by the library API and the Library page."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from media_enrich.models import LibraryFile


class LibraryFileFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=LibraryFile.Status.choices)
    origin = django_filters.ChoiceFilter(choices=LibraryFile.Origin.choices)
    q = django_filters.CharFilter(method="filter_text", help_text="Text in the artist, title, album or path.")

    class Meta:
        model = LibraryFile
        fields = ["status", "origin", "q"]

    def filter_text(self, queryset: QuerySet[LibraryFile], name: str, value: str) -> QuerySet[LibraryFile]:
        text = Q()
        for word in value.split()[:8]:
            text &= (
                Q(track__artist__icontains=word)
                | Q(track__title__icontains=word)
                | Q(track__album__icontains=word)
                | Q(organized_path__icontains=word)
            )
        return queryset.filter(text)
