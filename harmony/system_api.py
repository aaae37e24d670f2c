"""API views of the hub itself: liveness, readiness, the status board, and the 404 for unknown API paths."""

from __future__ import annotations

import time
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from harmony import __version__, health
from harmony.errors import DependencyError

_STARTED_AT = time.monotonic()


class ApiNotFoundView(APIView):
    """Any path under /api/ that no route matches: 401 without credentials, then the 404 envelope."""

    schema = None

    def _not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound(f"No API route matches {request.path}.")

    get = post = put = patch = delete = head = options = _not_found


@extend_schema(responses={200: OpenApiTypes.OBJECT}, tags=["system"])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health_view(request: Request) -> Response:
    """Liveness: the process answers. No I/O, no credentials."""
    return Response({"status": "ok", "version": __version__, "uptime_s": round(time.monotonic() - _STARTED_AT, 1)})


@extend_schema(responses={200: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT}, tags=["system"])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def ready_view(request: Request) -> Response:
    """Readiness: database, broker, migrations and each configured outside service, each with a deadline."""
    results = health.readiness()
    checks = {r.name: {"ok": r.ok, "detail": r.detail, "duration_ms": r.duration_ms} for r in results}
    failed = [r for r in results if not r.ok]
    if failed:
        summary = "; ".join(f"{r.name} ({r.detail})" for r in failed)
        raise DependencyError(f"Not ready: {summary}", meta={"failed": [r.name for r in failed], "checks": checks})
    return Response({"status": "ready", "checks": checks})


class SystemStatusView(APIView):
    """The dashboard's status board as JSON: database, broker, worker, slskd, Spotify."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, tags=["system"])
    def get(self, request: Request) -> Response:
        return Response({"checks": [r.as_dict() for r in health.dashboard_status()]})
