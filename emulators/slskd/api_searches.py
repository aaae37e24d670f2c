"""`/api/v0/searches` (§4)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from emulators.slskd.core import INVALID, EmulatorCore
from emulators.slskd.searches import (
    Query,
    QueryError,
    SearchOptions,
    SearchRecord,
    errored_search,
    is_blocked,
    plan_search,
)
from emulators.slskd.wire import empty, json_body, message

CONCURRENCY_MESSAGE = "Only one concurrent operation is permitted. Wait until the previous request completes"
POST_LATENCY_S = 0.1  # how long a search POST is "in flight" (the server round trip), at time_scale 1
_INT_MAX = 2_147_483_647
_OPTION_FIELDS = {
    "searchTimeout": ("search_timeout_ms", 5),
    "responseLimit": ("response_limit", 1),
    "fileLimit": ("file_limit", 1),
    "minimumResponseFileCount": ("minimum_response_file_count", 0),
    "minimumPeerUploadSpeed": ("minimum_peer_upload_speed", 0),
    "maximumPeerQueueLength": ("maximum_peer_queue_length", 0),
}


def canonical_guid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except (ValueError, AttributeError, TypeError):
        return None


class SearchRoutes(EmulatorCore):
    def _search_options(self, body: dict[str, Any]) -> SearchOptions | str:
        values: dict[str, Any] = {}
        for json_name, (field_name, minimum) in _OPTION_FIELDS.items():
            if body.get(json_name) is None:
                continue
            value = body[json_name]
            if not isinstance(value, int) or isinstance(value, bool):
                return f"The JSON value could not be converted to System.Int32. Path: $.{json_name}"
            if value < (minimum if self.at_least((0, 24, 4)) else 0) or value > _INT_MAX:
                return f"The field {json_name[0].upper()}{json_name[1:]} must be between {minimum} and {_INT_MAX}."
            values[field_name] = value
        if body.get("filterResponses") is not None:
            if not isinstance(body["filterResponses"], bool):
                return "The JSON value could not be converted to System.Boolean. Path: $.filterResponses"
            values["filter_responses"] = body["filterResponses"]
        return SearchOptions(**values)

    def create_search(self, request: Request) -> Response:
        body = self.json_of(request)
        if body is INVALID or not isinstance(body, dict):
            return message("A non-empty request body is required.", 400)
        text = body.get("searchText")
        if not isinstance(text, str) or not text.strip():
            if self.at_least((0, 24, 4)):
                return message("The field SearchText can not be null, empty, or consist of only whitespace", 400)
            return message("SearchText may not be null or empty", 400)
        options = self._search_options(body)
        if isinstance(options, str):
            return message(options, 400)
        search_id = canonical_guid(body["id"]) if body.get("id") is not None else str(uuid.uuid4())
        if search_id is None:
            return message("The JSON value could not be converted to System.Guid. Path: $.id", 400)
        # 0.24+: one search POST in flight at a time; a second one gets 429 instead of waiting (§4.1).
        guarded = self.at_least((0, 24, 0))
        if guarded and not self.search_post_guard.acquire(blocking=False):
            return message(CONCURRENCY_MESSAGE, 429)
        try:
            time.sleep(self.scaled(POST_LATENCY_S))
            return self._start_search(search_id, text, options)
        finally:
            if guarded:
                self.search_post_guard.release()

    def _start_search(self, search_id: str, text: str, options: SearchOptions) -> Response:
        with self.lock:
            now = self.now()
            if search_id in self.searches:
                return message(
                    "An error occurred while saving the entity changes. See the inner exception for details.", 500
                )
            if not self.logged_in:
                self.searches[search_id] = errored_search(search_id=search_id, text=text, now=now)
                return message(
                    "The server connection must be connected and logged in to perform a search "
                    "(currently: Disconnected)",
                    409,
                )
            try:
                query = Query.parse(text)
            except QueryError as exc:
                self.searches[search_id] = errored_search(search_id=search_id, text=text, now=now)
                return message(str(exc), 400)
            banned = self.ban.record(now)
            record = plan_search(
                search_id=search_id,
                text=text,
                query=query,
                options=options,
                scenario=self.scenario,
                silenced=banned or is_blocked(query, self.scenario.blocked_terms),
                now=now,
                time_scale=self.time_scale,
            )
            self.searches[search_id] = record
            self.search_count += 1
            return json_body(record.to_json(now, self.clock.wall_iso))

    def _find_search(self, search_id: str) -> SearchRecord | None:
        key = canonical_guid(search_id)
        return self.searches.get(key) if key is not None else None

    def list_searches(self, request: Request) -> Response:
        with self.lock:
            now = self.now()
            return json_body([record.to_json(now, self.clock.wall_iso) for record in self.searches.values()])

    def get_search(self, request: Request, search_id: str) -> Response:
        with self.lock:
            record = self._find_search(search_id)
            if record is None:
                return empty(404)
            include = self.flag(request, "includeResponses")
            return json_body(record.to_json(self.now(), self.clock.wall_iso, include_responses=include))

    def search_responses(self, request: Request, search_id: str) -> Response:
        with self.lock:
            record = self._find_search(search_id)
            if record is None:
                return empty(404)
            return json_body(record.responses(self.now()))

    def stop_search(self, request: Request, search_id: str) -> Response:
        with self.lock:
            record = self._find_search(search_id)
            if record is None:
                return empty(404)
            record.cancel(self.now())
            return empty(200)

    def delete_search(self, request: Request, search_id: str) -> Response:
        with self.lock:
            record = self._find_search(search_id)
            if record is None:
                return empty(404)
            del self.searches[record.id]
            return empty(204)
