"""One error shape for every non-2xx of the API."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.harmony.error_urls")]


def test_validation_error_names_the_field(authed_client):
    response = authed_client.post("/api/test/validate", {"name": "far too long", "tags": [1]}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert body["error"]["message"] == "name: Ensure this field has no more than 5 characters."
    assert body["error"]["meta"]["fields"] == {"name": ["Ensure this field has no more than 5 characters."]}


def test_validation_error_in_a_list_item_names_its_index(authed_client):
    response = authed_client.post("/api/test/validate", {"name": "ok", "tags": [1, "x"]}, format="json")

    assert response.json()["error"]["message"] == "tags[1]: A valid integer is required."


def test_malformed_json_is_a_validation_error(authed_client):
    response = authed_client.generic("POST", "/api/test/validate", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert response.json()["error"]["message"].startswith("JSON parse error")


def test_unsupported_media_type_is_415_envelope(authed_client):
    response = authed_client.generic("POST", "/api/test/validate", "<x/>", content_type="application/xml")

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_wrong_method_is_405_with_allowed_methods(authed_client):
    response = authed_client.delete("/api/v1/health")

    assert response.status_code == 405
    assert response.json() == {
        "error": {
            "code": "VALIDATION_ERROR",
            "message": 'Method "DELETE" not allowed.',
            "meta": {"allowed": ["GET", "OPTIONS"]},
        }
    }


@pytest.mark.parametrize(
    ("kind", "status", "code", "meta"),
    [
        ("conflict", 409, "CONFLICT", {"status": "completed"}),
        ("disabled", 503, "FEATURE_DISABLED", {"flag": "lyrics"}),
        ("not_built", 501, "FEATURE_DISABLED", {"reason": "not_built"}),
        ("dependency", 503, "DEPENDENCY_ERROR", {"dependency": "slskd"}),
        ("too_large", 413, "VALIDATION_ERROR", {"limit": "HARMONY_IMPORT_MAX_BYTES"}),
        ("rate", 429, "RATE_LIMITED", {"retry_after_s": 30}),
    ],
)
def test_domain_errors_map_to_status_and_code(authed_client, kind, status, code, meta):
    response = authed_client.get(f"/api/test/domain/{kind}")

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["meta"] == meta


def test_rate_limited_sets_retry_after(authed_client):
    assert authed_client.get("/api/test/domain/rate")["Retry-After"] == "30"


def test_drf_throttle_is_rate_limited_envelope(authed_client):
    authed_client.get("/api/test/throttled")

    response = authed_client.get("/api/test/throttled")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "RATE_LIMITED"
    assert int(response["Retry-After"]) == response.json()["error"]["meta"]["retry_after_s"]


def test_unhandled_error_is_500_envelope_without_details(authed_client, caplog):
    response = authed_client.get("/api/test/crash", HTTP_X_REQUEST_ID="req-crash-1")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL_ERROR"
    assert "boom" not in response.content.decode()
    assert response["X-Request-ID"] == "req-crash-1"
    logged = [r for r in caplog.records if r.name == "harmony.api"]
    assert len(logged) == 1
    assert logged[0].exc_info is not None


def test_unknown_page_outside_api_is_html_404(client, user):
    client.force_login(user)

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("detail", "message"),
    [
        ({"name": ["Required."]}, "name: Required."),
        ({"non_field_errors": ["Pick one."]}, "Pick one."),
        ([{}, {}, {"title": ["Too long."]}], "[2].title: Too long."),
        ({"items": [{}, {"artist": ["Blank."]}]}, "items[1].artist: Blank."),
        ({"tags": {3: ["Not an int."]}}, "tags[3]: Not an int."),
        (["Plain."], "Plain."),
    ],
)
def test_first_validation_message_paths(detail, message):
    from harmony.api import _first_validation_message

    assert _first_validation_message(detail) == message
