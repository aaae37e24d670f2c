"""Project-wide API plumbing: API-key authentication, the paginator, and the one exception handler.

DRF imports this module while it sets itself up, so nothing here may import `rest_framework.views`."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from harmony.errors import ErrorCode, HarmonyError

logger = logging.getLogger(__name__)


class ApiKeyAuthentication(BaseAuthentication):
    """`X-API-Key: <key>` or `Authorization: Bearer <key>`."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        from library.services import authenticate_api_key

        raw_key = request.headers.get("X-API-Key", "").strip()
        if not raw_key:
            scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer":
                return None
            raw_key = credentials.strip()
        if not raw_key:
            raise exceptions.AuthenticationFailed("Empty API key.")
        api_key = authenticate_api_key(raw_key=raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        return api_key.user, api_key

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return 'Bearer realm="harmony"'


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"

    def __init__(self) -> None:
        self.page_size = settings.HARMONY_API_PAGE_SIZE
        self.max_page_size = settings.HARMONY_API_MAX_PAGE_SIZE


def error_body(code: str, message: str, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "meta": meta or {}}}


def _first_validation_message(detail: Any, path: str = "") -> str:
    """'field: message' for the first problem in a DRF ValidationError detail, so the message names the field.

    Nested fields read `items[3].title`; list and dict positions both come out as `[n]`.
    """

    def child(key: Any) -> str:
        if isinstance(key, int):
            return f"{path}[{key}]"
        if key == "non_field_errors":
            return path
        return f"{path}.{key}" if path else str(key)

    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        return _first_validation_message(value, child(key))
    if isinstance(detail, list) and detail:
        # Many=True serializers report one entry per item, `{}` for the items that are fine.
        index, first = next(((i, item) for i, item in enumerate(detail) if item), (0, detail[0]))
        if isinstance(first, dict | list):
            return _first_validation_message(first, child(index))
        return f"{path}: {first}" if path else str(first)
    return f"{path}: {detail}" if path else str(detail)


_DRF_CODES: list[tuple[type[exceptions.APIException], ErrorCode]] = [
    (exceptions.NotAuthenticated, ErrorCode.AUTH_REQUIRED),
    (exceptions.AuthenticationFailed, ErrorCode.AUTH_REQUIRED),
    (exceptions.PermissionDenied, ErrorCode.FORBIDDEN),
    (exceptions.NotFound, ErrorCode.NOT_FOUND),
    (exceptions.Throttled, ErrorCode.RATE_LIMITED),
]


def _code_for(exc: exceptions.APIException) -> ErrorCode:
    for exc_type, code in _DRF_CODES:
        if isinstance(exc, exc_type):
            return code
    if exc.status_code == status.HTTP_409_CONFLICT:
        return ErrorCode.CONFLICT
    if 400 <= exc.status_code < 500:
        # 400, 405, 406, 413, 415: the request itself is wrong; `meta` says how.
        return ErrorCode.VALIDATION_ERROR
    if exc.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        return ErrorCode.DEPENDENCY_ERROR
    return ErrorCode.INTERNAL_ERROR


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Every non-2xx answer of the API, in one shape."""
    headers: dict[str, str] = {}
    if isinstance(exc, HarmonyError):
        retry_after = exc.meta.get("retry_after_s")
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return Response(error_body(exc.code, exc.message, exc.meta), status=exc.status, headers=headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
        return Response(
            error_body(ErrorCode.INTERNAL_ERROR, "Internal error; the request id in X-Request-ID finds it in the log."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    meta: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        message = _first_validation_message(exc.detail)
        meta["fields"] = exc.detail
    else:
        message = str(exc.detail)
    if isinstance(exc, exceptions.MethodNotAllowed):
        view = context.get("view")
        meta["allowed"] = sorted(getattr(view, "allowed_methods", []))
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        meta["retry_after_s"] = int(wait) + 1
        headers["Retry-After"] = str(meta["retry_after_s"])
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    return Response(error_body(_code_for(exc), message, meta), status=exc.status_code, headers=headers)
