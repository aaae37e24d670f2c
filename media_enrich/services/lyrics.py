"""Synced lyrics from LRCLIB: `/api/get`, then a search ranked by duration (metadata_services.md §5.2).

Found lyrics are kept per track (`Lyrics`): the synced text becomes an `.lrc` sidecar, the plain text is embedded.
An instrumental is recorded and never asked again; a miss is asked again only after `lyrics.miss_ttl_days`.
Timestamps are never made up from plain lyrics.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from harmony.clients import lrclib
from library import runtime
from library.models import Track
from media_enrich.fileops import sidecar_path, write_atomic
from media_enrich.lrc import LrcError, LyricsCandidate, choose_lyrics, clean_title, format_lrc, parse_synced
from media_enrich.models import FinishStep, Lyrics
from media_enrich.services.work import StepError, StepResult, Work, write_current_tags


def _candidate(record: lrclib.LyricsRecord) -> LyricsCandidate:
    return LyricsCandidate(
        id=record.id,
        track=record.track,
        artist=record.artist,
        album=record.album or "",
        duration_s=record.duration_s,
        instrumental=record.instrumental,
        plain=record.plain,
        synced=record.synced,
    )


def lookup(
    client: lrclib.LrclibClient, *, title: str, artist: str, album: str, duration_s: float | None
) -> LyricsCandidate | None:
    """The best LRCLIB record for a track, or None. Raises the client's errors."""
    hit = client.get(track=title, artist=artist, album=album, duration_s=duration_s)
    if hit is not None:
        chosen = choose_lyrics([_candidate(hit)], duration_s=duration_s, album=album)
        if chosen is not None:
            return chosen
    tried = set()
    for name in (title, clean_title(title, wanted=title)):
        if name in tried:
            continue
        tried.add(name)
        found = client.search(track=name, artist=artist)
        chosen = choose_lyrics([_candidate(r) for r in found], duration_s=duration_s, album=album)
        if chosen is not None:
            return chosen
    return None


def _store(track: Track, candidate: LyricsCandidate | None, *, title: str, artist: str, album: str,
           length_s: float | None) -> Lyrics:  # fmt: skip
    if candidate is None:
        kind, synced, plain, source = Lyrics.Kind.MISSING, "", "", ""
    elif candidate.instrumental and not (candidate.plain or candidate.synced):
        kind, synced, plain, source = Lyrics.Kind.INSTRUMENTAL, "", "", str(candidate.id)
    else:
        synced = ""
        if candidate.synced:
            try:
                lines = parse_synced(candidate.synced)
                synced = format_lrc(lines, title=title, artist=artist, album=album, length_s=length_s or 0)
            except LrcError:
                synced = ""
        plain = candidate.plain or ""
        if not plain and synced:
            plain = "\n".join(line.text for line in parse_synced(candidate.synced or ""))
        kind = Lyrics.Kind.SYNCED if synced else Lyrics.Kind.PLAIN
        source = str(candidate.id)
    row, _ = Lyrics.objects.update_or_create(
        track=track,
        defaults={"kind": kind, "synced": synced, "plain": plain, "source_id": source, "checked_at": timezone.now()},
    )
    return row


def write_sidecar(audio: Path, row: Lyrics | None) -> bool:
    """`<audio>.lrc` next to the file when synced lyrics are known; a stale sidecar is removed otherwise."""
    target = sidecar_path(audio, ".lrc")
    if row is not None and row.kind == Lyrics.Kind.SYNCED and row.synced:
        write_atomic(target, row.synced.encode())
        return True
    target.unlink(missing_ok=True)
    return False


def run_lyrics(work: Work) -> StepResult:
    if not runtime.get("features.lyrics"):
        return StepResult(FinishStep.Status.SKIPPED, "lyrics are turned off", FinishStep.ErrorCode.DISABLED)
    track, tags = work.track, work.tags
    row = Lyrics.objects.filter(track=track).first()
    forced = FinishStep.Name.LYRICS in work.forced
    if row is not None and not forced:
        if row.kind == Lyrics.Kind.INSTRUMENTAL:
            return StepResult(detail="instrumental (not asked again)", result={"kind": row.kind})
        ttl = timedelta(days=int(runtime.get("lyrics.miss_ttl_days")))
        if row.kind == Lyrics.Kind.MISSING and timezone.now() - row.checked_at < ttl:
            return StepResult(
                FinishStep.Status.SKIPPED,
                f"LRCLIB had no lyrics on {row.checked_at:%Y-%m-%d}; asked again after {ttl.days} days",
                FinishStep.ErrorCode.NO_MATCH,
                {"kind": row.kind},
            )
    if row is None or forced or row.kind == Lyrics.Kind.MISSING:
        duration = work.file.duration_s or track.duration_s
        try:
            candidate = lookup(
                work.providers.lrclib,
                title=tags.title or track.title,
                artist=tags.artist or track.artist,
                album=tags.album,
                duration_s=duration,
            )
        except lrclib.LrclibUnavailable as exc:
            raise StepError(FinishStep.ErrorCode.PROVIDER_UNAVAILABLE, str(exc)) from exc
        except lrclib.LrclibRejected as exc:
            raise StepError(FinishStep.ErrorCode.PROVIDER_REJECTED, str(exc)) from exc
        row = _store(track, candidate, title=tags.title, artist=tags.artist, album=tags.album, length_s=duration)
    if row.kind == Lyrics.Kind.MISSING:
        return StepResult(
            FinishStep.Status.SKIPPED, "LRCLIB has no lyrics for this track", FinishStep.ErrorCode.NO_MATCH,
            {"kind": row.kind},
        )  # fmt: skip
    if row.kind != Lyrics.Kind.INSTRUMENTAL:
        write_current_tags(work)
    if work.file.organized_path:
        write_sidecar(work.path, row)
    return StepResult(detail=row.kind, result={"kind": row.kind, "lrclib_id": row.source_id})
