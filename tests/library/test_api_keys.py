"""API keys: service rules, the API list and revoke, the admin, and the manage.py commands."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from library import services
from library.models import ApiKey
from tests.factories import ApiKeyFactory, UserFactory

pytestmark = pytest.mark.django_db

KEY_RE = re.compile(r"hmy_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")


def test_created_key_is_stored_only_as_a_hash(user):
    api_key, raw_key = services.create_api_key(user=user, name="beets")

    assert KEY_RE.fullmatch(raw_key)
    assert raw_key.split("_")[1] == api_key.prefix
    assert raw_key.split("_", 2)[2] not in api_key.hashed_secret
    assert len(api_key.hashed_secret) == 64


def test_revoking_twice_keeps_the_first_time():
    api_key = ApiKeyFactory()
    first = services.revoke_api_key(api_key=api_key).revoked_at

    assert services.revoke_api_key(api_key=api_key).revoked_at == first


def test_list_shows_prefix_never_secret(authed_client, api_key):
    body = authed_client.get("/api/v1/api-keys/").json()

    (item,) = body["results"]
    assert item["key"] == f"hmy_{api_key.split('_')[1]}_…"
    assert api_key.split("_", 2)[2] not in str(body)
    assert "hashed_secret" not in item


def test_list_is_one_query_set_whatever_the_number_of_keys(authed_client, user, django_assert_num_queries):
    # Queries: auth lookup, last_used update is throttled away on the second call, count, page.
    authed_client.get("/api/v1/api-keys/")
    with django_assert_num_queries(3):
        authed_client.get("/api/v1/api-keys/")
    for _ in range(5):
        ApiKeyFactory(user=user)
    with django_assert_num_queries(3):
        response = authed_client.get("/api/v1/api-keys/")
    assert response.json()["count"] == 6


def test_users_see_their_own_keys_and_staff_see_all(api_client):
    mine = ApiKeyFactory()
    ApiKeyFactory()
    staff_key = ApiKeyFactory(user=UserFactory(is_staff=True))

    own = api_client.get("/api/v1/api-keys/", HTTP_X_API_KEY=mine.raw_key).json()["count"]
    everyone = api_client.get("/api/v1/api-keys/", HTTP_X_API_KEY=staff_key.raw_key).json()["count"]

    assert (own, everyone) == (1, 3)


def test_revoke_action_revokes_and_the_key_stops_working(api_client):
    api_key = ApiKeyFactory()
    api_client.credentials(HTTP_X_API_KEY=api_key.raw_key)

    response = api_client.post(f"/api/v1/api-keys/{api_key.pk}/revoke/")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert api_client.get("/api/v1/api-keys/").status_code == 401


def test_someone_elses_key_is_not_found(authed_client):
    other = ApiKeyFactory()

    response = authed_client.post(f"/api/v1/api-keys/{other.pk}/revoke/")

    assert response.status_code == 404
    assert ApiKey.objects.get(pk=other.pk).revoked_at is None


def test_apikey_command_creates_lists_and_revokes(user):
    out, err = io.StringIO(), io.StringIO()
    call_command("apikey", "create", "--user", user.username, "--name", "scripts", stdout=out, stderr=err)
    raw_key = out.getvalue().strip()
    prefix = raw_key.split("_")[1]

    listing = io.StringIO()
    call_command("apikey", "list", stdout=listing)
    call_command("apikey", "revoke", f"hmy_{prefix}", stdout=io.StringIO())

    assert KEY_RE.fullmatch(raw_key)
    assert "not shown again" in err.getvalue()
    assert f"hmy_{prefix}" in listing.getvalue()
    assert raw_key.split("_", 2)[2] not in listing.getvalue()
    assert ApiKey.objects.get(prefix=prefix).revoked_at is not None


def test_apikey_command_names_the_bad_argument():
    with pytest.raises(CommandError, match="--user: no user named 'ghost'"):
        call_command("apikey", "create", "--user", "ghost", "--name", "x")
    with pytest.raises(CommandError, match="prefix: no key with prefix 'zzzzzzzz'"):
        call_command("apikey", "revoke", "zzzzzzzz")


def test_harmony_init_creates_admin_and_key_once(client):
    first, second = io.StringIO(), io.StringIO()

    call_command("harmony_init", stdout=first)
    call_command("harmony_init", stdout=second)

    lines = dict(line.split(": ", 1) for line in first.getvalue().splitlines() if ": " in line)
    assert lines["login"] == "admin"
    assert KEY_RE.fullmatch(lines["api key"])
    assert client.post("/login/", {"username": "admin", "password": lines["password"]}).status_code == 302
    assert "created earlier" in second.getvalue()
    assert "password: " not in second.getvalue()
    assert ApiKey.objects.count() == 1


def test_admin_add_shows_the_new_key_once(client, admin_user):
    client.force_login(admin_user)

    response = client.post("/admin/library/apikey/add/", {"name": "from admin", "user": admin_user.pk}, follow=True)

    html = response.content.decode()
    (raw_key,) = KEY_RE.findall(html)
    api_key = ApiKey.objects.get(name="from admin")
    assert raw_key.split("_")[1] == api_key.prefix
    assert KEY_RE.findall(client.get(f"/admin/library/apikey/{api_key.pk}/change/").content.decode()) == []


def test_admin_revoke_action_calls_the_service(client, admin_user):
    client.force_login(admin_user)
    api_key = ApiKeyFactory()

    client.post("/admin/library/apikey/", {"action": "revoke", "_selected_action": [api_key.pk]})

    assert ApiKey.objects.get(pk=api_key.pk).revoked_at is not None
