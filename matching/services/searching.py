"""Searching Soulseek and choosing files: the search poller, ranking with `matching.scoring`, the candidates a
download will try, and what each peer's transfers did for us.

Searches are a state machine advanced by `poll_searches` (beat): due downloads are grouped (one album search serves
every wanted track of that album), each query goes through the shared throttle (or the response cache), and when
slskd finalises a search its files are ranked for every download it serves.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from harmony.clients import slskd
from harmony.clients.http import ServiceUnavailable
from harmony.locks import pass_lock
from library import runtime
from library.models import Download, DownloadAttempt, Track
from matching import query, scoring, throttle
from matching.models import Candidate, Search
from matching.services.peers import current_policy, peer_records

logger = logging.getLogger(__name__)


SEARCH_TIMEOUT_MS = 15_000
SEARCH_MAX_RUNNING = timedelta(seconds=120)  # then it is stopped (contracts/slskd.md: cap the wait near 90 s)
DUE_PER_PASS = 60
STORED_REJECTS = 60
ZERO_RESULT_STREAK_KEY = "harmony:zero-result-searches"
SUSPECTED_BAN_STREAK = 5
SUSPECTED_BAN_PAUSE_S = 30 * 60
LOGGED_OUT_PAUSE_S = 60
PERMANENT_OUTCOMES = {
    DownloadAttempt.Outcome.REJECTED,
    DownloadAttempt.Outcome.ABORTED,
    DownloadAttempt.Outcome.VERIFY_FAILED,
}


# ---------------------------------------------------------------------------------------------------------------
# Candidates from slskd data.


def candidates_from_search(responses: Sequence[slskd.SearchResponse]) -> list[scoring.Candidate]:
    pool = []
    for response in responses:
        for file, locked in [(f, False) for f in response.files] + [(f, True) for f in response.locked_files]:
            pool.append(_candidate(file, response, locked=locked))
    return pool


def _candidate(file: slskd.SearchFile, response: slskd.SearchResponse, *, locked: bool) -> scoring.Candidate:
    return scoring.Candidate(
        username=response.username,
        filename=file.filename,
        size=file.size,
        length_s=file.length,
        bit_rate=file.bit_rate,
        sample_rate=file.sample_rate,
        bit_depth=file.bit_depth,
        is_variable_bit_rate=file.is_variable_bit_rate,
        locked=locked,
        has_free_upload_slot=response.has_free_upload_slot,
        queue_length=response.queue_length,
        upload_speed=response.upload_speed,
    )


def wanted_for(track: Track) -> scoring.Wanted:
    return scoring.Wanted(
        artist=track.artist,
        title=track.title,
        album=track.album or None,
        year=track.year,
        duration_s=track.duration_s,
        isrc=track.isrc or None,
        artists=tuple(track.artists or [track.artist]),
    )


def search_plan(track: Track, *, blocked_artists: Sequence[str]) -> list[str]:
    """The queries tried for a track, in order: the album (serves the whole album), then the track's own."""
    plan = []
    if track.album:
        plan.append(query.album_query(track.album_artist or track.artist, track.album, blocked_artists=blocked_artists))
    for text in query.track_queries(track.artist, track.title, track.album, blocked_artists=blocked_artists):
        if text not in plan:
            plan.append(text)
    return plan


# ---------------------------------------------------------------------------------------------------------------
# The poller.


def poll_searches(*, client: slskd.SlskdClient | None = None) -> dict[str, int]:
    """One pass: advance running searches, then start the searches that are due (within the throttle).

    Side effects: slskd searches (create, read, stop, delete), Search/Candidate/Download writes, transfers started.
    """
    if client is None and not settings.SLSKD_URL:
        return {"not_configured": 1}
    with pass_lock("poll-searches", ttl=60) as lock:
        if lock is None:
            return {"skipped": 1}
        client = client or slskd.from_settings()
        counts: Counter[str] = Counter()
        try:
            counts["advanced"] = advance_running_searches(client=client)
            lock.refresh()
            counts["started"] = start_due_searches(client=client)
        except ServiceUnavailable as exc:
            logger.warning("search poll stopped early: %s", exc)
            counts["unavailable"] = 1
        return dict(counts)


def advance_running_searches(*, client: slskd.SlskdClient) -> int:
    finished = 0
    for search in Search.objects.filter(status=Search.Status.RUNNING, slskd_id__isnull=False).order_by("id"):
        if _advance_search(search, client=client):
            finished += 1
    return finished


def _advance_search(search: Search, *, client: slskd.SlskdClient) -> bool:
    assert search.slskd_id is not None
    info = client.get_search(search.slskd_id)
    now = timezone.now()
    if info is None:
        _close_search(search, status=Search.Status.FAILED, detail="slskd no longer knows this search")
        _release_downloads(search, error="the search vanished from slskd")
        return True
    if not info.results_ready:
        if now - search.created_at > SEARCH_MAX_RUNNING and not info.is_complete:
            client.stop_search(search.slskd_id)
        Search.objects.filter(pk=search.pk).update(
            state=info.state, response_count=info.response_count, file_count=info.file_count
        )
        return False
    pool = candidates_from_search(client.search_responses(search.slskd_id))
    search.files = [asdict(c) for c in pool]
    search.state = info.state
    search.response_count = info.response_count
    search.file_count = len(pool)
    _close_search(search, status=Search.Status.COMPLETED)
    try:
        client.delete_search(search.slskd_id)  # slskd keeps searches forever otherwise
    except ServiceUnavailable:
        logger.info("could not delete search %s from slskd; it stays there", search.slskd_id)
    _note_result_count(info.response_count, search)
    resolve_downloads(search=search, client=client)
    return True


def _close_search(search: Search, *, status: str, detail: str = "") -> None:
    search.status = status
    search.ended_at = timezone.now()
    search.error_detail = detail
    search.save()


def _note_result_count(response_count: int, search: Search) -> None:
    """A run of searches that all find nothing is how a Soulseek ban looks from here (it is silent)."""
    if response_count:
        cache.set(ZERO_RESULT_STREAK_KEY, 0, timeout=None)
        return
    streak = (cache.get(ZERO_RESULT_STREAK_KEY) or 0) + 1
    cache.set(ZERO_RESULT_STREAK_KEY, streak, timeout=None)
    if streak >= SUSPECTED_BAN_STREAK:
        throttle.pause_searching(
            reason="suspected_ban",
            detail=f"{streak} searches in a row found nothing (last: {search.query!r}); the Soulseek server may be "
            "ignoring this account's searches",
            seconds=SUSPECTED_BAN_PAUSE_S,
        )
        cache.set(ZERO_RESULT_STREAK_KEY, 0, timeout=None)


def _release_downloads(search: Search, *, error: str) -> None:
    Download.objects.filter(search=search, status=Download.Status.SEARCHING).update(
        status=Download.Status.WANTED, next_attempt_at=timezone.now() + timedelta(seconds=30), error_detail=error
    )


def start_due_searches(*, client: slskd.SlskdClient) -> int:
    """Start searches for due downloads, grouping an album's tracks into one search, while the throttle allows."""
    if throttle.current_pause() is not None:
        return 0
    now = timezone.now()
    due = list(
        Download.objects.filter(
            status__in=[Download.Status.WANTED, Download.Status.FAILED], next_attempt_at__lte=now
        ).select_related("track")[:DUE_PER_PASS]
    )
    if not due:
        return 0
    state = client.server_state()
    if not (state.is_connected and state.is_logged_in):
        throttle.pause_searching(
            reason="logged_out",
            detail=f"slskd is not logged in to Soulseek ({state.state})",
            seconds=LOGGED_OUT_PAUSE_S,
        )
        return 0
    blocked = runtime.get("search.blocked_artists")
    ttl = timedelta(seconds=int(runtime.get("search.cache_ttl_s")))
    started = 0
    for text, group in _group_by_query(due, blocked_artists=blocked):
        claimed = _claim(group)
        if not claimed:
            continue
        running = Search.objects.filter(query=text, status=Search.Status.RUNNING, wanted__isnull=True).first()
        if running is not None:  # a sibling's search with this query is under way: its results serve this one too
            Download.objects.filter(pk__in=[d.pk for d in claimed]).update(search=running)
            continue
        cached = Search.objects.filter(query=text, status=Search.Status.COMPLETED, ended_at__gte=now - ttl).first()
        if cached is not None:
            Download.objects.filter(pk__in=[d.pk for d in claimed]).update(search=cached)
            resolve_downloads(search=cached, client=client, downloads=claimed)
            continue
        wait = throttle.acquire_search_slot()
        if wait > 0:
            _unclaim(claimed)
            logger.info("search budget spent; next slot in %.0f s", wait)
            break
        search = Search.objects.create(query=text, slskd_id=uuid.uuid4())
        Download.objects.filter(pk__in=[d.pk for d in claimed]).update(search=search)
        try:
            client.create_search(text, search_id=search.slskd_id, timeout_ms=SEARCH_TIMEOUT_MS)
        except slskd.SlskdRejected as exc:
            _close_search(search, status=Search.Status.FAILED, detail=str(exc))
            resolve_downloads(search=search, client=client, downloads=claimed)
            continue
        except ServiceUnavailable as exc:
            _close_search(search, status=Search.Status.FAILED, detail=str(exc))
            _release_downloads(search, error=str(exc))
            raise
        started += 1
    return started


def _group_by_query(due: list[Download], *, blocked_artists: Sequence[str]) -> list[tuple[str, list[Download]]]:
    """Downloads that share their next query share one search: the album query serves a whole album."""
    from library.services import transfers

    groups: dict[str, list[Download]] = defaultdict(list)
    for download in due:
        plan = search_plan(download.track, blocked_artists=blocked_artists)
        if not plan:  # every word is one letter long: the Soulseek server would drop them all
            transfers.fail_download(
                download_id=download.pk, code=Download.ErrorCode.NOT_FOUND,
                detail="nothing searchable: Soulseek ignores one-letter words; search for it by hand",
            )  # fmt: skip
            continue
        groups[plan[min(download.search_variant, len(plan) - 1)]].append(download)
    # The most wanted first: the group holding the highest priority, then the largest group.
    return sorted(groups.items(), key=lambda item: (-max(d.priority for d in item[1]), -len(item[1])))


def _claim(downloads: list[Download]) -> list[Download]:
    """Only downloads this pass moves from wanted/failed to searching are ours (another worker may race us)."""
    claimed = []
    for download in downloads:
        moved = Download.objects.filter(
            pk=download.pk, status__in=[Download.Status.WANTED, Download.Status.FAILED]
        ).update(status=Download.Status.SEARCHING, updated_at=timezone.now())
        if moved:
            download.status = Download.Status.SEARCHING
            claimed.append(download)
    return claimed


def _unclaim(downloads: list[Download]) -> None:
    Download.objects.filter(pk__in=[d.pk for d in downloads], status=Download.Status.SEARCHING).update(
        status=Download.Status.WANTED
    )


# ---------------------------------------------------------------------------------------------------------------
# From a finished search to candidates and a transfer.


def resolve_downloads(*, search: Search, client: slskd.SlskdClient, downloads: list[Download] | None = None) -> None:
    """Rank the search's files for each download it serves, store the candidates, start the best transfer; a
    download with nothing eligible moves on to its next query, or fails with the reasons."""
    from library.services import transfers

    if downloads is None:
        downloads = list(search.downloads.filter(status=Download.Status.SEARCHING).select_related("track"))
    if not downloads:
        return
    pool = [scoring.Candidate(**item) for item in search.files]
    policy = current_policy()
    peers = peer_records({c.username for c in pool})
    rankings = {d.pk: scoring.rank(wanted_for(d.track), pool, policy=policy, peers=peers) for d in downloads}
    if len(downloads) > 1:
        rankings = _prefer_album_folder(downloads, rankings, pool, client=client, policy=policy, peers=peers)
    for download in downloads:
        ranking = rankings[download.pk]
        store_candidates(download=download, search=search, ranking=ranking)
        if ranking.ranked:
            transfers.start_next_candidate(download_id=download.pk, client=client)
        else:
            _nothing_eligible(download, ranking, pool_size=len(pool))


def store_candidates(*, download: Download, search: Search | None, ranking: scoring.Ranking) -> None:
    """Replace the download's untried candidates with this ranking (a file that failed for good is not retried).

    Side effects: deletes and inserts Candidate rows.
    """
    max_candidates = int(runtime.get("acquisition.max_candidates"))
    failed_for_good = set(download.attempts.filter(outcome__in=PERMANENT_OUTCOMES).values_list("username", "filename"))
    ranked = [s for s in ranking.ranked if (s.candidate.username, s.candidate.filename) not in failed_for_good]
    rows = [
        Candidate(
            download=download, search=search, username=s.candidate.username, filename=s.candidate.filename,
            size=s.candidate.size, length_s=s.candidate.length_s, bit_rate=s.candidate.bit_rate, rank=position,
            score=s.score, tier=s.tier, breakdown=s.breakdown,
        )
        for position, s in enumerate(ranked[: max_candidates * 3], start=1)
    ] + [
        Candidate(
            download=download, search=search, username=r.candidate.username, filename=r.candidate.filename,
            size=r.candidate.size, length_s=r.candidate.length_s, bit_rate=r.candidate.bit_rate,
            reasons=[str(reason) for reason in r.reasons], breakdown=r.detail,
        )
        for r in ranking.rejected[:STORED_REJECTS]
    ]  # fmt: skip
    with transaction.atomic():
        download.candidates.filter(tried=False).delete()
        Candidate.objects.bulk_create(rows)


def _nothing_eligible(download: Download, ranking: scoring.Ranking, *, pool_size: int) -> None:
    from library.services import transfers

    plan = search_plan(download.track, blocked_artists=runtime.get("search.blocked_artists"))
    reasons = Counter(str(reason) for rejected in ranking.rejected for reason in rejected.reasons)
    summary = ", ".join(f"{code}×{n}" for code, n in reasons.most_common(6))
    if download.search_variant + 1 < len(plan):
        Download.objects.filter(pk=download.pk, status=Download.Status.SEARCHING).update(
            status=Download.Status.WANTED,
            search_variant=F("search_variant") + 1,
            next_attempt_at=timezone.now(),
            error_detail=f"query {plan[download.search_variant]!r}: nothing eligible ({summary or 'no files'})",
        )
        return
    if not ranking.rejected:
        code, detail = Download.ErrorCode.NOT_FOUND, f"no file found by {len(plan)} queries"
    elif all(
        set(r.reasons) <= {scoring.Reason.BELOW_FLOOR, scoring.Reason.NOT_IN_LADDER}
        for r in ranking.rejected
        if scoring.Reason.BELOW_FLOOR in r.reasons or scoring.Reason.NOT_IN_LADDER in r.reasons
    ) and any(
        scoring.Reason.BELOW_FLOOR in r.reasons or scoring.Reason.NOT_IN_LADDER in r.reasons for r in ranking.rejected
    ):
        code, detail = Download.ErrorCode.BELOW_FLOOR, f"only copies below the quality floor ({summary})"
    else:
        code, detail = Download.ErrorCode.NO_ELIGIBLE, f"{pool_size} files, none acceptable: {summary}"
    transfers.fail_download(download_id=download.pk, code=code, detail=detail)


def _folder(filename: str) -> str:
    separator = "/" if "/" in filename else "\\"
    return filename.rpartition(separator)[0]


def _prefer_album_folder(
    downloads: list[Download],
    rankings: dict[int, scoring.Ranking],
    pool: list[scoring.Candidate],
    *,
    client: slskd.SlskdClient,
    policy: scoring.Policy,
    peers: dict[str, scoring.PeerRecord],
) -> dict[int, scoring.Ranking]:
    """SELECTION_POLICY §5: one folder from one peer for a whole album. Within each track's best tier, files from
    the folder holding most of the album's tracks go first; when that folder showed only some of them, it is
    browsed so the rest come from it too."""
    coverage: Counter[tuple[str, str]] = Counter()
    for ranking in rankings.values():
        if ranking.pick is None:
            continue
        best_tier = ranking.pick.tier
        for place in {(s.candidate.username, _folder(s.candidate.filename)) for s in ranking.ranked
                      if s.tier == best_tier and not s.poor_availability}:  # fmt: skip
            coverage[place] += 1
    if not coverage:
        return rankings
    (username, folder), covered = coverage.most_common(1)[0]
    if covered < len(downloads):
        browsed = _browse(client, username, folder, pool)
        if browsed:
            pool = pool + browsed
            for download in downloads:
                if not any(_folder(s.candidate.filename) == folder for s in rankings[download.pk].ranked):
                    rankings[download.pk] = scoring.rank(wanted_for(download.track), pool, policy=policy, peers=peers)
    for download in downloads:
        ranking = rankings[download.pk]
        if ranking.pick is None:
            continue
        best_tier = ranking.pick.tier
        preferred = [s for s in ranking.ranked if s.tier == best_tier and s.candidate.username == username
                     and _folder(s.candidate.filename) == folder and not s.poor_availability]  # fmt: skip
        if preferred:
            rest = [s for s in ranking.ranked if s not in preferred]
            rankings[download.pk] = replace(ranking, ranked=preferred + rest)
    return rankings


def _browse(
    client: slskd.SlskdClient, username: str, folder: str, pool: list[scoring.Candidate]
) -> list[scoring.Candidate]:
    known = {(c.username, c.filename) for c in pool}
    template = next(c for c in pool if c.username == username)
    try:
        listings = client.browse_directory(username, folder)
    except (ServiceUnavailable, slskd.SlskdRejected) as exc:
        logger.info("could not browse %s of %s: %s", folder, username, exc)
        return []
    return [
        replace(
            template, filename=f.filename, size=f.size, length_s=f.length, bit_rate=f.bit_rate,
            sample_rate=f.sample_rate, bit_depth=f.bit_depth, is_variable_bit_rate=f.is_variable_bit_rate,
            locked=False,
        )
        for listing in listings
        for f in listing.files
        if (username, f.filename) not in known
    ]  # fmt: skip
