"""Spotify links found in a FREE import (a pasted list, an export file), read into a follow-up import.

What is read, and how (the choice the brief left open):
* with a connected Spotify account (PRO): track links (`GET /tracks/{id}`, full track with ISRC), album links
  (`GET /albums/{id}` and its track pages) and playlist links of playlists the user owns or collaborates on;
* with the runtime setting `spotify.public_links` on: other playlist links, from the public embed page (partial);
* anything else (artist links, other people's playlists while the setting is off, no PRO) stays skipped with a
  reason saying what would read it.
All links of one import become one new import (format `spotify_links`, items in link order); each link's item in
the original import then says which import it went to. A 429 parks the account and the whole step runs again later.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from harmony.clients import spotify
from harmony.clients.http import ClientError
from harmony.errors import Conflict, HarmonyError, RateLimited
from ingest import parsers
from ingest.models import ImportItem, ImportJob, SpotifyAccount
from ingest.services import public_links
from ingest.services.imports import link_skip_reason, process_import
from ingest.services.spotify import client_for, entry_rows, park, store_rows

LINKS_FORMAT = "spotify_links"
NOT_YOURS = (
    "not your playlist: Spotify lets apps like this one read only playlists you own or collaborate on; turn on the "
    "runtime setting spotify.public_links to read public ones (about the first 50 tracks), or export it to a file"
)


def should_expand(*, has_links: bool, user: Any) -> bool:
    """Whether an import's links can be read at all: PRO connected, or public links switched on."""
    if not has_links or not getattr(user, "is_authenticated", False):
        return False
    return public_links.enabled() or SpotifyAccount.objects.filter(user=user).exists()


def expand_links(*, job_id: int) -> float:
    """Read the Spotify links skipped by a FREE import into one new import, resolved like any other.

    Returns 0, or the seconds to wait when Spotify answered 429 (nothing is written then).
    Side effects: Spotify calls (API and/or embed page); a new ImportJob with its items, resolved inline; the
    link items' detail in the original import; on 429 the account is parked.
    """
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.created_by is None:
        return 0
    pending = []
    for item in ImportItem.objects.filter(job=job, reason=ImportItem.Reason.UNSUPPORTED).order_by("id"):
        link = parsers.parse_spotify_link(item.raw)
        if link is not None and item.detail == link_skip_reason(link.kind)[:300]:  # not read yet
            pending.append((item, link))
    if not pending:
        return 0
    account = SpotifyAccount.objects.filter(user=job.created_by).first()
    client: spotify.SpotifyClient | None = None
    if account is not None:
        try:
            _, client = client_for(user=job.created_by)
        except RateLimited as exc:
            return float(exc.retry_after_s)
        except Conflict:
            client = None
    read: list[tuple[ImportItem, list[spotify.PlaylistEntry] | list[parsers.ParsedItem]]] = []
    notes: dict[int, str] = {}
    try:
        for item, link in pending:
            outcome = _read(client, link)
            if isinstance(outcome, str):
                notes[item.pk] = outcome
            else:
                read.append((item, outcome))
    except spotify.SpotifyRateLimited as exc:
        wait = exc.retry_after_s or 5.0
        if account is not None:
            park(account=account, retry_after_s=wait)
        return wait
    new: ImportJob | None = None
    with transaction.atomic():
        if read:
            new = _new_import(job, read)
            for item, _ in read:
                notes[item.pk] = f"read from Spotify into import {new.pk}"
        for item, _ in pending:
            if item.pk in notes:
                ImportItem.objects.filter(pk=item.pk).update(detail=notes[item.pk][:300])
    if new is not None:
        process_import(job_id=new.pk)
    return 0


def _read(
    client: spotify.SpotifyClient | None, link: parsers.SpotifyLink
) -> list[spotify.PlaylistEntry] | list[parsers.ParsedItem] | str:
    """A link's tracks, or why it stays skipped."""
    try:
        if client is not None and link.kind == "track":
            return [spotify.PlaylistEntry(track=client.track(link.id), added_at=None)]
        if client is not None and link.kind == "album":
            _, tracks = client.album_tracks(link.id)
            return [spotify.PlaylistEntry(track=track, added_at=None) for track in tracks]
        if link.kind == "playlist" and client is not None:
            playlist = client.playlist(link.id)
            me = client.me().id
            if playlist.owner_id == me or playlist.collaborative:
                return list(client.playlist_entries(link.id))
            if not public_links.enabled():
                return NOT_YOURS
        if link.kind == "playlist" and public_links.enabled():
            embed = public_links.fetch_public_playlist(link=link.url)
            return public_links.playlist_result(embed).items
    except spotify.SpotifyRateLimited:
        raise
    except (spotify.SpotifyRejected, ClientError) as exc:
        return f"Spotify: {exc.message}"
    except HarmonyError as exc:
        return exc.message
    return link_skip_reason(link.kind)


def _new_import(
    job: ImportJob, read: list[tuple[ImportItem, list[spotify.PlaylistEntry] | list[parsers.ParsedItem]]]
) -> ImportJob:
    new = ImportJob.objects.create(
        source=ImportJob.Source.SPOTIFY, format=LINKS_FORMAT, name=f"Spotify links of import {job.pk}"[:300],
        created_by=job.created_by,
        partial=any(rows and isinstance(rows[0], parsers.ParsedItem) for _, rows in read),
    )  # fmt: skip
    items: list[ImportItem] = []
    for _, rows in read:
        if rows and isinstance(rows[0], parsers.ParsedItem):
            parsed = [row for row in rows if isinstance(row, parsers.ParsedItem)]
            batch = [_from_parsed(new, row) for row in parsed]
        else:
            entries = [row for row in rows if isinstance(row, spotify.PlaylistEntry)]
            batch = entry_rows(new, entries, "")
        for row in batch:
            row.line = len(items) + 1  # positions run on across the links, in link order
            items.append(row)
    store_rows(new, items, new.name)
    return new


def _from_parsed(job: ImportJob, row: parsers.ParsedItem) -> ImportItem:
    return ImportItem(
        job=job, line=row.line, raw=f"{row.artist} - {row.title}"[:300], artist=row.artist[:500],
        title=row.title[:500], artists=list(row.artists), duration_s=row.duration_s, spotify_id=row.spotify_id,
        playlist=row.playlist[:300], status=ImportItem.Status.NORMALIZED,
    )  # fmt: skip
