"""Dashboard pages of the hub itself: login, home (health board), settings, and the error pages."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from harmony import __version__, health
from harmony.api import error_body
from harmony.errors import ErrorCode, HarmonyError

NAVIGATION = [
    ("downloads", "Downloads"),
    ("imports", "Imports"),
    ("watchlist", "Watchlist"),
    ("library", "Library"),
    ("settings", "Settings"),
]

# Sections whose capability has not landed yet: each page says so (HTTP 501) instead of pretending.
NOT_BUILT = {
    "watchlist": "The artist watchlist",
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: the navigation bar with the current section marked."""
    current = request.resolver_match.url_name if request.resolver_match else None
    return {
        "nav_items": [
            {"name": name, "label": label, "url": reverse(name), "current": name == current}
            for name, label in NAVIGATION
        ],
        "harmony_version": __version__,
    }


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    extra_context = {"failure_limit": settings.AXES_FAILURE_LIMIT}


class LogoutView(auth_views.LogoutView):
    pass


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/home.html", {"checks": health.dashboard_status()})


@require_GET
def status_fragment(request: HttpRequest) -> HttpResponse:
    """The status board alone, for htmx to refresh in place."""
    return render(request, "dashboard/_status.html", {"checks": health.dashboard_status()})


def _masked(value: str) -> str:
    return "set (hidden)" if value else "not set"


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Runtime settings (editable here, kept with their history) and the effective deployment settings, secrets
    masked; those are changed in the environment or `.env`."""
    from library import runtime

    if request.method == "POST":
        key, raw = request.POST.get("key", ""), request.POST.get("value", "").strip()
        try:
            value = None if raw == "" else json.loads(raw)
            runtime.set_value(key, value, by=request.user.get_username())
        except json.JSONDecodeError:
            messages.error(request, f'{key}: not valid JSON (lists look like ["a", "b"], text needs quotes)')
        except HarmonyError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{key} saved.")
        return redirect("settings")
    rows = [
        ("HARMONY_ENV", settings.HARMONY_ENV),
        ("DEBUG", str(settings.DEBUG)),
        ("HARMONY_DATA_DIR", str(settings.HARMONY_DATA_DIR)),
        ("HARMONY_MUSIC_DIR", str(settings.HARMONY_MUSIC_DIR)),
        ("HARMONY_DOWNLOADS_DIR", str(settings.HARMONY_DOWNLOADS_DIR)),
        ("DATABASE", str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]),
        ("BROKER", "redis" if settings.REDIS_URL else "filesystem (embedded)"),
        ("SLSKD_URL", settings.SLSKD_URL or "not set"),
        ("SLSKD_API_KEY", _masked(settings.SLSKD_API_KEY)),
        ("SPOTIFY_CLIENT_ID", _masked(settings.SPOTIFY_CLIENT_ID)),
        ("SPOTIFY_REDIRECT_URI", settings.SPOTIFY_REDIRECT_URI or "not set"),
        ("ALLOWED_HOSTS", ", ".join(settings.ALLOWED_HOSTS)),
        ("HARMONY_LOG_FORMAT", settings.HARMONY_LOG_FORMAT),
    ]
    runtime_rows = [{**row, "json": json.dumps(row["value"])} for row in runtime.describe()]
    return render(request, "dashboard/settings.html", {"rows": rows, "runtime": runtime_rows})


def _not_built_view(section: str) -> Any:
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        context = {"section": dict(NAVIGATION)[section], "capability": NOT_BUILT[section]}
        return render(request, "dashboard/not_built.html", context, status=501)

    view.__name__ = f"{section}_not_built"
    return view


def not_built_pages() -> list[URLPattern]:
    return [path(f"{section}/", _not_built_view(section), name=section) for section in NOT_BUILT]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body(ErrorCode.VALIDATION_ERROR, "Bad request."), status=400)
    return render(request, "400.html", status=400)


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body(ErrorCode.FORBIDDEN, "Forbidden."), status=403)
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body(ErrorCode.NOT_FOUND, f"No route matches {request.path}."), status=404)
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        body = error_body(ErrorCode.INTERNAL_ERROR, "Internal error; the X-Request-ID header finds it in the log.")
        return JsonResponse(body, status=500)
    return render(request, "500.html", status=500)
