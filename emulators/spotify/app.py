"""The Spotify emulator: the accounts service (`/authorize`, `/api/token`) and the Web API (`/v1/...`) of a
Development-Mode app, on one server (contract §4, §5, §7, §10)."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import secrets
import shlex
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from emulators.base import EmulatorApp, json_response
from emulators.spotify.dataset import CATALOGUE, DEMO_USER, PlaylistData, Row, TrackData, UserData, demo_users

DEFAULT_CLIENT_ID = "harmony-test-client"
DEMO_CLIENT_ID = "harmony-demo-client"
DEFAULT_REDIRECT_URIS = ("http://127.0.0.1:8000/spotify/callback",)
REFRESH_TOKEN_TTL_S = 183 * 24 * 3600  # six months from consent (contract rule 10)
CODE_TTL_S = 600
PAGE_MAX = 50
SEARCH_MAX, SEARCH_DEFAULT = 10, 5
EMBED_ROWS = 50  # the public embed page lists about the first 50 tracks (contract §11)
_ID = re.compile(r"[0-9A-Za-z]{22}")
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
ALL_SCOPES = ("playlist-read-private", "playlist-read-collaborative", "user-library-read", "user-follow-read")
_SCOPES = {
    "me/playlists": "playlist-read-private",
    "me/tracks": "user-library-read",
    "me/following": "user-follow-read",
}


def api_error(status: int, message: str, **extra: str) -> Response:
    return json_response({"error": {"status": status, "message": message, **extra}}, status=status)


def oauth_error(error: str, description: str, status: int = 400) -> Response:
    return json_response({"error": error, "error_description": description}, status=status)


@dataclass
class _Grant:
    user_id: str | None  # None: a client-credentials token
    scope: tuple[str, ...]
    expires_at: float
    consented_at: float = 0.0
    # authorization codes only
    redirect_uri: str = ""
    code_challenge: str | None = None


def _b64url_sha256(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()


def _removed(_: SpotifyEmulator, request: Request, **__: str) -> Response:
    return api_error(403, "Forbidden")


class SpotifyEmulator(EmulatorApp):
    """Spotify for a Development-Mode app: see shared/contracts/spotify.md §10. Knobs for tests:
    `rate_limit_next()`, `expire_access_tokens()`, `revoke_refresh_tokens()`, `deny_consent`, `consent_user`,
    `rotate_refresh_tokens`, `embed_shape_changed` (the public embed page without its track list), `dead_embeds`
    (playlist ids whose embed page is a removed entity)."""

    name = "spotify"
    routes = [
        Rule("/authorize", endpoint="authorize", methods=["GET"]),
        Rule("/api/token", endpoint="token", methods=["POST"]),
        Rule("/v1/me", endpoint="me", methods=["GET"]),
        Rule("/v1/me/playlists", endpoint="my_playlists", methods=["GET"]),
        Rule("/v1/me/tracks", endpoint="saved_tracks", methods=["GET"]),
        Rule("/v1/me/following", endpoint="following", methods=["GET"]),
        Rule("/v1/playlists/<playlist_id>", endpoint="playlist", methods=["GET"]),
        Rule("/v1/playlists/<playlist_id>/items", endpoint="playlist_items", methods=["GET"]),
        Rule("/v1/tracks/<track_id>", endpoint="track", methods=["GET"]),
        Rule("/v1/albums/<album_id>", endpoint="album", methods=["GET"]),
        Rule("/v1/albums/<album_id>/tracks", endpoint="album_tracks", methods=["GET"]),
        Rule("/v1/tracks", endpoint="removed", methods=["GET"]),  # batch lookups: removed (rule 4)
        Rule("/v1/search", endpoint="search", methods=["GET"]),
        Rule("/embed/playlist/<playlist_id>", endpoint="embed_playlist", methods=["GET"]),
        # Removed for Development Mode (§7.13): 403 Forbidden.
        Rule("/v1/playlists/<playlist_id>/tracks", endpoint="removed", methods=["GET", "POST", "PUT", "DELETE"]),
        Rule("/v1/albums", endpoint="removed", methods=["GET"]),
        Rule("/v1/artists", endpoint="removed", methods=["GET"]),
        Rule("/v1/artists/<artist_id>/top-tracks", endpoint="removed", methods=["GET"]),
        Rule("/v1/artists/<artist_id>/related-artists", endpoint="removed", methods=["GET"]),
        Rule("/v1/users/<path:rest>", endpoint="removed", methods=["GET", "POST"]),
        Rule("/v1/browse/<path:rest>", endpoint="removed", methods=["GET"]),
        Rule("/v1/recommendations", endpoint="removed", methods=["GET"]),
        Rule("/v1/audio-features/<path:rest>", endpoint="removed", methods=["GET"]),
        Rule("/v1/audio-analysis/<path:rest>", endpoint="removed", methods=["GET"]),
        Rule("/v1/markets", endpoint="removed", methods=["GET"]),
    ]
    removed = _removed

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = "",
        redirect_uris: Sequence[str] = DEFAULT_REDIRECT_URIS,
        users: dict[str, UserData] | None = None,
        catalogue: Sequence[TrackData] = CATALOGUE,
        consent_user: str = DEMO_USER,
        refresh_token_ttl_s: float = REFRESH_TOKEN_TTL_S,
        access_token_ttl_s: int = 3600,
        rotate_refresh_tokens: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = tuple(redirect_uris)
        self.users = demo_users() if users is None else users
        self.consent_user = consent_user if consent_user in self.users else next(iter(self.users), "")
        self.deny_consent = False
        self.refresh_token_ttl_s = refresh_token_ttl_s
        self.access_token_ttl_s = access_token_ttl_s
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.clock = clock
        self.playlists: dict[str, PlaylistData] = {p.id: p for u in self.users.values() for p in u.playlists}
        self.tracks: dict[str, TrackData] = {t.id: t for t in catalogue}
        for row in self._all_rows():
            if row.track:
                self.tracks.setdefault(row.track.id, row.track)
        self.codes: dict[str, _Grant] = {}
        self.access_tokens: dict[str, _Grant] = {}
        self.refresh_tokens: dict[str, _Grant] = {}
        self._rate_limited = 0
        self._rate_limit_headers: dict[str, str] = {}
        self._rate_limit_body: dict[str, Any] | None = None
        self.api_calls = 0
        self.embed_shape_changed = False
        self.dead_embeds: set[str] = set()

    def _all_rows(self) -> list[Row]:
        rows = [row for p in self.playlists.values() for row in p.rows]
        return rows + [row for u in self.users.values() for row in u.saved]

    # ---- knobs -------------------------------------------------------------------------------------------------

    def rate_limit_next(
        self, n: int = 1, *, retry_after: int | None = 1, quota: bool = False, empty: bool = False
    ) -> None:
        """The next `n` Web API calls answer 429 with `Retry-After: retry_after` (None: no header); `quota` adds
        `reason: QUOTA_EXCEEDED`, `empty` sends no body."""
        with self.lock:
            self._rate_limited = n
            self._rate_limit_headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
            body: dict[str, Any] = {"status": 429, "message": "Too many requests"}
            if quota:
                body["reason"] = "QUOTA_EXCEEDED"
            self._rate_limit_body = None if empty else {"error": body}

    def expire_access_tokens(self) -> None:
        with self.lock:
            for grant in self.access_tokens.values():
                grant.expires_at = 0.0

    def revoke_refresh_tokens(self) -> None:
        with self.lock:
            self.refresh_tokens.clear()

    def issue_access_token(self, user_id: str = DEMO_USER, scope: Sequence[str] = ()) -> str:
        """A valid access token without the OAuth dance (for tests of the Web API alone); all scopes by default."""
        grant = _Grant(user_id, tuple(scope) or ALL_SCOPES, 0.0, consented_at=self.clock())
        with self.lock:
            return self._new_access_token(grant)[0]

    # ---- dispatch ----------------------------------------------------------------------------------------------

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/v1/"):
            with self.lock:
                self.api_calls += 1
                if self._rate_limited > 0:
                    self._rate_limited -= 1
                    if self._rate_limit_body is None:
                        return Response(b"", status=429, headers=self._rate_limit_headers)
                    return json_response(self._rate_limit_body, status=429, headers=self._rate_limit_headers)
        return super().dispatch(request)

    def not_found(self, request: Request) -> Response:
        return api_error(404, "Service not found")

    def method_not_allowed(self, request: Request, allowed: Sequence[str]) -> Response:  # type: ignore[override]
        return api_error(405, "Method not allowed")

    # ---- accounts service --------------------------------------------------------------------------------------

    def _redirect_allowed(self, uri: str) -> bool:
        parts = urlsplit(uri)
        if parts.hostname == "localhost":
            return False  # rejected since 2025-11-27 (rule 11)
        for registered in self.redirect_uris:
            if uri == registered:
                return True
            known = urlsplit(registered)
            loopback = parts.hostname in ("127.0.0.1", "::1") and known.hostname == parts.hostname
            if loopback and (parts.scheme, parts.path) == (known.scheme, known.path):
                return True  # loopback redirect URIs may vary the port
        return False

    def authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id:
            return Response("INVALID_CLIENT: Invalid client", status=400, mimetype="text/plain")
        redirect_uri = args.get("redirect_uri", "")
        if not self._redirect_allowed(redirect_uri):
            return Response("INVALID_CLIENT: Invalid redirect URI", status=400, mimetype="text/plain")
        state = args.get("state")
        answer: dict[str, str]
        if args.get("response_type") != "code":
            answer = {"error": "unsupported_response_type"}
        elif self.deny_consent:
            answer = {"error": "access_denied"}
        elif args.get("code_challenge") and args.get("code_challenge_method") != "S256":
            answer = {"error": "invalid_request"}
        else:
            code = "AQ" + secrets.token_urlsafe(48)
            with self.lock:
                self.codes[code] = _Grant(
                    user_id=self.consent_user,
                    scope=tuple(args.get("scope", "").split()),
                    expires_at=self.clock() + CODE_TTL_S,
                    consented_at=self.clock(),
                    redirect_uri=redirect_uri,
                    code_challenge=args.get("code_challenge") or None,
                )
            answer = {"code": code}
        if state is not None:
            answer["state"] = state
        separator = "&" if "?" in redirect_uri else "?"
        return Response(status=302, headers={"Location": f"{redirect_uri}{separator}{urlencode(answer)}"})

    def _client_authenticated(self, request: Request) -> tuple[bool, bool]:
        """(the client is known, it proved its secret) from Basic auth or form fields."""
        form = request.form
        client_id, secret = form.get("client_id"), form.get("client_secret")
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return False, False
        if client_id != self.client_id:
            return False, False
        return True, bool(secret) and bool(self.client_secret) and secrets.compare_digest(
            secret or "", self.client_secret
        )

    def token(self, request: Request) -> Response:
        known, proved = self._client_authenticated(request)
        if not known:
            return oauth_error("invalid_client", "Invalid client")
        grant_type = request.form.get("grant_type")
        with self.lock:
            if grant_type == "authorization_code":
                return self._grant_code(request, proved)
            if grant_type == "refresh_token":
                return self._grant_refresh(request)
            if grant_type == "client_credentials":
                if not proved:
                    return oauth_error("invalid_client", "Invalid client secret")
                access, expires_in = self._new_access_token(_Grant(None, (), 0.0))
                return json_response({"access_token": access, "token_type": "bearer", "expires_in": expires_in})
        return oauth_error("unsupported_grant_type", "grant_type parameter is missing")

    def _grant_code(self, request: Request, proved: bool) -> Response:
        grant = self.codes.pop(request.form.get("code", ""), None)  # single use
        if grant is None:
            return oauth_error("invalid_grant", "Invalid authorization code")
        if grant.expires_at < self.clock():
            return oauth_error("invalid_grant", "Authorization code expired")
        if request.form.get("redirect_uri") != grant.redirect_uri:
            return oauth_error("invalid_grant", "Invalid redirect URI")
        verifier = request.form.get("code_verifier")
        if grant.code_challenge is not None:
            if not verifier or not _VERIFIER.fullmatch(verifier) or _b64url_sha256(verifier) != grant.code_challenge:
                return oauth_error("invalid_request", "code_verifier was incorrect")
        elif not proved:
            return oauth_error("invalid_client", "Invalid client secret")
        return self._issue(grant, with_refresh=True)

    def _grant_refresh(self, request: Request) -> Response:
        refresh = request.form.get("refresh_token", "")
        grant = self.refresh_tokens.get(refresh)
        if grant is None:
            return oauth_error("invalid_grant", "Invalid refresh token")
        if grant.consented_at + self.refresh_token_ttl_s < self.clock():
            del self.refresh_tokens[refresh]
            return oauth_error("invalid_grant", "Refresh token revoked")
        if self.rotate_refresh_tokens:
            del self.refresh_tokens[refresh]
        return self._issue(grant, with_refresh=self.rotate_refresh_tokens)

    def _new_access_token(self, grant: _Grant) -> tuple[str, int]:
        access = "BQ" + secrets.token_urlsafe(48)
        self.access_tokens[access] = _Grant(
            grant.user_id, grant.scope, self.clock() + self.access_token_ttl_s, consented_at=grant.consented_at
        )
        return access, self.access_token_ttl_s

    def _issue(self, grant: _Grant, *, with_refresh: bool) -> Response:
        access, expires_in = self._new_access_token(grant)
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "scope": " ".join(grant.scope),
            "expires_in": expires_in,
        }
        if with_refresh:
            refresh = "AQ" + secrets.token_urlsafe(64)
            # Refreshing never extends the 6-month life: it counts from the consent.
            self.refresh_tokens[refresh] = _Grant(grant.user_id, grant.scope, 0.0, consented_at=grant.consented_at)
            body["refresh_token"] = refresh
        return json_response(body)

    # ---- Web API -----------------------------------------------------------------------------------------------

    def _caller(self, request: Request, *, user: bool = True, scope: str | None = None) -> UserData | Response | None:
        """The user behind the bearer token, or the error answer. None: a client-credentials token (only when
        `user` is False)."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not header[7:].strip():
            return api_error(401, "No token provided")
        with self.lock:
            grant = self.access_tokens.get(header[7:].strip())
        if grant is None:
            return api_error(401, "Invalid access token")
        if grant.expires_at < self.clock():
            return api_error(401, "The access token expired")
        if grant.user_id is None:
            return api_error(403, "Forbidden") if user else None
        if scope and scope not in grant.scope:
            return api_error(403, "Insufficient client scope")
        found = self.users.get(grant.user_id)
        return found if found is not None else api_error(403, "Forbidden")

    def _paging(
        self, request: Request, items: Sequence[Any], *, default: int = 20, maximum: int = PAGE_MAX
    ) -> tuple[int, int] | Response:
        try:
            limit = int(request.args.get("limit", default))
            offset = int(request.args.get("offset", 0))
        except ValueError:
            return api_error(400, "Invalid limit")
        if not 1 <= limit <= maximum:
            return api_error(400, "Invalid limit")
        if offset < 0:
            return api_error(400, "Invalid offset")
        return limit, offset

    def _page(
        self, request: Request, items: list[Any], limit: int, offset: int, keep: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """An offset paging object whose links are absolute URLs on this server (§2)."""
        base = request.host_url.rstrip("/") + request.path

        def link(at: int) -> str:
            return f"{base}?{urlencode({**(keep or {}), 'offset': at, 'limit': limit})}"

        return {
            "href": link(offset),
            "items": items[offset : offset + limit],
            "limit": limit,
            "next": link(offset + limit) if offset + limit < len(items) else None,
            "offset": offset,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "total": len(items),
        }

    def me(self, request: Request) -> Response:
        caller = self._caller(request)
        if not isinstance(caller, UserData):
            return caller or api_error(403, "Forbidden")
        body = self._user_json(request, caller.id, caller.display_name)
        body["account_id"] = caller.account_id
        if caller.product is not None:
            body["product"] = caller.product
        return json_response(body)

    def my_playlists(self, request: Request) -> Response:
        caller = self._caller(request, scope="playlist-read-private")
        if not isinstance(caller, UserData):
            return caller or api_error(403, "Forbidden")
        paging = self._paging(request, [])
        if isinstance(paging, Response):
            return paging
        followed = [self.playlists[pid] for pid in caller.followed_playlists if pid in self.playlists]
        entries = [self._playlist_json(request, p, simplified=True) for p in [*caller.playlists, *followed]]
        return json_response(self._page(request, entries, *paging))

    def playlist(self, request: Request, playlist_id: str) -> Response:
        caller = self._caller(request, user=False)
        if isinstance(caller, Response):
            return caller
        found = self._find_playlist(playlist_id)
        if isinstance(found, Response):
            return found
        body = self._playlist_json(request, found, simplified=True)
        body.pop("items")
        body.pop("tracks")
        if caller is not None and found.readable_by(caller.id):
            # Development Mode embeds the first page of items only for owners and collaborators (rule 2).
            rows = [self._row_json(request, row) for row in found.rows]
            page = self._page(request, rows, 100, 0)
            page["href"] = page["href"].replace(f"/playlists/{found.id}", f"/playlists/{found.id}/items")
            page["next"] = page["next"] and page["next"].replace(
                f"/playlists/{found.id}", f"/playlists/{found.id}/items"
            )
            body["items"] = body["tracks"] = page
        return json_response(body)

    def playlist_items(self, request: Request, playlist_id: str) -> Response:
        caller = self._caller(request, user=False)
        if isinstance(caller, Response):
            return caller
        found = self._find_playlist(playlist_id)
        if isinstance(found, Response):
            return found
        if caller is None or not found.readable_by(caller.id):
            return api_error(403, "Forbidden")
        paging = self._paging(request, found.rows)
        if isinstance(paging, Response):
            return paging
        rows = [self._row_json(request, row) for row in found.rows]
        keep = {"additional_types": request.args["additional_types"]} if "additional_types" in request.args else {}
        return json_response(self._page(request, rows, *paging, keep))

    def saved_tracks(self, request: Request) -> Response:
        caller = self._caller(request, scope="user-library-read")
        if not isinstance(caller, UserData):
            return caller or api_error(403, "Forbidden")
        paging = self._paging(request, caller.saved)
        if isinstance(paging, Response):
            return paging
        rows = [
            {"added_at": row.added_at, "track": self._track_json(request, row.track)}
            for row in caller.saved
            if row.track
        ]
        return json_response(self._page(request, rows, *paging))

    def following(self, request: Request) -> Response:
        caller = self._caller(request, scope="user-follow-read")
        if not isinstance(caller, UserData):
            return caller or api_error(403, "Forbidden")
        if request.args.get("type") != "artist":
            return api_error(400, "Bad request.")
        paging = self._paging(request, [])
        if isinstance(paging, Response):
            return paging
        limit = paging[0]
        artists = caller.followed_artists
        after = request.args.get("after")
        start = next((i + 1 for i, a in enumerate(artists) if a.id == after), 0) if after else 0
        chunk = artists[start : start + limit]
        more = start + limit < len(artists)
        base = request.host_url.rstrip("/") + request.path
        cursor = chunk[-1].id if more and chunk else None
        body = {
            "href": f"{base}?{urlencode({'type': 'artist', 'limit': limit, **({'after': after} if after else {})})}",
            "limit": limit,
            "total": len(artists),
            "cursors": {"after": cursor},
            "next": f"{base}?{urlencode({'type': 'artist', 'limit': limit, 'after': cursor})}" if cursor else None,
            "items": [self._artist_json(request, a.id, a.name) | {"images": []} for a in chunk],
        }
        return json_response({"artists": body})

    def track(self, request: Request, track_id: str) -> Response:
        caller = self._caller(request, user=False)
        if isinstance(caller, Response):
            return caller
        if not _ID.fullmatch(track_id):
            return api_error(400, "Invalid base62 id")
        found = self.tracks.get(track_id)
        if found is None:
            return api_error(404, "Resource not found")
        return json_response(self._track_json(request, found))

    def _album_tracks(self, album_id: str) -> list[TrackData] | Response:
        if not _ID.fullmatch(album_id):
            return api_error(400, "Invalid base62 id")
        tracks = sorted((t for t in self.tracks.values() if t.album.id == album_id), key=lambda t: t.track_number)
        return tracks or api_error(404, "Resource not found")

    def _simplified_track_json(self, request: Request, track: TrackData) -> dict[str, Any]:
        body = self._track_json(request, track)
        del body["album"], body["external_ids"]  # simplified tracks carry neither (contract rule 6)
        return body

    def album(self, request: Request, album_id: str) -> Response:
        caller = self._caller(request, user=False)
        if isinstance(caller, Response):
            return caller
        tracks = self._album_tracks(album_id)
        if isinstance(tracks, Response):
            return tracks
        body = self._track_json(request, tracks[0])["album"]
        rows = [self._simplified_track_json(request, t) for t in tracks]
        page = self._page(request, rows, PAGE_MAX, 0)
        page["href"] = page["href"].replace(f"/albums/{album_id}", f"/albums/{album_id}/tracks")
        page["next"] = page["next"] and page["next"].replace(f"/albums/{album_id}", f"/albums/{album_id}/tracks")
        body.update(copyrights=[], external_ids={}, genres=[], tracks=page)
        return json_response(body)

    def album_tracks(self, request: Request, album_id: str) -> Response:
        caller = self._caller(request, user=False)
        if isinstance(caller, Response):
            return caller
        tracks = self._album_tracks(album_id)
        if isinstance(tracks, Response):
            return tracks
        paging = self._paging(request, tracks)
        if isinstance(paging, Response):
            return paging
        return json_response(self._page(request, [self._simplified_track_json(request, t) for t in tracks], *paging))

    def search(self, request: Request) -> Response:
        caller = self._caller(request, user=False)
        if isinstance(caller, Response):
            return caller
        query = request.args.get("q", "").strip()
        if not query:
            return api_error(400, "No search query")
        types = [t for t in request.args.get("type", "").split(",") if t]
        if not types:
            return api_error(400, "Missing parameter type")
        paging = self._paging(request, [], default=SEARCH_DEFAULT, maximum=SEARCH_MAX)
        if isinstance(paging, Response):
            return paging
        limit, offset = paging
        if offset > 1000:
            return api_error(400, "Invalid offset")
        body: dict[str, Any] = {}
        for kind in types:
            hits = (
                [self._track_json(request, t) for t in _search(self.tracks.values(), query)] if kind == "track" else []
            )
            body[f"{kind}s"] = self._page(request, hits, limit, offset, {"q": query, "type": ",".join(types)})
        return json_response(body)

    def embed_playlist(self, request: Request, playlist_id: str) -> Response:
        """The public embed page (contract §11): HTML carrying `__NEXT_DATA__`, at most 50 rows; private playlists
        and unknown ids are a 404 page."""
        found = self.playlists.get(playlist_id)
        if found is None or not found.public:
            return Response("<!doctype html><title>Page not found</title>", status=404, mimetype="text/html")
        if playlist_id in self.dead_embeds:
            props: dict[str, Any] = {"status": 404, "forbiddenReason": "ENTITY_REMOVED"}
        else:
            rows = [self._embed_row(row) for row in found.rows if row.track][:EMBED_ROWS]
            owner = self.users.get(found.owner_id)
            entity: dict[str, Any] = {
                "type": "playlist", "id": found.id, "uri": f"spotify:playlist:{found.id}", "name": found.name,
                "title": found.name, "subtitle": owner.display_name if owner else found.owner_id,
                "releaseDate": None, "isPlayable": True, "visualIdentity": {"image": []},
            }  # fmt: skip
            entity["tracks" if self.embed_shape_changed else "trackList"] = rows
            props = {"state": {"data": {"entity": entity}, "settings": {"session": {"isAnonymous": True}}}}
        data = json.dumps({"props": {"pageProps": props}, "page": "/embed/playlist/[id]"})
        html = (
            '<!doctype html><html><head><title>Spotify Embed</title></head><body><div id="__next"></div>'
            f'<script id="__NEXT_DATA__" type="application/json">{data}</script></body></html>'
        )
        return Response(html, mimetype="text/html")

    @staticmethod
    def _embed_row(row: Row) -> dict[str, Any]:
        track = row.track
        assert track is not None
        return {
            "uri": f"spotify:track:{track.id}", "uid": track.id[:20], "title": track.name,
            "subtitle": ",\u00a0".join(a.name for a in track.artists), "duration": track.duration_ms,
            "isExplicit": False, "isPlayable": True, "playabilityReason": "PLAYABLE", "entityType": "track",
            "audioPreview": None, "contentRatings": {"labels": []},
        }  # fmt: skip

    def _find_playlist(self, playlist_id: str) -> PlaylistData | Response:
        if not _ID.fullmatch(playlist_id):
            return api_error(400, "Invalid base62 id")
        found = self.playlists.get(playlist_id)
        if found is None or found.editorial:
            return api_error(404, "Resource not found")
        return found

    # ---- JSON shapes (§7) --------------------------------------------------------------------------------------

    @staticmethod
    def _url(request: Request, kind: str, item_id: str) -> str:
        return f"{request.host_url.rstrip('/')}/v1/{kind}s/{item_id}"

    def _user_json(self, request: Request, user_id: str, display_name: str | None) -> dict[str, Any]:
        return {
            "id": user_id,
            "display_name": display_name,
            "type": "user",
            "uri": f"spotify:user:{user_id}",
            "href": self._url(request, "user", user_id),
            "external_urls": {"spotify": f"https://open.spotify.com/user/{user_id}"},
            "images": [],
        }

    def _artist_json(self, request: Request, artist_id: str, name: str) -> dict[str, Any]:
        return {
            "id": artist_id,
            "name": name,
            "type": "artist",
            "uri": f"spotify:artist:{artist_id}",
            "href": self._url(request, "artist", artist_id),
            "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
        }

    def _track_json(self, request: Request, track: TrackData) -> dict[str, Any]:
        album = track.album
        return {
            "id": track.id,
            "uri": f"spotify:track:{track.id}",
            "href": self._url(request, "track", track.id),
            "type": "track",
            "name": track.name,
            "artists": [self._artist_json(request, a.id, a.name) for a in track.artists],
            "album": {
                "id": album.id,
                "uri": f"spotify:album:{album.id}",
                "href": self._url(request, "album", album.id),
                "type": "album",
                "album_type": album.album_type,
                "name": album.name,
                "total_tracks": album.total_tracks,
                "release_date": album.release_date,
                "release_date_precision": album.release_date_precision,
                "artists": [self._artist_json(request, a.id, a.name) for a in album.artists],
                "images": [
                    {"url": f"https://i.scdn.co/image/ab67616d0000b273{album.id}", "height": 640, "width": 640},
                    {"url": f"https://i.scdn.co/image/ab67616d00001e02{album.id}", "height": 300, "width": 300},
                    {"url": f"https://i.scdn.co/image/ab67616d00004851{album.id}", "height": 64, "width": 64},
                ],
                "external_urls": {"spotify": f"https://open.spotify.com/album/{album.id}"},
            },
            "disc_number": track.disc_number,
            "track_number": track.track_number,
            "duration_ms": track.duration_ms,
            "explicit": False,
            "is_local": False,
            "external_ids": {"isrc": track.isrc},
            "external_urls": {"spotify": f"https://open.spotify.com/track/{track.id}"},
        }

    def _row_json(self, request: Request, row: Row) -> dict[str, Any]:
        item: dict[str, Any] | None = None
        if row.track:
            item = self._track_json(request, row.track)
        elif row.local:
            local = row.local
            fields = [local.artist, local.album, local.title, str(local.seconds)]
            item = {
                "type": "track",
                "id": None,
                "uri": "spotify:local:" + ":".join(f.replace(" ", "+") for f in fields),
                "name": local.title,
                "duration_ms": local.seconds * 1000,
                "is_local": True,
                "artists": [
                    {"id": None, "name": local.artist, "type": "artist", "uri": None, "href": None, "external_urls": {}}
                ],
                "album": {"id": None, "name": local.album, "type": "album", "uri": None, "href": None,
                          "album_type": None, "artists": [], "images": [], "release_date": None,
                          "release_date_precision": None},
                "external_ids": {},
                "external_urls": {},
                "disc_number": 0,
                "track_number": 0,
                "explicit": False,
            }  # fmt: skip
        elif row.episode:
            episode_id = hashlib.sha256(row.episode.encode()).hexdigest()[:22]
            item = {"type": "episode", "id": episode_id, "name": row.episode, "duration_ms": 2710000}
        return {
            "added_at": row.added_at,
            "added_by": None if item is None else {"id": DEMO_USER, "type": "user", "uri": f"spotify:user:{DEMO_USER}"},
            "is_local": row.local is not None,
            "item": item,
            "track": item,  # deprecated duplicate, still sent during the deprecation window
        }

    def _playlist_json(self, request: Request, playlist: PlaylistData, *, simplified: bool) -> dict[str, Any]:
        owner = self.users.get(playlist.owner_id)
        reference = {"href": self._url(request, "playlist", playlist.id) + "/items", "total": len(playlist.rows)}
        return {
            "id": playlist.id,
            "uri": f"spotify:playlist:{playlist.id}",
            "href": self._url(request, "playlist", playlist.id),
            "type": "playlist",
            "name": playlist.name,
            "description": playlist.description,
            "public": playlist.public,
            "collaborative": playlist.collaborative,
            "snapshot_id": playlist.snapshot_id,
            "owner": self._user_json(request, playlist.owner_id, owner.display_name if owner else None),
            "images": [],
            "external_urls": {"spotify": f"https://open.spotify.com/playlist/{playlist.id}"},
            "items": reference,
            "tracks": dict(reference),
        }


def _search(tracks: Any, query: str) -> list[TrackData]:
    """A small version of Spotify's query grammar: free words plus `artist:`, `track:`, `album:`, `year:`
    (`1999` or `1990-1999`) and `isrc:` filters, values quoted when they hold spaces. Case-insensitive substring
    matching stands in for Spotify's fuzzy ranking."""
    try:
        words = shlex.split(query)
    except ValueError:
        words = query.split()
    hits: list[TrackData] = []
    for track in tracks:
        names = " ".join(a.name for a in track.artists).lower()
        haystack = f"{track.name} {names} {track.album.name}".lower()
        ok = True
        for word in words:
            field, _, value = word.partition(":") if ":" in word else ("", "", word)
            value = value.lower()
            if field == "artist":
                ok = value in names
            elif field == "track":
                ok = value in track.name.lower()
            elif field == "album":
                ok = value in track.album.name.lower()
            elif field == "isrc":
                ok = value == track.isrc.lower()
            elif field == "year":
                low, _, high = value.partition("-")
                year = track.album.release_date[:4]
                ok = low <= year <= (high or low)
            elif field:
                ok = word.lower() in haystack
            else:
                ok = value in haystack
            if not ok:
                break
        if ok:
            hits.append(track)
    return hits


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--client-id", default=DEMO_CLIENT_ID, help="the accepted client id")
    parser.add_argument("--client-secret", default="", help="the accepted client secret (empty: PKCE only)")
    parser.add_argument(
        "--redirect-uri", action="append", dest="redirect_uris", help="a registered redirect URI (repeatable)"
    )
    parser.add_argument("--access-token-ttl", type=int, default=3600, help="access-token lifetime in seconds")


def build(args: argparse.Namespace) -> SpotifyEmulator:
    return SpotifyEmulator(
        client_id=getattr(args, "client_id", DEMO_CLIENT_ID),
        client_secret=getattr(args, "client_secret", ""),
        redirect_uris=getattr(args, "redirect_uris", None) or DEFAULT_REDIRECT_URIS,
        access_token_ttl_s=getattr(args, "access_token_ttl", 3600),
    )
