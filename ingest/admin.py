from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from harmony.errors import HarmonyError
from ingest import services
from ingest.models import BackfillJob, ImportItem, ImportJob, PlaylistMirror, SpotifyLookup


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = ["id", "name", "format", "status", "total", "processed", "queued", "skipped", "created_at"]
    list_filter = ["status", "format", "source"]
    search_fields = ["name", "filename"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
    actions = ["cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Cancel (unstarted downloads of the import are cancelled too)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[ImportJob]) -> None:
        for job in queryset:
            try:
                services.cancel_import(job=job)
            except HarmonyError as exc:
                self.message_user(request, f"{job}: {exc.message}", messages.WARNING)


@admin.register(ImportItem)
class ImportItemAdmin(admin.ModelAdmin[ImportItem]):
    list_display = ["job", "line", "artist", "title", "status", "reason", "detail"]
    list_filter = ["status", "reason"]
    search_fields = ["artist", "title", "raw"]
    list_select_related = ["job"]
    readonly_fields = [f.name for f in ImportItem._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PlaylistMirror)
class PlaylistMirrorAdmin(admin.ModelAdmin[PlaylistMirror]):
    list_display = ["name", "playlist_id", "account", "enabled", "last_synced_at", "next_sync_at", "last_added",
                    "last_removed", "last_error"]  # fmt: skip
    list_filter = ["enabled"]
    search_fields = ["name", "playlist_id"]
    list_select_related = ["account"]
    readonly_fields = [f.name for f in PlaylistMirror._meta.fields]
    actions = ["sync_now", "stop"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Sync now")
    def sync_now(self, request: HttpRequest, queryset: QuerySet[PlaylistMirror]) -> None:
        from ingest.services import mirrors

        for mirror in queryset:
            try:
                mirrors.request_sync(mirror=mirror)
            except HarmonyError as exc:
                self.message_user(request, f"{mirror}: {exc.message}", messages.WARNING)

    @admin.action(description="Stop mirroring (the tracks stay wanted)")
    def stop(self, request: HttpRequest, queryset: QuerySet[PlaylistMirror]) -> None:
        from ingest.services import mirrors

        for mirror in queryset:
            mirrors.stop_mirroring(mirror=mirror)


@admin.register(BackfillJob)
class BackfillJobAdmin(admin.ModelAdmin[BackfillJob]):
    list_display = ["id", "status", "total", "processed", "matched", "not_found", "conflicts", "errors", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in BackfillJob._meta.fields]
    actions = ["pause", "resume", "cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _each(self, request: HttpRequest, queryset: QuerySet[BackfillJob], verb: str) -> None:
        from ingest.services import backfill

        act = {"pause": backfill.pause_backfill, "resume": backfill.resume_backfill,
               "cancel": backfill.cancel_backfill}[verb]  # fmt: skip
        for job in queryset:
            try:
                act(job=job)
            except HarmonyError as exc:
                self.message_user(request, f"{job}: {exc.message}", messages.WARNING)

    @admin.action(description="Pause after the current chunk")
    def pause(self, request: HttpRequest, queryset: QuerySet[BackfillJob]) -> None:
        self._each(request, queryset, "pause")

    @admin.action(description="Resume")
    def resume(self, request: HttpRequest, queryset: QuerySet[BackfillJob]) -> None:
        self._each(request, queryset, "resume")

    @admin.action(description="Cancel (what was filled in stays)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[BackfillJob]) -> None:
        self._each(request, queryset, "cancel")


@admin.register(SpotifyLookup)
class SpotifyLookupAdmin(admin.ModelAdmin[SpotifyLookup]):
    list_display = ["key", "fetched_at"]
    search_fields = ["key"]
    readonly_fields = ["key", "result", "fetched_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
