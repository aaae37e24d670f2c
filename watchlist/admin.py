from __future__ import annotations

from django.contrib import admin

from watchlist.models import WatchedArtist


@admin.register(WatchedArtist)
class WatchedArtistAdmin(admin.ModelAdmin[WatchedArtist]):
    list_display = ["name", "source", "spotify_id", "active", "added_at"]
    list_filter = ["source", "active"]
    search_fields = ["name", "spotify_id"]
    readonly_fields = ["added_at"]
