"""Soulseek through slskd: manual searches, manual picks, and the state of searching."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from library.serializers import DownloadSerializer
from matching import scoring, services
from matching.models import Search
from matching.serializers import ManualSearchSerializer, PickSerializer, SearchSerializer


class SoulseekSearchViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Search]):
    """`POST` starts a search (202; it counts against the shared search budget). `GET {id}` answers its state and,
    once completed, the ranked candidates and the rejected files with reason codes. `POST {id}/pick` downloads a
    chosen file."""

    serializer_class = SearchSerializer

    def get_queryset(self) -> QuerySet[Search]:
        return Search.objects.filter(wanted__isnull=False)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if self.action == "retrieve" and "pk" in self.kwargs:
            search = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
            if search is not None:
                services.refresh_manual_search(search=search)
                context["ranking"] = services.manual_ranking(search)
        return context

    @extend_schema(request=ManualSearchSerializer, responses={202: SearchSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ManualSearchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        wanted = scoring.Wanted(
            artist=data["artist"], title=data["title"], album=data["album"] or None, year=data.get("year"),
            duration_s=data.get("duration_s"),
        )  # fmt: skip
        search = services.start_manual_search(text=data["query"], wanted=wanted)
        return Response(SearchSerializer(search).data, status=202)

    @extend_schema(request=PickSerializer, responses={201: DownloadSerializer})
    @action(detail=True, methods=["post"])
    def pick(self, request: Request, pk: str | None = None) -> Response:
        serializer = PickSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        download = services.pick_candidate(search=self.get_object(), **serializer.validated_data)
        return Response(DownloadSerializer(download).data, status=201)


class SlskdStatusView(APIView):
    """slskd and searching: login state, version, the search budget in use, and any pause (ban, logged out)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(services.slskd_status())
