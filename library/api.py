from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harmony.errors import Conflict, ValidationFailed
from library import runtime, services
from library.filters import DownloadFilter
from library.models import ApiKey, Download, DownloadAttempt
from library.serializers import (
    ApiKeySerializer,
    DownloadDetailSerializer,
    DownloadSerializer,
    IdsSerializer,
    PrioritySerializer,
    WantSerializer,
)
from library.services import wants
from media_enrich.api import FinishingActions


class ApiKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ApiKey]):
    """API keys: list and revoke. New keys are made with `manage.py apikey create` or in the admin, where the
    secret is shown once."""

    serializer_class = ApiKeySerializer
    search_fields = ["name", "prefix"]
    ordering_fields = ["created_at", "last_used_at", "name"]

    def get_queryset(self) -> QuerySet[ApiKey]:
        keys = ApiKey.objects.select_related("user")
        return keys if self.request.user.is_staff else keys.filter(user=cast(User, self.request.user))

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        return Response(self.get_serializer(services.revoke_api_key(api_key=self.get_object())).data)


def _downloads() -> QuerySet[Download]:
    return Download.objects.select_related("track").prefetch_related(
        Prefetch(
            "attempts",
            queryset=DownloadAttempt.objects.filter(outcome=DownloadAttempt.Outcome.IN_PROGRESS),
            to_attr="open_attempts",
        )
    )


class DownloadViewSet(
    FinishingActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Download],
):
    """Downloads: one per wanted track. `POST` wants a track (like `manage.py fetch`); actions retry, cancel and
    set the priority; a completed download's finished file: metadata, artwork, lyrics and `<step>/refresh`.
    Filters: status (repeatable), peer, created_after / created_before, q (text)."""

    filterset_class = DownloadFilter
    ordering_fields = ["created_at", "updated_at", "priority", "status"]
    ordering = ["-priority", "-created_at"]

    def get_queryset(self) -> QuerySet[Download]:
        queryset = _downloads()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("attempts", "candidates")
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "retrieve":
            return DownloadDetailSerializer
        if self.action == "create":
            return WantSerializer
        return DownloadSerializer

    @extend_schema(request=WantSerializer, responses={201: DownloadSerializer, 200: DownloadSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = WantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = wants.want_track(**serializer.validated_data)
        if result.download is None:
            raise Conflict("This track is already in the library.", meta={"track": result.track.pk})
        body = DownloadSerializer(_downloads().get(pk=result.download.pk)).data
        return Response({**body, "outcome": result.outcome}, status=201 if result.outcome == "created" else 200)

    @extend_schema(request=None, responses=DownloadSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        download = self.get_object()
        wants.retry_download(download=download)
        return Response(DownloadSerializer(_downloads().get(pk=download.pk)).data)

    @extend_schema(request=None, responses=DownloadSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        download = self.get_object()
        wants.cancel_download(download=download)
        return Response(DownloadSerializer(_downloads().get(pk=download.pk)).data)

    @extend_schema(request=PrioritySerializer, responses=DownloadSerializer)
    @action(detail=True, methods=["post"])
    def priority(self, request: Request, pk: str | None = None) -> Response:
        serializer = PrioritySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        download = wants.set_priority(download=self.get_object(), priority=serializer.validated_data["priority"])
        return Response(DownloadSerializer(_downloads().get(pk=download.pk)).data)


class DeadLetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Download]):
    """The dead-letter queue: downloads whose retry budget is spent. Requeue them, or purge them (their tracks are
    then ignored until someone wants them again)."""

    serializer_class = DownloadDetailSerializer
    search_fields = ["track__artist", "track__title", "track__album", "error_detail"]

    def get_queryset(self) -> QuerySet[Download]:
        return (
            _downloads()
            .filter(status=Download.Status.DEAD_LETTER)
            .prefetch_related("attempts", "candidates")
            .order_by("updated_at")
        )

    @extend_schema(request=IdsSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def requeue(self, request: Request) -> Response:
        serializer = IdsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"requeued": wants.requeue_dead_letters(download_ids=serializer.validated_data.get("ids"))})

    @extend_schema(request=IdsSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def purge(self, request: Request) -> Response:
        serializer = IdsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"purged": wants.purge_dead_letters(download_ids=serializer.validated_data.get("ids"))})

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"])
    def stats(self, request: Request) -> Response:
        return Response(wants.dead_letter_stats())


class RuntimeSettingsView(APIView):
    """Runtime settings (quality ladder, floor, banned peers, timers …): GET lists each with its value and default;
    PATCH `{"key": value}` changes them (`null` restores the default). Every change is kept in the history."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(runtime.describe())

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def patch(self, request: Request) -> Response:
        if not isinstance(request.data, dict) or not request.data:
            raise ValidationFailed('body: expected an object of {"key": value}')
        for key, value in request.data.items():  # all or nothing: check every key before writing any
            if value is None:
                runtime.validate_key(key)
            else:
                runtime.validate(key, value)
        for key, value in request.data.items():
            runtime.set_value(key, value, by=request.user.get_username())
        return Response(runtime.describe())
