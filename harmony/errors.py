"""Domain exceptions. Services raise these; the API's one exception handler turns them into the error envelope
`{"error": {"code", "message", "meta"}}` with the status below."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    VALIDATION_ERROR = "VALIDATION_ERROR"
    AUTH_REQUIRED = "AUTH_REQUIRED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    FEATURE_DISABLED = "FEATURE_DISABLED"
    DEPENDENCY_ERROR = "DEPENDENCY_ERROR"
    INTERNAL_ERROR = "INTERNAL_ERROR"


class HarmonyError(Exception):
    code: ErrorCode = ErrorCode.INTERNAL_ERROR
    status: int = 500

    def __init__(self, message: str, *, meta: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.meta = meta or {}


class ValidationFailed(HarmonyError):
    code = ErrorCode.VALIDATION_ERROR
    status = 400


class PayloadTooLarge(HarmonyError):
    """Input over a configured limit; `meta` names the limit and its value."""

    code = ErrorCode.VALIDATION_ERROR
    status = 413


class NotFound(HarmonyError):
    code = ErrorCode.NOT_FOUND
    status = 404


class Conflict(HarmonyError):
    """The request is valid but the resource's current state does not allow it."""

    code = ErrorCode.CONFLICT
    status = 409


class RateLimited(HarmonyError):
    code = ErrorCode.RATE_LIMITED
    status = 429

    def __init__(self, message: str, *, retry_after_s: int, meta: dict[str, Any] | None = None) -> None:
        super().__init__(message, meta={"retry_after_s": retry_after_s, **(meta or {})})
        self.retry_after_s = retry_after_s


class FeatureDisabled(HarmonyError):
    """A capability switched off by a setting, or not built yet (`meta.reason` says which)."""

    code = ErrorCode.FEATURE_DISABLED
    status = 503


class NotBuilt(FeatureDisabled):
    status = 501


class DependencyError(HarmonyError):
    """An outside service (slskd, Spotify, MusicBrainz, …) failed; `meta.dependency` names it."""

    code = ErrorCode.DEPENDENCY_ERROR
    status = 503
