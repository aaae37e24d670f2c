"""The finishing pipeline: verify → identify → tag → artwork → lyrics → organise, each step recorded.

A completed download gets a `LibraryFile` and one `FinishStep` per step. The pipeline runs in a worker, claims the
file with a conditional update, and records every step's status, error code, detail and times. Identify, artwork
and lyrics are optional: when their provider fails the step stays `failed` (retryable alone) and finishing goes
on with what is known. Verify, tag and organise are required: when one fails, finishing stops and the file stays
where it is, whole (tags are written to a copy that replaces the file; moves are atomic).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import mutagen
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from harmony.clients import musicbrainz as mb
from harmony.errors import Conflict, FeatureDisabled, ValidationFailed
from library import runtime
from library.models import Download, DownloadAttempt, Track
from matching.query import album_key
from media_enrich import paths
from media_enrich.models import AlbumRelease, FinishStep, LibraryFile
from media_enrich.services import artwork, identify, lyrics, organize
from media_enrich.services.providers import Providers
from media_enrich.services.work import StepError, StepResult, Work, tags_from_json, tags_to_json, write_current_tags
from media_enrich.tags import ALBUM_FIELDS, TagError, TagSet, audio_format, with_album_fields

logger = logging.getLogger(__name__)

Step = FinishStep.Name
# A run that died with its worker is taken over after this long.
STALE_RUN = timedelta(minutes=15)
# Which feature flag turns a step off (its refresh endpoints answer 503 FEATURE_DISABLED).
FEATURE_OF_STEP: dict[str, str] = {Step.ARTWORK: "features.artwork", Step.LYRICS: "features.lyrics"}


def start_finishing(*, download: Download) -> LibraryFile:
    """Record a completed download as a library file to finish, and enqueue the pipeline after commit.

    Side effects: inserts a LibraryFile and its FinishSteps (once per download); enqueues `media_enrich.finish`.
    """
    file, created = LibraryFile.objects.get_or_create(
        download=download,
        defaults={
            "track_id": download.track_id,
            "source_path": download.local_path,
            "file_format": download.file_format,
            "file_size": download.file_size,
            "duration_s": download.file_duration_s,
        },
    )
    if created:
        FinishStep.objects.bulk_create([FinishStep(library_file=file, name=name) for name in Step.ORDER])
    if runtime.get("features.finishing"):
        _enqueue(file.pk)
    return file


def _enqueue(library_file_id: int, *, from_step: str = "", forced: tuple[str, ...] = ()) -> None:
    from media_enrich.tasks import finish_file as task  # tasks import services; the reverse only at call time

    transaction.on_commit(lambda: task.delay(library_file_id=library_file_id, from_step=from_step, forced=list(forced)))


def _claim(library_file_id: int) -> bool:
    stale = timezone.now() - STALE_RUN
    claimable = Q(status=LibraryFile.Status.PENDING) | Q(status=LibraryFile.Status.RUNNING, updated_at__lt=stale)
    return bool(
        LibraryFile.objects.filter(claimable, pk=library_file_id).update(
            status=LibraryFile.Status.RUNNING, updated_at=timezone.now()
        )
    )


def finish_file(
    *,
    library_file_id: int,
    from_step: str = "",
    forced: tuple[str, ...] = (),
    providers: Providers | None = None,
) -> LibraryFile | None:
    """Run the pipeline over one file from `from_step` (default: the first step not yet done).

    `forced` steps ask their providers again even when a cached answer exists (a person's refresh).
    Side effects: the steps' rows, the file's tags, artwork, lyrics sidecar and place in the library, the track's
    status and ids; HTTP to MusicBrainz, Cover Art Archive and LRCLIB. Returns None when another run holds it.
    """
    if not _claim(library_file_id):
        logger.info("library file %s is not pending (or another worker holds it)", library_file_id)
        return None
    file = LibraryFile.objects.select_related("track", "album", "download").get(pk=library_file_id)
    steps = {step.name: step for step in file.steps.all()}
    for name in Step.ORDER:
        if name not in steps:
            steps[name] = FinishStep.objects.create(library_file=file, name=name)
    work = Work(
        file=file,
        track=file.track,
        tags=tags_from_json(file.tags) if file.tags else identify.wanted_tags(file.track, album=file.track.album),
        forced=frozenset(forced),
        providers_override=providers,
    )
    start = Step.ORDER.index(from_step) if from_step else 0
    stopped = False
    for name in Step.ORDER[start:]:
        step = steps[name]
        if not from_step and step.status in (FinishStep.Status.DONE, FinishStep.Status.SKIPPED):
            continue
        outcome = _run_step(step, work)
        if file.status == LibraryFile.Status.DISCARDED:
            return file
        if outcome.status == FinishStep.Status.FAILED and name not in Step.OPTIONAL:
            stopped = True
            break
    failed = file.steps.filter(status=FinishStep.Status.FAILED).exists()
    organised = steps[Step.ORGANIZE].status == FinishStep.Status.DONE
    file.status = LibraryFile.Status.ATTENTION if (stopped or failed or not organised) else LibraryFile.Status.FINISHED
    file.finished_at = timezone.now() if file.status == LibraryFile.Status.FINISHED else file.finished_at
    file.save(update_fields=["status", "finished_at", "updated_at"])
    return file


def _run_step(step: FinishStep, work: Work) -> StepResult:
    step.status = FinishStep.Status.RUNNING
    step.started_at = timezone.now()
    step.runs += 1
    step.save(update_fields=["status", "started_at", "runs"])
    try:
        outcome = STEPS[step.name](work)
    except StepError as exc:
        outcome = StepResult(FinishStep.Status.FAILED, exc.detail, exc.code)
        logger.warning("finishing %s: step %s failed (%s): %s", work.file.pk, step.name, exc.code, exc.detail)
    step.status = outcome.status
    step.error_code = outcome.code
    step.detail = outcome.detail
    step.result = outcome.result
    step.finished_at = timezone.now()
    step.save(update_fields=["status", "error_code", "detail", "result", "finished_at"])
    return outcome


def _verify(work: Work) -> StepResult:
    path = work.path
    if not path.is_file():
        raise StepError(FinishStep.ErrorCode.FILE_MISSING, f"the file is not at {path} any more")
    try:
        audio = mutagen.File(path)
        file_format = audio_format(path)
    except (mutagen.MutagenError, TagError, OSError) as exc:
        raise StepError(FinishStep.ErrorCode.FILE_INVALID, f"not readable as audio: {exc}") from exc
    if audio is None or audio.info is None:
        raise StepError(FinishStep.ErrorCode.FILE_INVALID, "not readable as audio: unknown format")
    info = audio.info
    file = work.file
    file.file_format = file_format
    file.file_size = path.stat().st_size
    file.duration_s = round(float(getattr(info, "length", 0.0) or 0.0), 3) or None
    bitrate = getattr(info, "bitrate", 0) or 0
    file.bitrate_kbps = round(bitrate / 1000) if bitrate else None
    file.sample_rate = getattr(info, "sample_rate", None) or None
    file.bit_depth = getattr(info, "bits_per_sample", None) or None
    file.save(update_fields=["file_format", "file_size", "duration_s", "bitrate_kbps", "sample_rate", "bit_depth"])
    return StepResult(result={"format": file_format, "duration_s": file.duration_s, "size": file.file_size})


def _remote_filename(file: LibraryFile) -> str:
    if file.download_id is None:
        return ""
    attempt = (
        DownloadAttempt.objects.filter(download_id=file.download_id, outcome=DownloadAttempt.Outcome.SUCCEEDED)
        .order_by("-id")
        .values_list("filename", flat=True)
        .first()
    )
    return attempt or ""


def _album_release(key: str, *, seed: TagSet) -> AlbumRelease | None:
    """The album's one record (created on first sight, seeded with this file's album-level values)."""
    if not key:
        return None
    seed_json = {k: v for k, v in tags_to_json(seed).items() if k in ALBUM_FIELDS}
    record, _ = AlbumRelease.objects.get_or_create(album_key=key, defaults={"album_tags": seed_json})
    return record


def _identify(work: Work) -> StepResult:
    track, file = work.track, work.file
    remote = _remote_filename(file)
    album = track.album or paths.album_from_remote_path(remote, artist=track.artist)
    fallback = identify.wanted_tags(track, album=album, remote_filename=remote)
    key = album_key(fallback.album_artist or fallback.artist, album)
    record = _album_release(key, seed=fallback)
    if record is not None:
        fallback = with_album_fields(fallback, tags_from_json(record.album_tags))
    work.tags = fallback
    file.album = record
    file.save(update_fields=["album"])
    client = work.providers.musicbrainz
    try:
        found = identify.find_recording(client, track=track, duration_s=file.duration_s or track.duration_s)
        if found is None:
            work.save_tags(fallback)
            return StepResult(
                FinishStep.Status.SKIPPED,
                f"MusicBrainz has no recording of “{track.artist} – {track.title}” close enough; "
                "tagged from the wanted track",
                FinishStep.ErrorCode.NO_MATCH,
            )
        recording = found.recording
        preferred = record.musicbrainz_release_id if record else ""
        release_id = identify.choose_release_id(recording, wanted_album=album, preferred_id=preferred)
        if record is not None and release_id and release_id == preferred and recording.id in record.tracklist:
            album_tags, position = tags_from_json(record.album_tags), record.tracklist[recording.id]
        elif release_id:
            choice = identify.album_from_release(client.release(release_id))
            album_tags, position = choice.album_tags, choice.tracklist.get(recording.id, [])
            if record is not None and not record.musicbrainz_release_id:
                record.musicbrainz_release_id = release_id
                record.musicbrainz_release_group_id = choice.album_tags.musicbrainz_release_group_id
                record.album_tags = {k: v for k, v in tags_to_json(choice.album_tags).items() if k in ALBUM_FIELDS}
                record.tracklist = choice.tracklist
                record.save()
        else:
            album_tags, position = fallback, []
        detail = client.recording(recording.id)
    except mb.MusicBrainzUnavailable as exc:
        work.save_tags(fallback)
        raise StepError(FinishStep.ErrorCode.PROVIDER_UNAVAILABLE, f"{exc}; tagged from the wanted track") from exc
    except mb.MusicBrainzRejected as exc:
        work.save_tags(fallback)
        raise StepError(FinishStep.ErrorCode.PROVIDER_REJECTED, f"{exc}; tagged from the wanted track") from exc
    tags = identify.recording_tags(recording, detail, track=track, album=album_tags, position=position)
    work.save_tags(tags)
    file.musicbrainz_recording_id = recording.id
    file.save(update_fields=["musicbrainz_recording_id"])
    _fill_track_ids(track, recording_id=recording.id, isrc=tags.isrc)
    return StepResult(
        result={"matched_by": found.matched_by, "recording_id": recording.id, "release_id": release_id or ""}
    )


def _fill_track_ids(track: Track, *, recording_id: str, isrc: str) -> None:
    updates: dict[str, Any] = {}
    if not track.musicbrainz_recording_id:
        updates["musicbrainz_recording_id"] = recording_id
    if isrc and not track.isrc and not Track.objects.filter(isrc=isrc).exclude(pk=track.pk).exists():
        updates["isrc"] = isrc
    if updates:
        Track.objects.filter(pk=track.pk).update(**updates)


def _tag(work: Work) -> StepResult:
    write_current_tags(work)
    return StepResult(result={"fields": sorted(k for k, v in work.file.tags.items() if v not in ("", [], None))})


STEPS: dict[str, Callable[[Work], StepResult]] = {
    Step.VERIFY: _verify,
    Step.IDENTIFY: _identify,
    Step.TAG: _tag,
    Step.ARTWORK: artwork.run_artwork,
    Step.LYRICS: lyrics.run_lyrics,
    Step.ORGANIZE: organize.run_organize,
}


def refresh_step(*, library_file: LibraryFile, step: str, enqueue: bool = True) -> LibraryFile:
    """Run one step again (asking its provider anew), then the steps after it, in a worker.

    Side effects: the step and the later ones go back to pending; the pipeline is enqueued after commit (unless
    `enqueue` is false: the caller, a command, runs `finish_file` itself).
    """
    if step not in Step.ORDER:
        raise ValidationFailed(f"step: one of {', '.join(Step.ORDER)}", meta={"step": step})
    feature = FEATURE_OF_STEP.get(step)
    if feature and not runtime.get(feature):
        raise FeatureDisabled(f"{step} is turned off (runtime setting {feature})", meta={"setting": feature})
    if library_file.status == LibraryFile.Status.DISCARDED:
        raise Conflict("this copy was discarded; a better one is in the library", meta={"status": "discarded"})
    later = Step.ORDER[Step.ORDER.index(step) :]
    with transaction.atomic():
        moved = (
            LibraryFile.objects.filter(pk=library_file.pk)
            .exclude(status=LibraryFile.Status.RUNNING)
            .update(status=LibraryFile.Status.PENDING, updated_at=timezone.now())
        )
        if not moved:
            raise Conflict("this file is being finished right now; try again in a moment", meta={"status": "running"})
        FinishStep.objects.filter(library_file=library_file, name__in=later).update(
            status=FinishStep.Status.PENDING, error_code="", detail=""
        )
        if enqueue:
            _enqueue(library_file.pk, from_step=step, forced=(step,))
    library_file.refresh_from_db()
    return library_file
