"""The MusicBrainz web service (`/ws/2/`, JSON only) over the demo world (contract: metadata_services.md §4.4).

Like the real service it answers 503 to a client address that sends more than `rate_limit_per_s` requests in a
second, and 403 to a request without a User-Agent or with a generic library one ("python-requests/2.x",
"Python-urllib/3.x", "Java/…", "Go-http-client/…", "aiohttp/…"): MusicBrainz asks every application to name
itself and blocks anonymous agents. Only `fmt=json` is spoken; any other format is a 400.

Recording search understands the Lucene subset real clients send: `field:value` clauses joined by AND, with
fields `isrc`, `recording`, `artist`, `release` (quoted phrases or single terms, backslash escapes) and
`dur:[a TO b]` (milliseconds). Text is matched case-insensitively with diacritics folded; an exact match scores
100, a phrase inside a longer title less, shared words less still. Anything else (OR, NOT, groups, wildcards,
fuzzy or boosted terms, other fields) is a 400, so a client that sends unsupported syntax finds out in tests.
"""

from __future__ import annotations

import argparse
import re
import time
import unicodedata
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from emulators.base import EmulatorApp, json_response
from emulators.musicbrainz.dataset import (
    WORLD,
    Artist,
    Credit,
    Medium,
    Recording,
    Release,
    Track,
    World,
    mbid,
)

HELP = "For usage, please see: https://musicbrainz.org/development/mmd"
GENERIC_AGENTS = ("python-requests/", "python-urllib/", "java/", "go-http-client/", "aiohttp/")
_ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}")
SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX = 25, 100
_INCS = {
    "isrc": {"artist-credits", "releases", "release-groups", "isrcs", "media", "genres"},
    "recording": {
        "artist-credits",
        "isrcs",
        "releases",
        "release-groups",
        "media",
        "genres",
        "artist-rels",
        "work-rels",
        "work-level-rels",
    },
    "release": {"recordings", "artist-credits", "labels", "release-groups", "genres", "media", "isrcs"},
}


def error(status: int, message: str) -> Response:
    return json_response({"error": message, "help": HELP}, status=status)


class QueryError(ValueError):
    """The query uses syntax outside the supported Lucene subset."""


@dataclass(frozen=True)
class Clause:
    field: str
    text: str = ""
    low: int = 0
    high: int = 0


_FIELDS = ("isrc", "recording", "artist", "release", "dur")
_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')


def parse_query(query: str) -> list[Clause]:
    """`field:value AND field:value …` → clauses; raises QueryError for anything outside the subset."""
    clauses: list[Clause] = []
    pos, end = 0, len(query)
    while True:
        while pos < end and query[pos].isspace():
            pos += 1
        match = re.compile(r"([A-Za-z]+):").match(query, pos)
        if match is None:
            raise QueryError(f"expected field:value at {query[pos : pos + 20]!r}")
        name = match.group(1).lower()
        if name not in _FIELDS:
            raise QueryError(f"unsupported field {name!r}")
        pos = match.end()
        if name == "dur":
            rng = re.compile(r"\[\s*(\d+)\s+TO\s+(\d+)\s*\]").match(query, pos)
            if rng is None:
                raise QueryError("dur needs a range [low TO high]")
            clauses.append(Clause("dur", low=int(rng.group(1)), high=int(rng.group(2))))
            pos = rng.end()
        else:
            text, pos = _value(query, pos)
            clauses.append(Clause(name, text=text))
        while pos < end and query[pos].isspace():
            pos += 1
        if pos >= end:
            return clauses
        conjunction = re.compile(r"AND\s+", re.IGNORECASE).match(query, pos)
        if conjunction is None:
            raise QueryError(f"only AND joins clauses, found {query[pos : pos + 20]!r}")
        pos = conjunction.end()


def _value(query: str, pos: int) -> tuple[str, int]:
    chars: list[str] = []
    quoted = pos < len(query) and query[pos] == '"'
    if quoted:
        pos += 1
    while pos < len(query):
        char = query[pos]
        if char == "\\" and pos + 1 < len(query):
            chars.append(query[pos + 1])
            pos += 2
            continue
        if quoted and char == '"':
            return "".join(chars), pos + 1
        if not quoted and char.isspace():
            break
        if not quoted and char in _SPECIAL:
            raise QueryError(f"unsupported syntax {char!r} in a term (quote or escape it)")
        chars.append(char)
        pos += 1
    if quoted:
        raise QueryError("unterminated quoted phrase")
    if not chars:
        raise QueryError("empty value")
    return "".join(chars), pos


def fold(text: str) -> str:
    """Case- and diacritics-folded words joined by single spaces (punctuation dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain))


def similarity(wanted: str, candidates: Iterable[str]) -> float:
    """1.0 exact, 0.9 the phrase inside a candidate, else the share of wanted words found (0 when under half)."""
    target = fold(wanted)
    best = 0.0
    for candidate in candidates:
        folded = fold(candidate)
        if folded == target:
            return 1.0
        if target and f" {target} " in f" {folded} ":
            best = max(best, 0.9)
            continue
        words = target.split()
        if words:
            share = sum(word in folded.split() for word in words) / len(words)
            if share >= 0.5:
                best = max(best, 0.8 * share)
    return best


def credit_json(credits: Iterable[Credit]) -> list[dict[str, Any]]:
    return [{"name": c.name, "joinphrase": c.joinphrase, "artist": artist_json(c.artist)} for c in credits]


def artist_json(artist: Artist) -> dict[str, Any]:
    return {"id": artist.id, "name": artist.name, "sort-name": artist.sort_name, "disambiguation": ""}


def credit_names(credits: Iterable[Credit]) -> list[str]:
    credits = list(credits)
    joined = "".join(c.name + c.joinphrase for c in credits)
    return [joined, *(c.name for c in credits), *(c.artist.name for c in credits)]


class MusicBrainzEmulator(EmulatorApp):
    """MusicBrainz `/ws/2/`. Knobs for tests: `rate_limit_per_s` (0 = off), `fail_next(n, status, retry_after)`;
    counters `requests_seen` and `rate_limited`."""

    name = "musicbrainz"
    routes = [
        Rule("/ws/2/isrc/<isrc>", endpoint="isrc", methods=["GET"]),
        Rule("/ws/2/recording", endpoint="search_recordings", methods=["GET"]),
        Rule("/ws/2/recording/<mbid>", endpoint="recording", methods=["GET"]),
        Rule("/ws/2/release/<mbid>", endpoint="release", methods=["GET"]),
    ]

    def __init__(
        self, *, world: World = WORLD, rate_limit_per_s: int = 1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.world = world
        self.rate_limit_per_s = rate_limit_per_s
        self.clock = clock
        self.requests_seen = 0
        self.rate_limited = 0
        self._recent: dict[str, deque[float]] = {}
        self._failures: list[tuple[int, str | None]] = []

    def fail_next(self, n: int = 1, *, status: int = 503, retry_after: str | None = "1") -> None:
        """The next `n` requests answer `status` (with `Retry-After: retry_after` unless None)."""
        with self.lock:
            self._failures = [(status, retry_after)] * n

    def dispatch(self, request: Request) -> Response:
        with self.lock:
            self.requests_seen += 1
            agent = request.headers.get("User-Agent", "").strip()
            if not agent or agent.lower().startswith(GENERIC_AGENTS):
                return error(403, "Anonymous or generic user agents are blocked: send a descriptive User-Agent.")
            if self._failures:
                status, retry_after = self._failures.pop(0)
                return self._refusal(status, retry_after)
            if self._over_rate(request.remote_addr or ""):
                self.rate_limited += 1
                return self._refusal(503, "1")
        if request.args.get("fmt") != "json":
            return error(400, "This server answers JSON only: add fmt=json.")
        return super().dispatch(request)

    def _refusal(self, status: int, retry_after: str | None) -> Response:
        headers = {} if retry_after is None else {"Retry-After": retry_after}
        message = "Your requests are exceeding the allowable rate limit." if status == 503 else "Server error."
        return json_response({"error": message, "help": HELP}, status=status, headers=headers)

    def _over_rate(self, address: str) -> bool:
        if self.rate_limit_per_s <= 0:
            return False
        now = self.clock()
        recent = self._recent.setdefault(address, deque())
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if len(recent) >= self.rate_limit_per_s:
            return True
        recent.append(now)
        return False

    def not_found(self, request: Request) -> Response:
        return error(404, "Not Found")

    def _incs(self, request: Request, resource: str) -> set[str] | Response:
        incs = {part for part in request.args.get("inc", "").replace(" ", "+").split("+") if part}
        unknown = sorted(incs - _INCS[resource])
        if unknown:
            return error(400, f"{unknown[0]} is not a valid inc parameter for the {resource} resource.")
        return incs

    def isrc(self, request: Request, isrc: str) -> Response:
        if not _ISRC.fullmatch(isrc):
            return error(400, f"Invalid isrc: {isrc}")
        incs = self._incs(request, "isrc")
        if isinstance(incs, Response):
            return incs
        recordings = self.world.by_isrc.get(isrc)
        if not recordings:
            return error(404, "Not Found")
        return json_response({"isrc": isrc, "recordings": [self._recording(r, incs) for r in recordings]})

    def recording(self, request: Request, mbid: str) -> Response:
        if not _is_uuid(mbid):
            return error(400, f"Invalid mbid: {mbid}")
        incs = self._incs(request, "recording")
        if isinstance(incs, Response):
            return incs
        found = self.world.recordings.get(mbid)
        if found is None:
            return error(404, "Not Found")
        body = self._recording(found, incs)
        relations = self._relations(found, incs)
        if relations is not None:
            body["relations"] = relations
        return json_response(body)

    def release(self, request: Request, mbid: str) -> Response:
        if not _is_uuid(mbid):
            return error(400, f"Invalid mbid: {mbid}")
        incs = self._incs(request, "release")
        if isinstance(incs, Response):
            return incs
        found = self.world.releases.get(mbid)
        if found is None:
            return error(404, "Not Found")
        return json_response(self._release(found, incs))

    def search_recordings(self, request: Request) -> Response:
        query = request.args.get("query", "")
        if not query.strip():
            return error(400, "The query parameter is required.")
        try:
            clauses = parse_query(query)
            limit = int(request.args.get("limit", SEARCH_LIMIT_DEFAULT))
            offset = int(request.args.get("offset", 0))
        except QueryError as exc:
            return error(400, f"Invalid query: {exc}")
        except ValueError:
            return error(400, "limit and offset must be integers")
        if not 1 <= limit <= SEARCH_LIMIT_MAX or offset < 0:
            return error(400, f"limit must be 1–{SEARCH_LIMIT_MAX} and offset at least 0")
        scored = []
        for found in self.world.recordings.values():
            score = self._score(found, clauses)
            if score > 0:
                scored.append((score, found))
        scored.sort(key=lambda pair: (-pair[0], pair[1].title, pair[1].id))
        incs = {"artist-credits", "isrcs", "releases", "release-groups", "media"}
        recordings = [
            {"id": found.id, "score": score, **self._recording(found, incs)}
            for score, found in scored[offset : offset + limit]
        ]
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return json_response({"created": created, "count": len(scored), "offset": offset, "recordings": recordings})

    def _score(self, found: Recording, clauses: list[Clause]) -> int:
        score = 1.0
        for clause in clauses:
            if clause.field == "isrc":
                score *= 1.0 if clause.text.upper() in found.isrcs else 0.0
            elif clause.field == "dur":
                score *= 1.0 if clause.low <= found.length_ms <= clause.high else 0.0
            elif clause.field == "recording":
                score *= similarity(clause.text, [found.title])
            elif clause.field == "artist":
                score *= similarity(clause.text, credit_names(found.credits))
            else:
                titles = [release.title for release, _, _ in self.world.appearances.get(found.id, [])]
                score *= similarity(clause.text, titles)
        return round(score * 100)

    def _recording(self, found: Recording, incs: set[str]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": found.id,
            "title": found.title,
            "length": found.length_ms,
            "disambiguation": "",
            "video": False,
            "first-release-date": self.world.first_release_date(found.id),
        }
        if "artist-credits" in incs:
            body["artist-credit"] = credit_json(found.credits)
        if "isrcs" in incs:
            body["isrcs"] = list(found.isrcs)
        if "genres" in incs:
            body["genres"] = _genres(found.genres)
        if "releases" in incs:
            body["releases"] = [
                self._release_on_recording(release, medium, track, incs)
                for release, medium, track in self.world.appearances.get(found.id, [])
            ]
        return body

    def _release_on_recording(self, release: Release, medium: Medium, track: Track, incs: set[str]) -> dict[str, Any]:
        body = self._release_core(release)
        if "release-groups" in incs:
            body["release-group"] = _group_json(release)
        if "media" in incs:
            body["track-count"] = sum(len(m.tracks) for m in release.media)
            body["media"] = [
                {
                    "position": medium.position,
                    "format": medium.format,
                    "title": "",
                    "track-count": len(medium.tracks),
                    "track-offset": track.position - 1,
                    "track": [
                        {"id": track.id, "number": track.number, "title": track.title, "length": track.length_ms}
                    ],
                }
            ]
        return body

    def _release_core(self, release: Release) -> dict[str, Any]:
        return {
            "id": release.id,
            "title": release.title,
            "status": release.status,
            "date": release.date,
            "country": release.country,
            "barcode": release.barcode,
            "disambiguation": "",
        }

    def _release(self, release: Release, incs: set[str]) -> dict[str, Any]:
        body = self._release_core(release)
        body["cover-art-archive"] = {
            "artwork": release.art.count > 0,
            "count": release.art.count,
            "front": release.art.front,
            "back": release.art.back,
            "darkened": False,
        }
        if "artist-credits" in incs:
            body["artist-credit"] = credit_json(release.credits)
        if "release-groups" in incs:
            body["release-group"] = _group_json(release)
        if "labels" in incs:
            label = {"id": mbid("label", release.label), "name": release.label, "disambiguation": ""}
            body["label-info"] = [{"catalog-number": release.catalog_number, "label": label}]
        if "genres" in incs:
            body["genres"] = _genres(release.genres)
        body["media"] = [self._medium(medium, incs) for medium in release.media]
        return body

    def _medium(self, medium: Medium, incs: set[str]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "position": medium.position,
            "format": medium.format,
            "title": "",
            "track-count": len(medium.tracks),
            "track-offset": 0,
        }
        if "recordings" in incs:
            tracks = []
            for track in medium.tracks:
                recording = {
                    "id": track.recording.id,
                    "title": track.recording.title,
                    "length": track.recording.length_ms,
                    "disambiguation": "",
                    "video": False,
                    "first-release-date": self.world.first_release_date(track.recording.id),
                }
                entry: dict[str, Any] = {
                    "id": track.id,
                    "number": track.number,
                    "position": track.position,
                    "title": track.title,
                    "length": track.length_ms,
                    "recording": recording,
                }
                if "artist-credits" in incs:
                    entry["artist-credit"] = credit_json(track.credits)
                    recording["artist-credit"] = credit_json(track.recording.credits)
                if "isrcs" in incs:
                    recording["isrcs"] = list(track.recording.isrcs)
                tracks.append(entry)
            body["tracks"] = tracks
        return body

    def _relations(self, found: Recording, incs: set[str]) -> list[dict[str, Any]] | None:
        if not incs & {"artist-rels", "work-rels"}:
            return None
        relations: list[dict[str, Any]] = []
        if "artist-rels" in incs:
            relations += [_artist_relation("producer", producer) for producer in found.producers]
        if "work-rels" in incs and found.work is not None:
            work = found.work
            work_body: dict[str, Any] = {
                "id": work.id,
                "title": work.title,
                "type": "Song",
                "language": "eng",
                "disambiguation": "",
            }
            # Work-level relations come only for the target types asked for (artist-rels), as on the real service.
            if "work-level-rels" in incs and "artist-rels" in incs:
                work_body["relations"] = [
                    *(_artist_relation("composer", a) for a in work.composers),
                    *(_artist_relation("lyricist", a) for a in work.lyricists),
                    *(_artist_relation("writer", a) for a in work.writers),
                ]
            relations.append(
                {
                    "type": "performance",
                    "type-id": mbid("link-type", "performance"),
                    "target-type": "work",
                    "direction": "forward",
                    "attributes": [],
                    "begin": None,
                    "end": None,
                    "ended": False,
                    "work": work_body,
                }
            )
        return relations


def _artist_relation(kind: str, artist: Artist) -> dict[str, Any]:
    return {
        "type": kind,
        "type-id": mbid("link-type", kind),
        "target-type": "artist",
        "direction": "backward",
        "attributes": [],
        "begin": None,
        "end": None,
        "ended": False,
        "source-credit": "",
        "target-credit": "",
        "artist": artist_json(artist),
    }


def _track_json(track: Track) -> dict[str, Any]:
    return {"id": track.id, "number": track.number, "title": track.title, "length": track.length_ms}


def _group_json(release: Release) -> dict[str, Any]:
    group = release.group
    return {
        "id": group.id,
        "title": group.title,
        "primary-type": group.primary_type,
        "secondary-types": list(group.secondary_types),
        "first-release-date": release.date,
        "disambiguation": "",
    }


def _genres(names: Iterable[str]) -> list[dict[str, Any]]:
    return [{"id": mbid("genre", name), "name": name, "count": 10 - index} for index, name in enumerate(names)]


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rate-limit", type=int, default=1, help="requests per second per client address before 503 (0 = off)"
    )


def build(args: argparse.Namespace) -> MusicBrainzEmulator:
    return MusicBrainzEmulator(rate_limit_per_s=getattr(args, "rate_limit", 1))
