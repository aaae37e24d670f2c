"""Front covers: Cover Art Archive (release, then release group), cached once per album, embedded when better.

Sources are fetched only through the clients (allow-listed hosts, size and time limits); an image URL found in a
payload is never fetched as such. Every image is decoded and re-encoded by `media_enrich.imaging` before use.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from harmony.clients import coverart
from library import runtime
from media_enrich.fileops import write_atomic
from media_enrich.imaging import CoverImage, InvalidImage, better_cover, inspect_image, normalize_cover
from media_enrich.models import AlbumRelease, FinishStep
from media_enrich.services.work import StepError, StepResult, Work, covers_root, write_current_tags
from media_enrich.tags import Cover, TagError, read_cover

COVER_FILENAME = "cover.jpg"


def cached_cover(album: AlbumRelease | None) -> CoverImage | None:
    if album is None or not album.cover_path:
        return None
    path = covers_root() / Path(album.cover_path).name
    try:
        return inspect_image(path.read_bytes())
    except (OSError, InvalidImage):
        return None


def _fetch(client: coverart.CoverArtClient, release_id: str, group_id: str) -> tuple[CoverImage, str] | None:
    """The first usable front cover: the release's, then its release group's. Raises StepError on provider errors."""
    problems: list[str] = []
    for kind, mbid in (("release", release_id), ("release-group", group_id)):
        if not mbid:
            continue
        try:
            fetched = client.front(kind, mbid, size=1200)  # type: ignore[arg-type]
        except coverart.CoverArtUnavailable as exc:
            raise StepError(FinishStep.ErrorCode.PROVIDER_UNAVAILABLE, str(exc)) from exc
        except coverart.CoverArtRejected as exc:
            problems.append(f"{kind}: {exc}")
            continue
        if fetched is None:
            continue
        try:
            return normalize_cover(fetched.data), fetched.url
        except InvalidImage as exc:
            problems.append(f"{kind} image: {exc}")
    if problems:
        raise StepError(FinishStep.ErrorCode.IMAGE_INVALID, "; ".join(problems))
    return None


def album_cover(work: Work) -> CoverImage | None:
    """The album's cover: the cached one, or fetched once and cached (a refresh fetches again)."""
    album = work.file.album
    forced = FinishStep.Name.ARTWORK in work.forced
    if not forced:
        cached = cached_cover(album)
        if cached is not None:
            return cached
    release_id = work.tags.musicbrainz_release_id or (album.musicbrainz_release_id if album else "")
    group_id = work.tags.musicbrainz_release_group_id or (album.musicbrainz_release_group_id if album else "")
    if not release_id and not group_id:
        return None
    found = _fetch(work.providers.coverart, release_id, group_id)
    if album is not None:
        album.cover_checked_at = timezone.now()
    if found is None:
        if album is not None:
            album.save(update_fields=["cover_checked_at"])
        return None
    image, source = found
    if album is not None:
        name = f"{album.pk}.jpg"
        write_atomic(covers_root() / name, image.data)
        album.cover_path, album.cover_source = name, source
        album.cover_width, album.cover_height = image.width, image.height
        album.save(update_fields=["cover_path", "cover_source", "cover_width", "cover_height", "cover_checked_at"])
    return image


def run_artwork(work: Work) -> StepResult:
    if not runtime.get("features.artwork"):
        return StepResult(FinishStep.Status.SKIPPED, "artwork is turned off", FinishStep.ErrorCode.DISABLED)
    image = album_cover(work)
    if image is None:
        return StepResult(
            FinishStep.Status.SKIPPED,
            "no front cover found (the file was not matched to a MusicBrainz release, or the release has no art)",
            FinishStep.ErrorCode.NO_MATCH,
        )
    try:
        existing = read_cover(work.path)
    except TagError as exc:
        raise StepError(FinishStep.ErrorCode.FILE_INVALID, str(exc)) from exc
    existing_image = CoverImage(existing.data, existing.mime, existing.width, existing.height) if existing else None
    embedded = better_cover(existing_image, image)
    if embedded:
        write_current_tags(work, cover=Cover(image.data, image.mime, image.width, image.height))
    if work.file.organized_path:
        write_folder_cover(work.path.parent, image)
    return StepResult(
        detail="embedded" if embedded else "the embedded cover is as good; kept",
        result={"width": image.width, "height": image.height, "embedded": embedded},
    )


def write_folder_cover(folder: Path, image: CoverImage) -> None:
    """`cover.jpg` in the album folder, replaced only by a larger image."""
    target = folder / COVER_FILENAME
    if target.exists():
        try:
            current = inspect_image(target.read_bytes())
        except (OSError, InvalidImage):
            current = None
        if current is not None and not better_cover(current, image):
            return
    write_atomic(target, image.data)
