from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from harmony.errors import HarmonyError
from library import runtime, services
from library.models import ApiKey, Download, DownloadAttempt, RuntimeSetting, RuntimeSettingChange, Track
from library.services import wants


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ["name", "masked", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["name", "user", "masked", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["masked", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description="key")
    def masked(self, obj: ApiKey) -> str:
        return f"hmy_{obj.prefix}_…" if obj.prefix else "(shown once, after saving)"

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        # A key's owner and name are fixed once it exists: revoke and create another instead.
        return [*self.readonly_fields, "name", "user"] if obj else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: ApiKey, form: ModelForm[ApiKey], change: bool) -> None:
        if change:
            return
        api_key, raw_key = services.create_api_key(user=obj.user, name=obj.name)
        obj.pk = api_key.pk
        obj.prefix = api_key.prefix
        messages.warning(request, f"New API key (copy it now, it is not shown again): {raw_key}")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description="Revoke selected API keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            services.revoke_api_key(api_key=api_key)
        self.message_user(request, f"Revoked {queryset.count()} key(s).", messages.SUCCESS)


class AttemptInline(admin.TabularInline[DownloadAttempt, Download]):
    model = DownloadAttempt
    extra = 0
    can_delete = False
    fields = ("username", "filename", "outcome", "state", "bytes_transferred", "failure_reason", "started_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin[Download]):
    list_display = ["track", "status", "priority", "error_code", "retry_count", "next_attempt_at", "updated_at"]
    list_filter = ["status", "error_code"]
    search_fields = ["track__artist", "track__title", "track__album"]
    list_select_related = ["track"]
    readonly_fields = [f.name for f in Download._meta.fields if f.name != "priority"]
    inlines = [AttemptInline]
    actions = ["retry", "cancel", "purge"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _each(self, request: HttpRequest, queryset: QuerySet[Download], action: Any, verb: str) -> None:
        done, refused = 0, []
        for download in queryset.select_related("track"):
            try:
                action(download=download)
                done += 1
            except HarmonyError as exc:
                refused.append(f"{download.track}: {exc.message}")
        self.message_user(request, f"{verb} {done} download(s).", messages.SUCCESS)
        for text in refused[:10]:
            self.message_user(request, text, messages.WARNING)

    @admin.action(description="Retry now (fresh retry budget)")
    def retry(self, request: HttpRequest, queryset: QuerySet[Download]) -> None:
        self._each(request, queryset, wants.retry_download, "Requeued")

    @admin.action(description="Cancel (also in slskd)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Download]) -> None:
        self._each(request, queryset, wants.cancel_download, "Cancelled")

    @admin.action(description="Purge dead-lettered downloads (their tracks become ignored)")
    def purge(self, request: HttpRequest, queryset: QuerySet[Download]) -> None:
        purged = wants.purge_dead_letters(download_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Purged {purged} dead-lettered download(s).", messages.SUCCESS)


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin[Track]):
    list_display = ["artist", "title", "album", "duration_s", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["artist", "title", "album", "isrc", "spotify_id"]
    readonly_fields = ["identity", "created_at", "updated_at"]


@admin.register(RuntimeSetting)
class RuntimeSettingAdmin(admin.ModelAdmin[RuntimeSetting]):
    """Changes go through library.runtime, which validates them and keeps the history."""

    list_display = ["key", "value", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(
        self, request: HttpRequest, obj: RuntimeSetting, form: ModelForm[RuntimeSetting], change: bool
    ) -> None:
        try:
            runtime.set_value(obj.key, obj.value, by=request.user.get_username())
        except HarmonyError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def delete_model(self, request: HttpRequest, obj: RuntimeSetting) -> None:
        runtime.set_value(obj.key, None, by=request.user.get_username())


@admin.register(RuntimeSettingChange)
class RuntimeSettingChangeAdmin(admin.ModelAdmin[RuntimeSettingChange]):
    list_display = ["key", "old_value", "new_value", "changed_by", "changed_at"]
    list_filter = ["key"]
    readonly_fields = [f.name for f in RuntimeSettingChange._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
