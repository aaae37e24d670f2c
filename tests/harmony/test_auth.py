"""Auth is on by default: every route except the allow-list needs a login (pages) or an API key (API)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from library.models import ApiKey
from library.services import LAST_USED_RESOLUTION, revoke_api_key
from tests.factories import ApiKeyFactory

# Routes anybody may call. Everything else is enumerated from the URL conf, never listed by hand.
PUBLIC_API = {"/api/v1/health", "/api/v1/ready", "/api/v1/schema/", "/api/v1/docs/"}
PUBLIC_PAGES = {"/login/", "/admin/login/"}

_GROUP_SAMPLES = {"format": "json", "app_label": "library", "model_name": "apikey", "object_id": "1"}


def _sample_route(regex: str) -> str:
    """A concrete path matching a resolver regex: groups get sample values, optional parts are dropped."""
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _GROUP_SAMPLES.get(m.group(1), "1"), text)
    text = re.sub(r"\(\?:[^)]*\)\?", "", text)  # optional non-capturing groups
    text = re.sub(r"\[[^\]]*\]\+?", "x", text)
    text = text.replace("/?", "").replace("\\.", ".").replace("\\", "")
    return re.sub(r"[?*+()]", "", text)


def _all_paths() -> list[str]:
    paths: set[str] = set()

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + _sample_route(pattern.pattern.regex.pattern))
            elif isinstance(pattern, URLPattern):
                paths.add("/" + prefix + _sample_route(pattern.pattern.regex.pattern))

    walk(get_resolver().url_patterns, "")
    return sorted(paths)


ALL_PATHS = _all_paths()
API_PATHS = [p for p in ALL_PATHS if p.startswith("/api/") and p not in PUBLIC_API]
PAGE_PATHS = [p for p in ALL_PATHS if not p.startswith(("/api/", "/static/")) and p not in PUBLIC_PAGES]


def test_url_conf_enumeration_finds_the_routes_of_every_kind():
    assert {"/api/v1/api-keys", "/api/v1/api-keys/1", "/api/v1/api-keys/1/revoke", "/", "/admin/"} <= set(ALL_PATHS)
    assert len(API_PATHS) >= 5
    assert len(PAGE_PATHS) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("path", API_PATHS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_api_route_without_key_is_401_envelope(api_client, path, method):
    response = getattr(api_client, method)(path)

    assert response.status_code == 401, path
    assert response.json()["error"]["code"] == "AUTH_REQUIRED"
    assert response["WWW-Authenticate"] == 'Bearer realm="harmony"'


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGE_PATHS)
def test_page_without_login_redirects_to_login(client, path):
    response = client.get(path)

    assert response.status_code == 302, path
    assert response["Location"].split("?")[0] in ("/login/", "/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(PUBLIC_API | PUBLIC_PAGES))
def test_allow_listed_route_answers_without_credentials(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_unknown_api_path_is_401_without_key_and_404_envelope_with_one(api_client, authed_client):
    assert api_client.get("/api/v2/whatever").status_code == 401

    response = authed_client.get("/api/v2/whatever")

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "NOT_FOUND", "message": "No API route matches /api/v2/whatever.", "meta": {}}
    }


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["HTTP_X_API_KEY", "HTTP_AUTHORIZATION"])
def test_api_key_in_either_header_authenticates(api_client, api_key, header):
    value = api_key if header == "HTTP_X_API_KEY" else f"Bearer {api_key}"

    response = api_client.get("/api/v1/api-keys/", **{header: value})

    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    ["hmy_abcdefgh_not-the-secret-at-all-xxxxxxx", "garbage", "hmy_", "Bearer", "hmy_short_x"],
)
def test_wrong_api_key_is_401_envelope(api_client, api_key, value):
    response = api_client.get("/api/v1/api-keys/", HTTP_X_API_KEY=value)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_REQUIRED"


@pytest.mark.django_db
def test_key_with_right_prefix_and_wrong_secret_is_refused(api_client, api_key):
    prefix = api_key.split("_")[1]

    response = api_client.get("/api/v1/api-keys/", HTTP_X_API_KEY=f"hmy_{prefix}_{'x' * 43}")

    assert response.status_code == 401


@pytest.mark.django_db
def test_revoked_key_stops_working_at_once(api_client):
    api_key = ApiKeyFactory()
    revoke_api_key(api_key=api_key)

    response = api_client.get("/api/v1/api-keys/", HTTP_X_API_KEY=api_key.raw_key)

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid or revoked API key."


@pytest.mark.django_db
def test_key_of_deactivated_user_is_refused(api_client):
    api_key = ApiKeyFactory()
    api_key.user.is_active = False
    api_key.user.save()

    assert api_client.get("/api/v1/api-keys/", HTTP_X_API_KEY=api_key.raw_key).status_code == 401


@pytest.mark.django_db
def test_use_records_last_used_at_at_most_once_a_minute(api_client):
    api_key = ApiKeyFactory()
    api_client.credentials(HTTP_X_API_KEY=api_key.raw_key)

    api_client.get("/api/v1/api-keys/")
    first = ApiKey.objects.get(pk=api_key.pk).last_used_at
    api_client.get("/api/v1/api-keys/")
    second = ApiKey.objects.get(pk=api_key.pk).last_used_at
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now() - LAST_USED_RESOLUTION - timedelta(1))
    api_client.get("/api/v1/api-keys/")
    third = ApiKey.objects.get(pk=api_key.pk).last_used_at

    assert first is not None
    assert second == first
    assert third > first


@pytest.mark.django_db
def test_session_login_reaches_pages_and_api(client, user):
    response = client.post("/login/", {"username": user.username, "password": "correct horse battery staple"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/api-keys/").status_code == 200


@pytest.mark.django_db
def test_session_api_write_without_csrf_token_is_refused(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    api_key = ApiKeyFactory(user=user)

    response = client.post(f"/api/v1/api-keys/{api_key.pk}/revoke/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert "CSRF" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_login_attempts_are_rate_limited(client, user, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert client.post("/login/", {"username": user.username, "password": "wrong"}).status_code == 200

    locked = client.post("/login/", {"username": user.username, "password": "wrong"})
    still_locked = client.post("/login/", {"username": user.username, "password": "correct horse battery staple"})

    assert locked.status_code == 429
    assert still_locked.status_code == 429
    assert b"Too many failed logins" in still_locked.content
