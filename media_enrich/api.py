from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from harmony.errors import FeatureDisabled, NotFound, ValidationFailed
from library import runtime
from library.models import Download
from media_enrich import queries
from media_enrich.filters import LibraryFileFilter
from media_enrich.models import FinishStep, LibraryFile
from media_enrich.serializers import LibraryFileDetailSerializer, LibraryFileSerializer
from media_enrich.services import finishing


def _require(feature: str) -> None:
    if not runtime.get(feature):
        raise FeatureDisabled(f"turned off by the runtime setting {feature}", meta={"setting": feature})


def _file_of(download: Download) -> LibraryFile:
    file = queries.library_files().filter(download=download).first()
    if file is None:
        raise NotFound(
            "this download has no finished file yet (it is finished after it completes)",
            meta={"download": download.pk, "status": download.status},
        )
    return file


def artwork_response(file: LibraryFile) -> HttpResponse:
    _require("features.artwork")
    image = queries.cover_of(file)
    if image is None:
        raise NotFound("no cover art for this file yet", meta={"step": _step_state(file, FinishStep.Name.ARTWORK)})
    response = HttpResponse(image.data, content_type=image.mime)
    response["Cache-Control"] = "private, max-age=300"
    return response


def lyrics_response(file: LibraryFile, kind: str) -> HttpResponse:
    _require("features.lyrics")
    if kind not in ("", "synced", "plain"):
        raise ValidationFailed("kind: synced or plain", meta={"kind": kind})
    row = getattr(file.track, "lyrics", None)
    if row is None or row.kind in ("missing", "instrumental"):
        reason = "instrumental" if row is not None and row.kind == "instrumental" else "no lyrics found yet"
        raise NotFound(reason, meta={"kind": row.kind if row else None})
    if kind == "synced" and not row.synced:
        raise NotFound("only plain lyrics are known for this track", meta={"kind": row.kind})
    text = row.plain if kind == "plain" or not row.synced else row.synced
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def _step_state(file: LibraryFile, name: str) -> str | None:
    return next((step.status for step in file.steps.all() if step.name == name), None)


class FinishingActions:
    """Per-download finishing endpoints, mixed into the downloads viewset: metadata, artwork, lyrics, refresh."""

    get_object: Any

    @extend_schema(responses=LibraryFileDetailSerializer)
    @action(detail=True, methods=["get"])
    def metadata(self, request: Request, pk: str | None = None) -> Response:
        return Response(LibraryFileDetailSerializer(_file_of(self.get_object())).data)

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def artwork(self, request: Request, pk: str | None = None) -> HttpResponse:
        return artwork_response(_file_of(self.get_object()))

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=["synced", "plain"], required=False)],
        responses={(200, "text/plain"): OpenApiTypes.STR},
    )
    @action(detail=True, methods=["get"])
    def lyrics(self, request: Request, pk: str | None = None) -> HttpResponse:
        return lyrics_response(_file_of(self.get_object()), request.query_params.get("kind", ""))

    @extend_schema(request=None, responses={202: LibraryFileDetailSerializer})
    @action(detail=True, methods=["post"], url_path=r"(?P<step>[a-z]+)/refresh")
    def refresh(self, request: Request, pk: str | None = None, step: str = "") -> Response:
        """Run one finishing step again (and the steps after it). `metadata` is an alias of `identify`."""
        file = _file_of(self.get_object())
        refreshed = finishing.refresh_step(library_file=file, step=STEP_ALIASES.get(step, step))
        return Response(LibraryFileDetailSerializer(queries.library_files().get(pk=refreshed.pk)).data, status=202)


STEP_ALIASES = {"metadata": FinishStep.Name.IDENTIFY, "organise": FinishStep.Name.ORGANIZE}


class LibraryFileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[LibraryFile]):
    """Files in the music library (finished downloads and scanned files), with their finishing steps.
    Filters: status (repeatable), origin, q (artist, title, album, path)."""

    filterset_class = LibraryFileFilter
    ordering_fields = ["created_at", "finished_at", "organized_path"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[LibraryFile]:
        return queries.library_files()

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return LibraryFileDetailSerializer if self.action == "retrieve" else LibraryFileSerializer

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def artwork(self, request: Request, pk: str | None = None) -> HttpResponse:
        return artwork_response(self.get_object())

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=["synced", "plain"], required=False)],
        responses={(200, "text/plain"): OpenApiTypes.STR},
    )
    @action(detail=True, methods=["get"])
    def lyrics(self, request: Request, pk: str | None = None) -> HttpResponse:
        return lyrics_response(self.get_object(), request.query_params.get("kind", ""))

    @extend_schema(request=None, responses={202: LibraryFileDetailSerializer})
    @action(detail=True, methods=["post"], url_path=r"(?P<step>[a-z]+)/refresh")
    def refresh(self, request: Request, pk: str | None = None, step: str = "") -> Response:
        refreshed = finishing.refresh_step(library_file=self.get_object(), step=STEP_ALIASES.get(step, step))
        return Response(LibraryFileDetailSerializer(queries.library_files().get(pk=refreshed.pk)).data, status=202)
