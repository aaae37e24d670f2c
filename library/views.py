"""The Downloads page: live status of the visible rows (htmx), a failed badge that filters, retry and remove."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from harmony.errors import HarmonyError
from library.filters import DownloadFilter
from library.models import Download
from library.services import wants
from matching import throttle

PAGE_SIZE = 50


def _rows(queryset: QuerySet[Download]) -> QuerySet[Download]:
    from library.api import _downloads

    return _downloads().filter(pk__in=queryset.values("pk")).order_by("-priority", "-created_at")


@require_GET
def downloads_page(request: HttpRequest) -> HttpResponse:
    filterset = DownloadFilter(request.GET, queryset=Download.objects.all())
    page = Paginator(_rows(filterset.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(Download.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    failed = counts.get(Download.Status.FAILED, 0) + counts.get(Download.Status.DEAD_LETTER, 0)
    context = {
        "page": page,
        "downloads": list(page.object_list),
        "counts": [(value, label, counts.get(value, 0)) for value, label in Download.Status.choices],
        "failed_count": failed,
        "selected": request.GET.getlist("status"),
        "q": request.GET.get("q", ""),
        "pause": throttle.current_pause(),
        "querystring": request.GET.urlencode(),
        "next_url": request.get_full_path(),
    }
    return render(request, "library/downloads.html", context)


@require_GET
def download_rows(request: HttpRequest) -> HttpResponse:
    """The rows the page shows, by id: htmx refreshes only these, never the whole list."""
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.isdigit()][:PAGE_SIZE]
    downloads = list(_rows(Download.objects.filter(pk__in=ids)))
    # After a retry or remove, the person lands back on the page they were looking at.
    next_url = request.htmx.current_url_abs_path if request.htmx else None  # type: ignore[attr-defined]
    return render(
        request, "library/_download_rows.html", {"downloads": downloads, "next_url": next_url or "/downloads/"}
    )


@require_GET
def download_detail(request: HttpRequest, pk: int) -> HttpResponse:
    download = get_object_or_404(Download.objects.select_related("track", "search"), pk=pk)
    context = {
        "download": download,
        "attempts": download.attempts.order_by("-id"),
        "ranked": download.candidates.filter(rank__isnull=False).order_by("rank"),
        "rejected": download.candidates.filter(rank__isnull=True).order_by("id"),
    }
    return render(request, "library/download_detail.html", context)


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    download = get_object_or_404(Download.objects.select_related("track"), pk=pk)
    try:
        if action == "retry":
            wants.retry_download(download=download)
        elif download.status == Download.Status.DEAD_LETTER:
            wants.purge_dead_letters(download_ids=[download.pk])
        else:
            wants.cancel_download(download=download)
    except HarmonyError as exc:
        messages.error(request, exc.message)
    target = request.POST.get("next", "")
    # Only a path on this site: `next` comes from the form and must not send anyone elsewhere.
    return redirect(target if url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target else "downloads")


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "retry")


@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a download in progress; a dead-lettered one is purged (its track is then ignored)."""
    return _act(request, pk, "remove")
