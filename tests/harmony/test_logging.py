"""One structured line per event, carrying the request id that the client sent or that Harmony made."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from pythonjsonlogger.json import JsonFormatter

from harmony.logging import ContextFilter, redact, request_id_var

pytestmark = pytest.mark.django_db


def test_request_id_from_the_client_is_returned(api_client):
    response = api_client.get("/api/v1/health", HTTP_X_REQUEST_ID="abc-123.def")

    assert response["X-Request-ID"] == "abc-123.def"


@pytest.mark.parametrize("incoming", [None, "", "has spaces", "x" * 200, "<script>"])
def test_missing_or_malformed_request_id_is_replaced(api_client, incoming):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}

    response = api_client.get("/api/v1/health", **headers)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_access_line_carries_request_id_status_and_duration(api_client, caplog):
    caplog.set_level(logging.INFO, logger="harmony.access")

    api_client.get("/api/v1/health", HTTP_X_REQUEST_ID="trace-me")

    (record,) = [r for r in caplog.records if r.name == "harmony.access"]
    assert record.getMessage() == "GET /api/v1/health 200"
    assert record.status == 200
    assert record.duration_ms >= 0
    assert record.request_id == "trace-me"


def _json_line(message: str, *args: object) -> dict[str, object]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s"))
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("tests.json")
    logger.addHandler(handler)
    logger.propagate = False
    token = request_id_var.set("req-42")
    try:
        logger.warning(message, *args)
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_json_line_has_request_id_and_message():
    line = _json_line("download %s failed", 7)

    assert line["message"] == "download 7 failed"
    assert line["request_id"] == "req-42"
    assert line["task_id"] == "-"
    assert line["levelname"] == "WARNING"


def test_api_keys_in_log_lines_keep_only_their_prefix():
    line = _json_line("client sent %s", "hmy_abcdefgh_0123456789abcdefghijklmnop")

    assert line["message"] == "client sent hmy_abcdefgh_***"


def test_redact_leaves_ordinary_text_alone():
    assert redact("hmy_ is a prefix; hmy_abc is too short") == "hmy_ is a prefix; hmy_abc is too short"
