"""The metadata services' clients, built from settings: MusicBrainz behind the shared gate, Cover Art Archive
and LRCLIB."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from harmony.clients.coverart import CoverArtClient
from harmony.clients.lrclib import LrclibClient
from harmony.clients.musicbrainz import MusicBrainzClient
from media_enrich.services import ratelimit


@dataclass
class Providers:
    musicbrainz: MusicBrainzClient
    coverart: CoverArtClient
    lrclib: LrclibClient


def build_providers() -> Providers:
    agent = settings.HARMONY_HTTP_USER_AGENT
    return Providers(
        musicbrainz=MusicBrainzClient(
            base_url=settings.HARMONY_MUSICBRAINZ_URL, user_agent=agent, throttle=ratelimit.musicbrainz_gate()
        ),
        coverart=CoverArtClient(base_url=settings.HARMONY_COVERART_URL, user_agent=agent),
        lrclib=LrclibClient(base_url=settings.HARMONY_LRCLIB_URL, client_id=agent),
    )
