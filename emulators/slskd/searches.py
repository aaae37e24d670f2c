"""Network searches (§4): Soulseek query semantics, the response trickle, completion and the server's ban.

A search's whole life is decided when it is created: which peers answer, when each answer arrives, when the
search completes and why. Its state at any moment is then computed from the clock, so polling is deterministic
and needs no background thread.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulators.slskd.scenario import Peer, Scenario, SharedFile
from emulators.slskd.wire import SearchStates, compact, flag_text

# Seconds at time_scale 1.
ANSWER_BASE_S = 0.15
ANSWER_SPREAD_S = 1.8
ANSWER_EXTRA_S = {"slow": 2.5, "timeout": 3.5, "long_queue": 0.8, "queued_forever": 1.2}
FINALIZE_S = 0.25  # state says Completed this long before endedAt and the responses are written (§4.3)
FINALIZE_MIN_S = 0.06


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Query:
    include: tuple[str, ...]
    exclude: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Query:
        """Split on spaces; `-term` excludes; single-character terms are dropped (Soulseek.NET always does)."""
        include, exclude = [], []
        for term in text.lower().split():
            if term.startswith("-"):
                if len(term) > 2:
                    exclude.append(term[1:])
            elif len(term) > 1:
                include.append(term)
        if not include:
            raise QueryError(
                "Search query must contain at least one non-exclusion term with length greater than 1 "
                "(Parameter 'query')"
            )
        return cls(tuple(include), tuple(exclude))

    def matches(self, path: str) -> bool:
        haystack = path.lower()
        return all(_term_in(term, haystack) for term in self.include) and not any(
            _term_in(term, haystack) for term in self.exclude
        )


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def _term_in(term: str, haystack: str) -> bool:
    """Whole-word match; a leading `*` stands for the first letters of a word (`*eatles` finds "beatles")."""
    wildcard = term.startswith("*")
    needle = term.lstrip("*")
    if not needle:
        return False
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        before_ok = wildcard or start == 0 or not _is_word_char(haystack[start - 1])
        after_ok = end == len(haystack) or not _is_word_char(haystack[end])
        if before_ok and after_ok:
            return True
        start = haystack.find(needle, start + 1)
    return False


def is_blocked(query: Query, blocked_terms: list[str]) -> bool:
    text = " ".join(query.include)
    return any(_term_in(phrase.lower(), text) for phrase in blocked_terms if phrase.strip())


@dataclass(frozen=True)
class SearchOptions:
    search_timeout_ms: int = 15000
    response_limit: int = 250
    file_limit: int = 25000
    filter_responses: bool = True
    minimum_response_file_count: int = 1
    minimum_peer_upload_speed: int = 0
    maximum_peer_queue_length: int = 2_147_483_647


def search_file_json(shared: SharedFile) -> dict[str, Any]:
    hidden = set(shared.hide)
    values = {
        "bitDepth": shared.bit_depth,
        "bitRate": shared.bit_rate,
        "code": 1,
        "extension": "" if "extension" in hidden else shared.extension,
        "filename": shared.path,
        "isLocked": False,
        "isVariableBitRate": shared.vbr,
        "length": shared.length_s,
        "sampleRate": shared.sample_rate,
        "size": shared.effective_size,
    }
    return compact({key: value for key, value in values.items() if key not in hidden or key == "extension"})


@dataclass
class Arrival:
    at: float
    response: dict[str, Any]


@dataclass
class SearchRecord:
    id: str
    search_text: str
    token: int
    started_at: float
    arrivals: list[Arrival]  # accepted responses in arrival order, only those before the end
    ends_at: float
    end_state: SearchStates
    finalize_delay: float

    def cancel(self, now: float) -> None:
        if now < self.ends_at:
            self.ends_at = now
            self.end_state = SearchStates.Completed | SearchStates.Cancelled
            self.arrivals = [arrival for arrival in self.arrivals if arrival.at <= now]

    def finalized(self, now: float) -> bool:
        return now >= self.ends_at + self.finalize_delay

    def visible_arrivals(self, now: float) -> list[Arrival]:
        return [arrival for arrival in self.arrivals if arrival.at <= now]

    def responses(self, now: float) -> list[dict[str, Any]]:
        # Written only when the search is finalized (§4.3): empty while running and just after completion.
        return [arrival.response for arrival in self.arrivals] if self.finalized(now) else []

    def to_json(
        self, now: float, wall_iso: Callable[[float | None], str | None], *, include_responses: bool = False
    ) -> dict[str, Any]:
        arrived = self.visible_arrivals(now)
        state = self.end_state if now >= self.ends_at else SearchStates.InProgress
        return compact(
            {
                "endedAt": wall_iso(self.ends_at) if self.finalized(now) else None,
                "fileCount": sum(arrival.response["fileCount"] for arrival in arrived),
                "id": self.id,
                "isComplete": bool(state & SearchStates.Completed),
                "lockedFileCount": sum(arrival.response["lockedFileCount"] for arrival in arrived),
                "responseCount": len(arrived),
                "responses": self.responses(now) if include_responses else [],
                "searchText": self.search_text,
                "startedAt": wall_iso(self.started_at),
                "state": flag_text(state),
                "token": self.token,
            }
        )


def _answer_delay(peer: Peer) -> float:
    spread = (zlib.crc32(peer.username.encode()) % 1000) / 1000
    return ANSWER_BASE_S + spread * ANSWER_SPREAD_S + ANSWER_EXTRA_S.get(peer.behaviour, 0.0)


def _response(peer: Peer, query: Query, token: int) -> dict[str, Any] | None:
    matching = [shared for shared in peer.files if query.matches(shared.path)]
    if not matching:
        return None
    files = [search_file_json(shared) for shared in matching if not shared.locked]
    locked = [search_file_json(shared) for shared in matching if shared.locked]
    return {
        "fileCount": len(files),
        "files": files,
        "hasFreeUploadSlot": peer.has_free_upload_slot,
        "lockedFileCount": len(locked),
        "lockedFiles": locked,
        "queueLength": peer.queue_length,
        "token": token,
        "uploadSpeed": peer.upload_speed,
        "username": peer.username,
    }


def _accepted(response: dict[str, Any], options: SearchOptions) -> bool:
    if not options.filter_responses:
        return True
    file_count: int = response["fileCount"] + response["lockedFileCount"]
    upload_speed: int = response["uploadSpeed"]
    queue_length: int = response["queueLength"]
    return (
        file_count >= options.minimum_response_file_count
        and upload_speed >= options.minimum_peer_upload_speed
        and queue_length < options.maximum_peer_queue_length
    )


def plan_search(
    *,
    search_id: str,
    text: str,
    query: Query,
    options: SearchOptions,
    scenario: Scenario,
    silenced: bool,
    now: float,
    time_scale: float,
) -> SearchRecord:
    """Decide the search's whole course; `silenced` (blocked phrase or server ban) means nobody answers."""
    token = random.randint(1, 2**31 - 1)
    candidates: list[Arrival] = []
    if not silenced:
        for peer in scenario.peers:
            response = _response(peer, query, token)
            if response is not None and _accepted(response, options):
                candidates.append(Arrival(now + _answer_delay(peer) * time_scale, response))
    candidates.sort(key=lambda arrival: arrival.at)

    timeout = options.search_timeout_ms / 1000 * time_scale
    arrivals: list[Arrival] = []
    files = 0
    last = now
    end_state = SearchStates.Completed | SearchStates.TimedOut
    ends_at: float | None = None
    for arrival in candidates:
        if arrival.at - last > timeout:
            break
        arrivals.append(arrival)
        files += arrival.response["fileCount"]
        last = arrival.at
        if len(arrivals) >= options.response_limit:
            end_state, ends_at = SearchStates.Completed | SearchStates.ResponseLimitReached, arrival.at
            break
        if files >= options.file_limit:
            end_state, ends_at = SearchStates.Completed | SearchStates.FileLimitReached, arrival.at
            break
    return SearchRecord(
        id=search_id,
        search_text=text,
        token=token,
        started_at=now,
        arrivals=arrivals,
        ends_at=last + timeout if ends_at is None else ends_at,
        end_state=end_state,
        finalize_delay=max(FINALIZE_MIN_S, FINALIZE_S * time_scale),
    )


def errored_search(*, search_id: str, text: str, now: float) -> SearchRecord:
    """The record a failed start leaves behind: Completed, Errored with endedAt == startedAt (§4.1)."""
    return SearchRecord(
        id=search_id,
        search_text=text,
        token=random.randint(1, 2**31 - 1),
        started_at=now,
        arrivals=[],
        ends_at=now,
        end_state=SearchStates.Completed | SearchStates.Errored,
        finalize_delay=0.0,
    )


@dataclass
class BanTracker:
    """The central server's rate ban: more than `limit` searches in `window` seconds silences the account."""

    limit: int
    window: float
    duration: float
    recent: list[float] = field(default_factory=list)
    banned_until: float = float("-inf")

    def record(self, now: float) -> bool:
        """Count one search sent at `now`; True when the server will ignore it."""
        if now < self.banned_until:
            return True
        self.recent = [moment for moment in self.recent if moment > now - self.window]
        self.recent.append(now)
        if len(self.recent) > self.limit:
            self.banned_until = now + self.duration
            self.recent.clear()
            return True
        return False

    def banned(self, now: float) -> bool:
        return now < self.banned_until
