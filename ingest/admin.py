from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from harmony.errors import HarmonyError
from ingest import services
from ingest.models import ImportItem, ImportJob


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
