from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from harmony.errors import HarmonyError
from media_enrich.models import AlbumRelease, FinishStep, LibraryFile, Lyrics
from media_enrich.services import finishing


class FinishStepInline(admin.TabularInline[FinishStep, LibraryFile]):
    model = FinishStep
    extra = 0
    can_delete = False
    fields = ("name", "status", "error_code", "detail", "runs", "started_at", "finished_at")
    readonly_fields = fields


def _refresh(step: str) -> Any:
    @admin.action(description=f"Run the {step} step again (and the steps after it)")
    def action(modeladmin: LibraryFileAdmin, request: HttpRequest, queryset: QuerySet[LibraryFile]) -> None:
        done = 0
        for file in queryset:
            try:
                finishing.refresh_step(library_file=file, step=step)
                done += 1
            except HarmonyError as exc:
                modeladmin.message_user(request, f"{file}: {exc}", messages.WARNING)
        modeladmin.message_user(request, f"{done} file(s) queued for {step}.")

    action.__name__ = f"refresh_{step}"
    return action


@admin.register(LibraryFile)
class LibraryFileAdmin(admin.ModelAdmin[LibraryFile]):
    list_display = ["__str__", "track", "status", "origin", "file_format", "finished_at"]
    list_filter = ["status", "origin", "file_format"]
    search_fields = ["organized_path", "source_path", "track__artist", "track__title", "track__album"]
    list_select_related = ["track"]
    inlines = [FinishStepInline]
    actions = [_refresh(step) for step in FinishStep.Name.ORDER]
    readonly_fields = [
        "track", "download", "album", "origin", "status", "source_path", "organized_path", "file_format",
        "file_size", "duration_s", "bitrate_kbps", "sample_rate", "bit_depth", "tags", "musicbrainz_recording_id",
        "decision", "created_at", "finished_at",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AlbumRelease)
class AlbumReleaseAdmin(admin.ModelAdmin[AlbumRelease]):
    list_display = ["__str__", "musicbrainz_release_id", "cover_width", "cover_source", "updated_at"]
    search_fields = ["album_key", "musicbrainz_release_id"]
    readonly_fields = ["album_key", "tracklist", "cover_path", "cover_source", "cover_width", "cover_height"]


@admin.register(Lyrics)
class LyricsAdmin(admin.ModelAdmin[Lyrics]):
    list_display = ["track", "kind", "checked_at"]
    list_filter = ["kind"]
    search_fields = ["track__artist", "track__title"]
    list_select_related = ["track"]
    readonly_fields = ["track", "source_id", "checked_at"]
