"""Imports: create (JSON rows, pasted text or a file), preview without committing, progress, items, cancel."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harmony.errors import ValidationFailed
from ingest import parsers, services
from ingest.models import BackfillJob, ImportItem, ImportJob, PlaylistMirror
from ingest.serializers import (
    BackfillJobSerializer,
    ImportCreateSerializer,
    ImportItemSerializer,
    ImportJobSerializer,
    PlaylistMirrorSerializer,
    WatchedArtistSerializer,
)
from watchlist.models import WatchedArtist

SKIPPED_SHOWN = 200


class PlainTextParser(BaseParser):
    """`text/plain` bodies: pasted lines, as they are (decoded by the import parser, not here)."""

    media_type = "text/plain"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> dict[str, Any]:
        return {"raw": stream.read()}


def _read(request: Request, serializer: ImportCreateSerializer) -> tuple[parsers.ParseResult, str, str]:
    """(parse result, source, filename) of a create or preview request, within the limits."""
    data = serializer.validated_data
    if data.get("items"):
        result = services.result_from_items(data["items"])
        services.check_counts(result)
        return result, ImportJob.Source.JSON, ""
    if data.get("file"):
        upload = data["file"]
        services.check_size(upload.size)
        return services.parse_input(data=upload.read(), filename=upload.name), ImportJob.Source.FILE, upload.name
    return services.parse_input(data=data["text"].encode()), ImportJob.Source.TEXT, ""


def _validated(request: Request) -> ImportCreateSerializer:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    # Refused before the body is read: the limit is on what Harmony has to hold in memory.
    services.check_size(max(0, length - 64 * 1024))
    payload = request.data
    if isinstance(payload, dict) and "raw" in payload and isinstance(payload["raw"], bytes):
        payload = {"text": payload["raw"].decode("utf-8", errors="replace")}
    serializer = ImportCreateSerializer(data=payload)
    serializer.is_valid(raise_exception=True)
    return serializer


def _skipped_block(result: parsers.ParseResult) -> dict[str, Any]:
    lines = [{"line": r.line, "reason": r.reason, "text": r.text} for r in result.rejected[:SKIPPED_SHOWN]]
    links = [{"url": link.url, "reason": services.link_skip_reason(link.kind)} for link in result.links[:SKIPPED_SHOWN]]
    return {"count": len(result.rejected) + len(result.links), "lines": lines, "links": links}


class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ImportJob]):
    """Imports of wanted tracks. `POST` accepts JSON `{"items": [...]}` or `{"text": "..."}`, a `text/plain` body, or a
    multipart `file` (Exportify, TuneMyMusic, Soundiiz, Spotify data export, M3U, plain lines): 202 when every line
    was understood, 207 with `accepted` and `skipped` blocks otherwise; over a limit 413 naming it; 429 while too
    many imports are pending."""

    serializer_class = ImportJobSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser, PlainTextParser]
    filterset_fields = ["status", "source", "format"]

    def get_queryset(self) -> QuerySet[ImportJob]:
        return ImportJob.objects.all()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "detail": self.action == "retrieve"}

    @extend_schema(request=ImportCreateSerializer, responses={202: ImportJobSerializer, 207: OpenApiTypes.OBJECT})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.check_backpressure()
        serializer = _validated(request)
        result, source, filename = _read(request, serializer)
        if not result.items and not result.links and not result.rejected:
            return Response({"error": {"code": "VALIDATION_ERROR", "message": "text: no tracks found",
                                       "meta": {}}}, status=400)  # fmt: skip
        job = services.create_import(
            result=result, source=source, name=serializer.validated_data.get("name", ""), filename=filename,
            user=request.user,
        )  # fmt: skip
        job.refresh_from_db()
        body = {"job": ImportJobSerializer(job).data, "accepted": {"count": len(result.items)},
                "skipped": _skipped_block(result)}  # fmt: skip
        partial = bool(result.rejected or result.links)
        return Response(body, status=207 if partial else 202)

    @extend_schema(request=ImportCreateSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def preview(self, request: Request) -> Response:
        """What an import would understand, line by line, without creating anything."""
        result, _, _ = _read(request, _validated(request))
        items = [
            {"line": i.line, "artist": i.artist, "title": i.title, "album": i.album, "duration_s": i.duration_s,
             "isrc": i.isrc, "spotify_id": i.spotify_id, "playlist": i.playlist}
            for i in result.items[:1000]
        ]  # fmt: skip
        return Response({"format": result.format, "playlists": result.playlists, "accepted": {
            "count": len(result.items), "items": items}, "skipped": _skipped_block(result)})  # fmt: skip

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        job = services.cancel_import(job=self.get_object())
        return Response(ImportJobSerializer(job, context={"detail": True}).data)

    @extend_schema(responses=ImportItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def items(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        rows = ImportItem.objects.filter(job=job).select_related("download").order_by("line", "id")
        status = request.query_params.get("status")
        if status:
            rows = rows.filter(status=status)
        page = self.paginator.paginate_queryset(rows, request, view=self) if self.paginator else None
        if page is None:
            return Response(ImportItemSerializer(rows, many=True).data)
        return self.get_paginated_response(ImportItemSerializer(page, many=True).data)


class SpotifyStatusView(APIView):
    """FREE or PRO mode, the connection's state and when it must be renewed."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        from ingest.services import spotify

        return Response(spotify.status(user=request.user))  # type: ignore[arg-type]


class SpotifyConnectView(APIView):
    """Starts the authorisation: open `authorize_url` in a browser; Spotify sends it back to the callback page."""

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        from ingest.services import spotify

        return Response({"authorize_url": spotify.start_authorization(user=request.user)})  # type: ignore[arg-type]


class SpotifyPlaylistsView(APIView):
    """The connected account's playlists; `importable` says whether Spotify lets Harmony read its tracks."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        from ingest.services import spotify

        return Response({"playlists": spotify.list_playlists(user=request.user)})  # type: ignore[arg-type]


class SpotifyImportView(APIView):
    """`{"playlist": "<id>"}` or `{"playlist": "liked"}`: import a playlist of yours or your Liked Songs (202; the
    worker reads it from Spotify and the import's progress shows at `/api/v1/imports/{id}/`). It is mirrored
    (kept in step) unless `"mirror": false`."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={202: ImportJobSerializer})
    def post(self, request: Request) -> Response:
        from ingest.services import spotify

        body = request.data if isinstance(request.data, dict) else {}
        playlist = body.get("playlist")
        if not isinstance(playlist, str) or not playlist:
            raise ValidationFailed("playlist: required, a Spotify playlist id or 'liked'")
        mirror = body.get("mirror", True)
        if not isinstance(mirror, bool):
            raise ValidationFailed("mirror: true or false")
        job = spotify.start_import(user=request.user, playlist=playlist, mirror=mirror)  # type: ignore[arg-type]
        return Response(ImportJobSerializer(job).data, status=202)


class FollowedArtistsView(APIView):
    """Adds the artists you follow on Spotify to the watchlist (202; the worker reads them; safe to repeat)."""

    @extend_schema(request=None, responses={202: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        from ingest.services import followed

        followed.start_followed_artists_import(user=request.user)  # type: ignore[arg-type]
        return Response({"started": True}, status=202)


class WatchedArtistViewSet(viewsets.ReadOnlyModelViewSet[WatchedArtist]):
    """Artists on the watchlist: followed on Spotify or added by hand."""

    serializer_class = WatchedArtistSerializer
    filterset_fields = ["source", "active"]

    def get_queryset(self) -> QuerySet[WatchedArtist]:
        return WatchedArtist.objects.order_by("name", "id")


class PlaylistMirrorViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[PlaylistMirror]
):
    """Mirrored Spotify playlists: last sync, what it added and what was removed from the playlist since (the
    library keeps removed tracks). `POST {id}/sync` syncs now; `DELETE {id}` stops mirroring."""

    serializer_class = PlaylistMirrorSerializer
    filterset_fields = ["enabled"]

    def get_queryset(self) -> QuerySet[PlaylistMirror]:
        mirrors = PlaylistMirror.objects.filter(account__user=self.request.user)  # type: ignore[misc]
        return mirrors.order_by("name", "id")

    def perform_destroy(self, instance: PlaylistMirror) -> None:
        from ingest.services import mirrors

        mirrors.stop_mirroring(mirror=instance)

    @extend_schema(request=None, responses={202: PlaylistMirrorSerializer})
    @action(detail=True, methods=["post"])
    def sync(self, request: Request, pk: str | None = None) -> Response:
        from ingest.services import mirrors

        mirror = mirrors.request_sync(mirror=self.get_object())
        return Response(PlaylistMirrorSerializer(mirror).data, status=202)


class BackfillViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[BackfillJob]):
    """Backfill (PRO): Spotify id, ISRC, length and album for wanted and owned tracks that came without them.
    `POST` starts one (409 while another is open); `{id}/pause`, `{id}/resume`, `{id}/cancel` act between chunks."""

    serializer_class = BackfillJobSerializer
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[BackfillJob]:
        return BackfillJob.objects.order_by("-created_at")

    @extend_schema(request=None, responses={202: BackfillJobSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from ingest.services import backfill

        job = backfill.start_backfill(user=request.user)  # type: ignore[arg-type]
        job.refresh_from_db()
        return Response(BackfillJobSerializer(job).data, status=202)

    @extend_schema(request=None, responses=BackfillJobSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str | None = None) -> Response:
        from ingest.services import backfill

        return Response(BackfillJobSerializer(backfill.pause_backfill(job=self.get_object())).data)

    @extend_schema(request=None, responses=BackfillJobSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        from ingest.services import backfill

        return Response(BackfillJobSerializer(backfill.resume_backfill(job=self.get_object())).data)

    @extend_schema(request=None, responses=BackfillJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        from ingest.services import backfill

        return Response(BackfillJobSerializer(backfill.cancel_backfill(job=self.get_object())).data)


class PublicPlaylistImportView(APIView):
    """`{"url": "https://open.spotify.com/playlist/…"}`: import what Spotify's public embed page shows of a public
    playlist — partial (about 50 rows, no album or ISRC). 503 FEATURE_DISABLED unless the runtime setting
    `spotify.public_links` is on."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={202: ImportJobSerializer})
    def post(self, request: Request) -> Response:
        from ingest.services import public_links

        public_links.require_enabled()
        url = request.data.get("url") if isinstance(request.data, dict) else None
        if not isinstance(url, str) or not url.strip():
            raise ValidationFailed("url: required, a Spotify playlist link")
        job = public_links.import_public_playlist(link=url, user=request.user)
        return Response(ImportJobSerializer(job).data, status=202)
