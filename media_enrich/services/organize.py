"""Organise: move the finished file to `<music>/<template>.<ext>`, with its `.lrc` and the album's `cover.jpg`.

The source must lie inside the downloads root and the destination inside the music root; names are sanitised by
`media_enrich.paths`; a taken name gets `_1`, `_2`; the move is atomic, across filesystems too. A second copy of a
track already in the library is kept only when it is better, and the decision is written on both rows.
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from library import runtime
from library.models import Track
from media_enrich import paths
from media_enrich.fileops import UnsafePath, atomic_move, confined, move_into_library, reserve_unique, sidecar_path
from media_enrich.models import FinishStep, LibraryFile, Lyrics
from media_enrich.services import artwork, lyrics, playlists
from media_enrich.services.work import StepError, StepResult, Work, downloads_root, music_root
from media_enrich.tags import TagSet

LOSSLESS = ("flac", "alac", "wav", "aiff")


def quality_rank(file: LibraryFile) -> tuple[int, int, int]:
    """Lossless before lossy; then bit depth × sample rate for lossless, bitrate for lossy."""
    if file.file_format in LOSSLESS:
        return (1, (file.bit_depth or 16) * (file.sample_rate or 44100), file.file_size or 0)
    return (0, file.bitrate_kbps or 0, file.file_size or 0)


def describe_quality(file: LibraryFile) -> str:
    if file.file_format in LOSSLESS:
        return f"{file.file_format.upper()} {file.bit_depth or 16}-bit/{(file.sample_rate or 44100) / 1000:g} kHz"
    return f"{file.file_format.upper()} {file.bitrate_kbps or '?'} kbps"


def target_relative(tags: TagSet, *, file_format: str) -> PurePosixPath:
    fields = paths.PathFields(
        artist=tags.artist,
        album_artist=tags.album_artist,
        album=tags.album,
        title=tags.title,
        track_number=tags.track_number,
        track_total=tags.track_total,
        disc_number=tags.disc_number,
        disc_total=tags.disc_total,
        year=tags.date[:4] if tags.date[:4].isdigit() else "",
        compilation=tags.compilation,
        ext=file_format or "audio",
    )
    return paths.render_path(str(runtime.get("library.path_template")), fields)


def _existing_copy(work: Work) -> LibraryFile | None:
    return (
        LibraryFile.objects.filter(track=work.track, status=LibraryFile.Status.FINISHED)
        .exclude(pk=work.file.pk)
        .exclude(organized_path="")
        .order_by("-id")
        .first()
    )


def _set_aside(old: LibraryFile) -> str:
    """Move a replaced copy out of the library into `<data>/replaced/` (never deleted: it may be the user's)."""
    try:
        source = confined(music_root(), music_root() / old.organized_path)
    except UnsafePath:
        return "its recorded path left the library; left alone"
    if not source.exists():
        return "it was no longer on disk"
    destination = Path(settings.HARMONY_DATA_DIR) / "replaced" / old.organized_path
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination = reserve_unique(destination)
    atomic_move(source, destination)
    sidecar_path(source, ".lrc").unlink(missing_ok=True)
    return f"moved to {destination}"


def _discard_new(work: Work, existing: LibraryFile) -> StepResult:
    decision = (
        f"discarded: the library already has {existing.organized_path} ({describe_quality(existing)}), "
        f"as good or better than this {describe_quality(work.file)}"
    )
    work.path.unlink(missing_ok=True)
    LibraryFile.objects.filter(pk=work.file.pk).update(status=LibraryFile.Status.DISCARDED, decision=decision)
    work.file.status = LibraryFile.Status.DISCARDED
    work.file.decision = decision
    return StepResult(FinishStep.Status.SKIPPED, decision, result={"kept": existing.organized_path})


def run_organize(work: Work) -> StepResult:
    file = work.file
    relative = target_relative(work.tags, file_format=file.file_format)
    existing = _existing_copy(work) if not file.organized_path else None
    replaced_note = ""
    if existing is not None:
        if quality_rank(file) <= quality_rank(existing):
            return _discard_new(work, existing)
        replaced_note = f"replaced {existing.organized_path} ({describe_quality(existing)}): {_set_aside(existing)}"
        LibraryFile.objects.filter(pk=existing.pk).update(
            status=LibraryFile.Status.DISCARDED,
            organized_path="",
            decision=f"replaced by a better copy ({describe_quality(file)})",
        )
    source = work.path
    if file.organized_path and PurePosixPath(file.organized_path).with_suffix("") == relative.with_suffix(""):
        final = source
    else:
        try:
            if file.organized_path:
                final = _move_within_library(source, relative)
            else:
                final = move_into_library(
                    src=source, downloads_root=downloads_root(), library_root=music_root(), relative=relative
                )
        except UnsafePath as exc:
            raise StepError(FinishStep.ErrorCode.UNSAFE_PATH, str(exc)) from exc
        except OSError as exc:
            raise StepError(FinishStep.ErrorCode.MOVE_FAILED, f"could not move into the library: {exc}") from exc
        if file.organized_path:
            sidecar_path(source, ".lrc").unlink(missing_ok=True)
    organized = final.relative_to(music_root()).as_posix()
    with transaction.atomic():
        file.organized_path = organized
        file.decision = replaced_note or file.decision
        file.save(update_fields=["organized_path", "decision", "updated_at"])
        Track.objects.filter(pk=work.track.pk).update(status=Track.Status.OWNED)
    row = Lyrics.objects.filter(track=work.track).first() if runtime.get("features.lyrics") else None
    wrote_lrc = lyrics.write_sidecar(final, row)
    cover = artwork.cached_cover(file.album) if runtime.get("features.artwork") else None
    if cover is not None:
        artwork.write_folder_cover(final.parent, cover)
    _remove_empty_parents(source.parent)
    playlists.write_playlists_for_track(track_id=work.track.pk)
    return StepResult(
        detail=organized,
        result={"path": organized, "lrc": wrote_lrc, "cover": cover is not None, "replaced": bool(replaced_note)},
    )


def _move_within_library(source: Path, relative: PurePosixPath) -> Path:
    root = music_root()
    source = confined(root, source)
    destination = confined(root, root / relative)
    destination.parent.mkdir(parents=True, exist_ok=True)
    reserved = reserve_unique(destination)
    atomic_move(source, reserved)
    return reserved


def _remove_empty_parents(folder: Path) -> None:
    """Tidy the folders a move emptied, never climbing out of (or removing) the downloads or music roots."""
    for root in (downloads_root(), music_root()):
        try:
            current = folder.resolve()
            current.relative_to(root)
        except (ValueError, OSError):
            continue
        while current != root and current.is_dir() and not any(current.iterdir()):
            current.rmdir()
            current = current.parent
        return


def plan_reorganize(file: LibraryFile) -> tuple[str, str]:
    """(current, planned) relative paths for `reorganize --dry-run`."""
    from media_enrich.services.work import tags_from_json

    planned = target_relative(tags_from_json(file.tags), file_format=file.file_format).as_posix()
    return file.organized_path, planned


def reorganize_file(*, library_file: LibraryFile) -> str:
    """Move one organised file to where the current template puts it (with its sidecar). Returns the new path.

    Side effects: moves the file and its `.lrc`, updates `organized_path`.
    """
    current, planned = plan_reorganize(library_file)
    if not current or PurePosixPath(current).with_suffix("") == PurePosixPath(planned).with_suffix(""):
        return current
    source = music_root() / current
    final = _move_within_library(source, PurePosixPath(planned))
    old_lrc = sidecar_path(source, ".lrc")
    if old_lrc.exists():
        shutil.move(old_lrc, sidecar_path(final, ".lrc"))
    new = final.relative_to(music_root()).as_posix()
    LibraryFile.objects.filter(pk=library_file.pk).update(organized_path=new, updated_at=timezone.now())
    _remove_empty_parents(source.parent)
    return new
