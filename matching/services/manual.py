"""Searching by hand (the Soulseek search page and API), picking a file, and the state of the Soulseek side."""

import logging
import uuid
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import transaction

from harmony.clients import slskd
from harmony.clients.http import ServiceUnavailable
from harmony.errors import Conflict, RateLimited, ValidationFailed
from library import runtime
from library.models import Download
from matching import query, scoring, throttle
from matching.models import Candidate, Search
from matching.services.peers import current_policy, peer_records
from matching.services.searching import SEARCH_TIMEOUT_MS, _advance_search, _close_search

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------------------------
# Manual search and pick (the Soulseek search page and API).


def manual_query(*, wanted: scoring.Wanted, text: str = "") -> str:
    """The query a person gave, or the one Harmony would use for this track."""
    text = " ".join(text.split()) or next(iter(query.track_queries(wanted.artist, wanted.title)), "")
    if not query.terms(text):
        raise ValidationFailed(
            "query: nothing searchable; Soulseek ignores one-letter words, give a query with a longer word"
        )
    return text


def start_manual_search(*, text: str, wanted: scoring.Wanted, client: slskd.SlskdClient | None = None) -> Search:
    """Start a search a person asked for; its ranking is read with `manual_ranking` once it has finished.

    Side effects: takes a throttle slot; creates the slskd search and a Search row.
    """
    text = manual_query(wanted=wanted, text=text)
    if (pause := throttle.current_pause()) is not None:
        raise Conflict(
            f"Searching is paused until {pause.until:%H:%M} UTC: {pause.detail}", meta={"reason": pause.reason}
        )
    wait = throttle.acquire_search_slot()
    if wait > 0:
        raise RateLimited("The Soulseek search budget is spent for now.", retry_after_s=int(wait) + 1)
    client = client or slskd.from_settings()
    search = Search.objects.create(query=text, slskd_id=uuid.uuid4(), wanted=asdict(wanted))
    try:
        client.create_search(text, search_id=search.slskd_id, timeout_ms=SEARCH_TIMEOUT_MS)
    except (ServiceUnavailable, slskd.SlskdRejected) as exc:
        _close_search(search, status=Search.Status.FAILED, detail=str(exc))
        raise
    return search


def manual_ranking(search: Search) -> scoring.Ranking | None:
    if search.status != Search.Status.COMPLETED or not search.wanted:
        return None
    wanted = scoring.Wanted(**{**search.wanted, "artists": tuple(search.wanted.get("artists") or ())})
    pool = [scoring.Candidate(**item) for item in search.files]
    return scoring.rank(wanted, pool, policy=current_policy(), peers=peer_records({c.username for c in pool}))


def refresh_manual_search(*, search: Search, client: slskd.SlskdClient | None = None) -> Search:
    """Advance one running manual search now (so its page works even while the poller is not running)."""
    if search.status != Search.Status.RUNNING or search.slskd_id is None:
        return search
    try:
        _advance_search(search, client=client or slskd.from_settings())
    except ServiceUnavailable as exc:
        logger.info("manual search %s not refreshed: %s", search.pk, exc)
    search.refresh_from_db()
    return search


def pick_candidate(
    *, search: Search, username: str, filename: str, client: slskd.SlskdClient | None = None
) -> Download:
    """Download a file a person chose from a manual search, ahead of anything Harmony would pick.

    Side effects: may create the Track and Download; a Candidate ranked 0; starts the transfer.
    """
    from library.services import transfers, wants

    if not search.wanted:
        raise Conflict("Only a manual search's results can be picked.")
    chosen = next((f for f in search.files if f["username"] == username and f["filename"] == filename), None)
    if chosen is None:
        raise Conflict("That file is not among this search's results.", meta={"username": username})
    wanted = search.wanted
    result = wants.want_track(
        artist=wanted["artist"], title=wanted["title"], album=wanted.get("album") or "",
        duration_s=wanted.get("duration_s"), year=wanted.get("year"), search=False,
    )  # fmt: skip
    if result.download is None:
        raise Conflict("This track is already in the library.", meta={"track": result.track.pk})
    download = result.download
    with transaction.atomic():
        locked = Download.objects.select_for_update().get(pk=download.pk)
        if locked.status in (*Download.Status.IN_FLIGHT, Download.Status.SEARCHING, Download.Status.COMPLETED):
            raise Conflict(f"This track's download is {locked.status}; cancel it first.", meta={"download": locked.pk})
        Candidate.objects.create(
            download=locked, search=search, username=username, filename=filename, size=int(chosen["size"]),
            length_s=chosen.get("length_s"), bit_rate=chosen.get("bit_rate"), rank=0, tier="manual",
            breakdown={"picked_by": "a person"},
        )  # fmt: skip
        # Out of the search queue: the poller must not search for what a person has just picked.
        Download.objects.filter(pk=locked.pk).update(status=Download.Status.QUEUED, error_code="", error_detail="")
    transfers.start_next_candidate(download_id=download.pk, client=client)
    download.refresh_from_db()
    return download


def slskd_status(*, client: slskd.SlskdClient | None = None) -> dict[str, Any]:
    """What the Soulseek side looks like now, for the API and the dashboard."""
    pause = throttle.current_pause()
    limits = runtime.get_many("search.budget", "search.window_s")
    status: dict[str, Any] = {
        "configured": bool(settings.SLSKD_URL or client),
        "search": {
            "paused": pause is not None,
            "pause_reason": pause.reason if pause else None,
            "pause_detail": pause.detail if pause else None,
            "paused_until": pause.until if pause else None,
            "used": throttle.slots_used(),
            "budget": limits["search.budget"],
            "window_s": limits["search.window_s"],
        },
    }
    if not status["configured"]:
        return status
    client = client or slskd.from_settings(timeout=5)
    try:
        state = client.server_state()
        status.update(
            reachable=True, version=client.application_version(), server_state=state.state,
            logged_in=state.is_connected and state.is_logged_in,
        )  # fmt: skip
    except (ServiceUnavailable, slskd.SlskdRejected) as exc:
        status.update(reachable=False, error=str(exc))
    return status
