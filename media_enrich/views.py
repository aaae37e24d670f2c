"""The Library page: artists → albums (with covers) → tracks, each file's finishing steps, lyrics, and retry."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from harmony.errors import HarmonyError
from library import runtime
from media_enrich import queries
from media_enrich.filters import LibraryFileFilter
from media_enrich.models import AlbumRelease, LibraryFile
from media_enrich.services import finishing

PAGE_SIZE = 200  # files per page; the page groups them by artist and album


@require_GET
def library_page(request: HttpRequest) -> HttpResponse:
    visible = LibraryFile.objects.exclude(status=LibraryFile.Status.DISCARDED)
    filterset = LibraryFileFilter(request.GET, queryset=visible)
    files = queries.library_files().filter(pk__in=filterset.qs.values("pk")).order_by("organized_path", "id")
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(LibraryFile.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    attention = queries.library_files().filter(status=LibraryFile.Status.ATTENTION).order_by("-updated_at")[:20]
    context = {
        "artists": queries.library_tree(page.object_list),  # type: ignore[arg-type]
        "page": page,
        "counts": [(value, label, counts.get(value, 0)) for value, label in LibraryFile.Status.choices],
        "attention": attention,
        "q": request.GET.get("q", ""),
        "selected": request.GET.getlist("status"),
        "querystring": request.GET.urlencode(),
    }
    return render(request, "media_enrich/library.html", context)


@require_GET
def library_file(request: HttpRequest, pk: int) -> HttpResponse:
    file = get_object_or_404(queries.library_files(), pk=pk)
    lyrics = getattr(file.track, "lyrics", None)
    context = {
        "file": file,
        "steps": list(file.steps.all()),
        "tags": sorted((k, v) for k, v in (file.tags or {}).items() if v not in ("", [], None, False)),
        "lyrics": lyrics,
        "lyrics_on": runtime.get("features.lyrics"),
    }
    return render(request, "media_enrich/library_file.html", context)


@require_GET
def album_cover(request: HttpRequest, pk: int) -> HttpResponse:
    album = get_object_or_404(AlbumRelease, pk=pk)
    image = queries.album_cover(album)
    if image is None:
        raise Http404("no cover")
    response = HttpResponse(image.data, content_type=image.mime)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def refresh(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    file = get_object_or_404(LibraryFile, pk=pk)
    try:
        finishing.refresh_step(library_file=file, step=step)
        messages.success(request, f"The {step} step runs again (and the steps after it).")
    except HarmonyError as exc:
        messages.error(request, str(exc))
    return redirect("library-file", pk=pk)
