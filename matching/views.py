"""The Soulseek search page: search by hand and see why each file was ranked or rejected."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harmony.clients.http import ClientError
from harmony.errors import HarmonyError
from matching import scoring, services
from matching.models import Search
from matching.serializers import ManualSearchSerializer, PickSerializer


@require_http_methods(["GET", "POST"])
def search_page(request: HttpRequest) -> HttpResponse:
    error = ""
    form = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        serializer = ManualSearchSerializer(data=request.POST)
        if serializer.is_valid():
            data = serializer.validated_data
            wanted = scoring.Wanted(
                artist=data["artist"], title=data["title"], album=data["album"] or None,
                duration_s=data.get("duration_s"), year=data.get("year"),
            )  # fmt: skip
            try:
                search = services.start_manual_search(text=data["query"], wanted=wanted)
            except (HarmonyError, ClientError) as exc:
                error = getattr(exc, "message", str(exc))
            else:
                return redirect("soulseek-search-result", pk=search.pk)
        else:
            error = "; ".join(
                f"{field}: {' '.join(map(str, problems))}" for field, problems in serializer.errors.items()
            )
    recent = Search.objects.filter(wanted__isnull=False).order_by("-created_at")[:10]
    return render(request, "matching/search.html", {"form": form, "error": error, "recent": recent})


@require_GET
def search_result(request: HttpRequest, pk: int) -> HttpResponse:
    search = services.refresh_manual_search(search=get_object_or_404(Search, pk=pk, wanted__isnull=False))
    ranking = services.manual_ranking(search)
    context = {
        "search": search,
        "ranked": [s.to_dict() for s in ranking.ranked] if ranking else [],
        "rejected": [r.to_dict() for r in ranking.rejected] if ranking else [],
        "running": search.status == Search.Status.RUNNING,
    }
    template = "matching/_search_result.html" if request.htmx else "matching/search_result.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
def pick(request: HttpRequest, pk: int) -> HttpResponse:
    search = get_object_or_404(Search, pk=pk, wanted__isnull=False)
    serializer = PickSerializer(data=request.POST)
    if not serializer.is_valid():
        return redirect("soulseek-search-result", pk=pk)
    try:
        download = services.pick_candidate(search=search, **serializer.validated_data)
    except (HarmonyError, ClientError) as exc:
        from django.contrib import messages

        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("soulseek-search-result", pk=pk)
    return redirect("download-detail", pk=download.pk)
