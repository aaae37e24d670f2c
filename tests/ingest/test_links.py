"""Spotify links in a FREE import, read into a follow-up import (PRO API, or the public page when switched on)."""

from __future__ import annotations

import pytest

from emulators.spotify import sid
from ingest.models import ImportJob, SpotifyAccount
from ingest.services import links
from library import runtime

pytestmark = pytest.mark.django_db(transaction=True)

KARMA_POLICE = sid("track:Radiohead:OK Computer:Karma Police")
KID_A = sid("album:Radiohead:Kid A")
NIGHT_DRIVE = sid("playlist:hubuser:Night Drive")
MANCHESTER = sid("playlist:indiefan:Manchester 1979")  # public, someone else's
RADIOHEAD = sid("artist:Radiohead")
TEXT = "\n".join([
    "Joy Division - Atmosphere",
    f"https://open.spotify.com/track/{KARMA_POLICE}",
    f"https://open.spotify.com/album/{KID_A}",
    f"https://open.spotify.com/playlist/{NIGHT_DRIVE}",
    f"https://open.spotify.com/playlist/{MANCHESTER}",
    f"https://open.spotify.com/artist/{RADIOHEAD}",
])  # fmt: skip


def import_text(client) -> ImportJob:
    response = client.post("/api/v1/imports/", {"text": TEXT}, format="json")
    assert response.status_code == 207
    return ImportJob.objects.get(pk=response.json()["job"]["id"])


def details(job: ImportJob) -> dict[str, str]:
    return dict(job.items.filter(reason="unsupported").values_list("raw", "detail"))


def test_pro_reads_track_album_and_own_playlist_links(authed_client, connected):
    job = import_text(authed_client)

    follow_up = ImportJob.objects.get(format=links.LINKS_FORMAT)
    assert (follow_up.status, follow_up.partial, follow_up.total) == ("completed", False, 1 + 10 + 9)
    titles = list(follow_up.items.order_by("line").values_list("line", "title")[:3])
    assert titles == [(1, "Karma Police"), (2, "Everything in Its Right Place"), (3, "Kid A")]
    assert follow_up.items.get(line=1).isrc == "GBHMY9700006"
    assert follow_up.items.get(line=2).album == "Kid A"
    read = f"read from Spotify into import {follow_up.pk}"
    assert details(job) == {
        f"https://open.spotify.com/track/{KARMA_POLICE}": read,
        f"https://open.spotify.com/album/{KID_A}": read,
        f"https://open.spotify.com/playlist/{NIGHT_DRIVE}": read,
        f"https://open.spotify.com/playlist/{MANCHESTER}": links.NOT_YOURS,
        f"https://open.spotify.com/artist/{RADIOHEAD}": "a Spotify artist link is not read from a file or pasted "
        "text; export the tracks to a file instead",
    }


def test_public_links_read_someone_elses_public_playlist(authed_client, connected):
    runtime.set_value("spotify.public_links", True, by="test")

    job = import_text(authed_client)

    follow_up = ImportJob.objects.get(format=links.LINKS_FORMAT)
    assert (follow_up.partial, follow_up.total) == (True, 1 + 10 + 9 + 6)
    assert details(job)[f"https://open.spotify.com/playlist/{MANCHESTER}"] == (
        f"read from Spotify into import {follow_up.pk}"
    )


def test_without_pro_or_public_links_nothing_is_read(authed_client, spotify_emulator):
    import_text(authed_client)

    assert not ImportJob.objects.filter(format=links.LINKS_FORMAT).exists()
    assert spotify_emulator.api_calls == 0


def test_a_429_writes_nothing_and_the_links_are_read_later(authed_client, connected, spotify_emulator):
    spotify_emulator.rate_limit_next(1, retry_after=120)
    job = import_text(authed_client)  # the expansion met the 429
    assert not ImportJob.objects.filter(format=links.LINKS_FORMAT).exists()

    parked = links.expand_links(job_id=job.pk)
    SpotifyAccount.objects.update(rate_limited_until=None)  # Retry-After has passed
    later = links.expand_links(job_id=job.pk)

    assert parked > 100
    assert later == 0
    assert ImportJob.objects.filter(format=links.LINKS_FORMAT).count() == 1
    assert links.expand_links(job_id=job.pk) == 0  # read links are not read twice
    assert ImportJob.objects.filter(format=links.LINKS_FORMAT).count() == 1
