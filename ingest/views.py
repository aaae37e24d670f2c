"""The Imports page: upload or paste, preview what was understood (and what was not, by line), then import and
watch the items' progress."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from harmony.clients.http import ClientError
from harmony.errors import HarmonyError, ValidationFailed
from ingest import services
from ingest.models import BackfillJob, ImportItem, ImportJob, PlaylistMirror
from ingest.serializers import ImportItemSerializer
from watchlist.models import WatchedArtist

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
ARTISTS_SHOWN = 200


def _staging() -> Path:
    path = Path(settings.HARMONY_DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


@require_http_methods(["GET", "POST"])
def imports_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"jobs": ImportJob.objects.order_by("-created_at")[:20]}
    if request.method == "POST":
        try:
            data, filename = _input(request)
            result = services.parse_input(data=data, filename=filename)
        except HarmonyError as exc:
            context["error"] = exc.message
            return render(request, "ingest/imports.html", context, status=400)
        if request.POST.get("commit"):
            try:
                services.check_backpressure()
            except HarmonyError as exc:
                context["error"] = exc.message
                return render(request, "ingest/imports.html", context, status=429)
            job = services.create_import(result=result, source=ImportJob.Source.FILE if filename else
                                         ImportJob.Source.TEXT, name=request.POST.get("name", ""),
                                         filename=filename, user=request.user)  # fmt: skip
            _discard(request.POST.get("token", ""))
            return redirect("import-detail", pk=job.pk)
        context.update(preview=result, token=_stage(request, data, filename), name=request.POST.get("name", ""),
                       text=request.POST.get("text", ""), filename=filename)  # fmt: skip
    return render(request, "ingest/imports.html", context)


def _input(request: HttpRequest) -> tuple[bytes, str]:
    token = request.POST.get("token", "")
    if token and _TOKEN.match(token):
        staged = _staging() / token
        if staged.is_file():
            return staged.read_bytes(), request.POST.get("filename", "")
    upload = request.FILES.get("file")
    if upload is not None:
        services.check_size(upload.size or 0)
        return upload.read(), upload.name or ""
    text = request.POST.get("text", "")
    if not text.strip():
        raise ValidationFailed("text: paste some tracks or choose a file")
    return text.encode(), ""


def _stage(request: HttpRequest, data: bytes, filename: str) -> str:
    """Keep an uploaded file between the preview and the import (pasted text travels in the form itself)."""
    if not filename:
        return ""
    token = uuid.uuid4().hex
    (_staging() / token).write_bytes(data)
    return token


def _discard(token: str) -> None:
    if token and _TOKEN.match(token):
        (_staging() / token).unlink(missing_ok=True)


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    status = request.GET.get("status", "")
    rows = ImportItem.objects.filter(job=job).select_related("download").order_by("line", "id")
    if status:
        rows = rows.filter(status=status)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    items = [{**ImportItemSerializer(item).data, "download_id": item.download_id} for item in page.object_list]
    context = {"job": job, "progress": services.progress(job), "page": page, "items": items, "status": status,
               "running": job.status in ImportJob.Status.OPEN, "statuses": ImportItem.Status.choices}  # fmt: skip
    template = "ingest/_import_progress.html" if request.htmx else "ingest/import_detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_http_methods(["POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.cancel_import(job=get_object_or_404(ImportJob, pk=pk))
    except HarmonyError as exc:
        messages.error(request, exc.message)
    return redirect("import-detail", pk=pk)


@require_GET
def spotify_page(request: HttpRequest) -> HttpResponse:
    from ingest.services import spotify
    from library import runtime

    state = spotify.status(user=request.user)  # type: ignore[arg-type]
    playlists, problem = [], ""
    if state["connected"]:
        try:
            playlists = spotify.list_playlists(user=request.user)  # type: ignore[arg-type]
        except (HarmonyError, ClientError) as exc:
            problem = getattr(exc, "message", str(exc))
    mirrors = PlaylistMirror.objects.filter(account__user=request.user)  # type: ignore[misc]
    context = {
        "spotify": state, "playlists": playlists, "problem": problem,
        "artists": WatchedArtist.objects.order_by("name", "id")[:ARTISTS_SHOWN],
        "artist_count": WatchedArtist.objects.count(),
        "mirrors": mirrors.order_by("name", "id"),
        "backfill": BackfillJob.objects.order_by("-created_at").first(),
        "public_links": runtime.get("spotify.public_links"),
    }  # fmt: skip
    return render(request, "ingest/spotify.html", context)


@require_http_methods(["POST"])
def spotify_import(request: HttpRequest) -> HttpResponse:
    from ingest.services import spotify

    try:
        job = spotify.start_import(
            user=request.user,  # type: ignore[arg-type]
            playlist=request.POST.get("playlist", ""), mirror=request.POST.get("mirror", "1") == "1",
        )  # fmt: skip
    except HarmonyError as exc:
        messages.error(request, exc.message)
        return redirect("spotify")
    return redirect("import-detail", pk=job.pk)


@require_http_methods(["POST"])
def spotify_connect(request: HttpRequest) -> HttpResponse:
    from ingest.services import spotify

    try:
        return redirect(spotify.start_authorization(user=request.user))  # type: ignore[arg-type]
    except HarmonyError as exc:
        messages.error(request, exc.message)
        return redirect("spotify")


@require_GET
def spotify_callback(request: HttpRequest) -> HttpResponse:
    """Where Spotify sends the browser back (register this URL as the app's redirect URI)."""
    from ingest.services import spotify

    try:
        account = spotify.complete_authorization(
            user=request.user,  # type: ignore[arg-type]
            state=request.GET.get("state", ""), code=request.GET.get("code", ""), error=request.GET.get("error", ""),
        )  # fmt: skip
    except HarmonyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Connected to Spotify as {account.display_name or account.spotify_user_id}.")
    return redirect("spotify")


@require_http_methods(["POST"])
def spotify_disconnect(request: HttpRequest) -> HttpResponse:
    from ingest.services import spotify

    spotify.disconnect(user=request.user)  # type: ignore[arg-type]
    messages.success(request, "Disconnected from Spotify; the stored tokens are deleted.")
    return redirect("spotify")


@require_http_methods(["POST"])
def spotify_followed_artists(request: HttpRequest) -> HttpResponse:
    from ingest.services import followed

    try:
        followed.start_followed_artists_import(user=request.user)  # type: ignore[arg-type]
    except HarmonyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Reading the artists you follow on Spotify; they appear below.")
    return redirect("spotify")


@require_http_methods(["POST"])
def mirror_sync(request: HttpRequest, pk: int) -> HttpResponse:
    from ingest.services import mirrors

    try:
        mirrors.request_sync(mirror=get_object_or_404(PlaylistMirror, pk=pk, account__user_id=request.user.pk))
    except HarmonyError as exc:
        messages.error(request, exc.message)
    return redirect("spotify")


@require_http_methods(["POST"])
def mirror_stop(request: HttpRequest, pk: int) -> HttpResponse:
    from ingest.services import mirrors

    mirrors.stop_mirroring(mirror=get_object_or_404(PlaylistMirror, pk=pk, account__user_id=request.user.pk))
    messages.success(request, "Stopped mirroring; the tracks it brought in stay wanted.")
    return redirect("spotify")


@require_http_methods(["POST"])
def backfill_start(request: HttpRequest) -> HttpResponse:
    from ingest.services import backfill

    try:
        backfill.start_backfill(user=request.user)  # type: ignore[arg-type]
    except HarmonyError as exc:
        messages.error(request, exc.message)
    return redirect("spotify")


@require_http_methods(["POST"])
def backfill_control(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    from ingest.services import backfill

    actions = {"pause": backfill.pause_backfill, "resume": backfill.resume_backfill, "cancel": backfill.cancel_backfill}
    act = actions.get(verb)
    if act is None:
        return HttpResponse(status=404)
    try:
        act(job=get_object_or_404(BackfillJob, pk=pk))
    except HarmonyError as exc:
        messages.error(request, exc.message)
    return redirect("spotify")


@require_http_methods(["POST"])
def public_import(request: HttpRequest) -> HttpResponse:
    from ingest.services import public_links

    try:
        public_links.require_enabled()
        job = public_links.import_public_playlist(link=request.POST.get("url", ""), user=request.user)
    except HarmonyError as exc:
        messages.error(request, exc.message)
        return redirect("spotify")
    return redirect("import-detail", pk=job.pk)
