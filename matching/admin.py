from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from matching import throttle
from matching.models import Candidate, PeerStat, Search, SearchPause


@admin.register(Search)
class SearchAdmin(admin.ModelAdmin[Search]):
    list_display = ["query", "status", "state", "response_count", "file_count", "created_at", "ended_at"]
    list_filter = ["status"]
    search_fields = ["query"]
    readonly_fields = [f.name for f in Search._meta.fields]
    exclude = ["files"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin[Candidate]):
    list_display = ["download", "rank", "username", "filename", "tier", "score", "reasons", "tried"]
    list_filter = ["tried", "tier"]
    search_fields = ["username", "filename"]
    readonly_fields = [f.name for f in Candidate._meta.fields]
    list_select_related = ["download__track"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PeerStat)
class PeerStatAdmin(admin.ModelAdmin[PeerStat]):
    list_display = ["username", "successes", "failures", "last_failure_reason", "quarantined_until", "updated_at"]
    search_fields = ["username"]
    actions = ["release"]

    @admin.action(description="Release from quarantine and forget failures")
    def release(self, request: HttpRequest, queryset: QuerySet[PeerStat]) -> None:
        released = queryset.update(failures=0, quarantined_until=None, updated_at=timezone.now())
        self.message_user(request, f"Released {released} peer(s).", messages.SUCCESS)


@admin.register(SearchPause)
class SearchPauseAdmin(admin.ModelAdmin[SearchPause]):
    list_display = ["reason", "until", "detail", "created_at"]
    actions = ["resume"]

    @admin.action(description="Resume searching now")
    def resume(self, request: HttpRequest, queryset: QuerySet[SearchPause]) -> None:
        self.message_user(request, f"Ended {throttle.resume_searching()} pause(s).", messages.SUCCESS)
