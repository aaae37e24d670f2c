"""What every finishing step shares: the file being finished, where it is now, its tags, and the step outcome."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from django.conf import settings

from library import runtime
from library.models import Track
from media_enrich.fileops import UnsafePath, confined
from media_enrich.models import FinishStep, LibraryFile, Lyrics
from media_enrich.services.providers import Providers, build_providers
from media_enrich.tags import Cover, TagError, TagSet, write_tags

_TUPLE_FIELDS = {f.name for f in fields(TagSet) if str(f.type).startswith("tuple")}


class StepError(Exception):
    """A step could not do its work; `code` is a FinishStep.ErrorCode and the message says what to do."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class StepResult:
    status: str = FinishStep.Status.DONE
    detail: str = ""
    code: str = ""
    result: dict[str, Any] = field(default_factory=dict)


def tags_to_json(tags: TagSet) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(tags).items()}


def tags_from_json(data: dict[str, Any]) -> TagSet:
    known = {f.name for f in fields(TagSet)}
    values: dict[str, Any] = {
        key: tuple(value) if key in _TUPLE_FIELDS else value for key, value in data.items() if key in known
    }
    return TagSet(**values)


def music_root() -> Path:
    return Path(settings.HARMONY_MUSIC_DIR).resolve()


def downloads_root() -> Path:
    return Path(settings.HARMONY_DOWNLOADS_DIR).resolve()


def covers_root() -> Path:
    root = Path(settings.HARMONY_DATA_DIR) / "covers"
    root.mkdir(parents=True, exist_ok=True)
    return root.resolve()


def current_path(file: LibraryFile) -> Path:
    """Where the audio is now: in the library once organised, else where it arrived. Raises StepError when the
    recorded path would leave its root (a tampered row must not make Harmony touch other files)."""
    try:
        if file.organized_path:
            return confined(music_root(), music_root() / file.organized_path)
        return confined(downloads_root(), downloads_root() / file.source_path)
    except UnsafePath as exc:
        raise StepError(FinishStep.ErrorCode.UNSAFE_PATH, str(exc)) from exc


@dataclass
class Work:
    """One run of the pipeline over one file."""

    file: LibraryFile
    track: Track
    tags: TagSet
    forced: frozenset[str] = frozenset()
    providers_override: Providers | None = None
    _providers: Providers | None = None

    @property
    def providers(self) -> Providers:
        if self.providers_override is not None:
            return self.providers_override
        if self._providers is None:
            self._providers = build_providers()
        return self._providers

    @property
    def path(self) -> Path:
        return current_path(self.file)

    def save_tags(self, tags: TagSet) -> None:
        self.tags = tags
        self.file.tags = tags_to_json(tags)
        LibraryFile.objects.filter(pk=self.file.pk).update(tags=self.file.tags)


def current_lyrics_text(track: Track) -> str:
    if not runtime.get("features.lyrics"):
        return ""
    row = Lyrics.objects.filter(track=track).only("plain").first()
    return row.plain if row else ""


def write_current_tags(work: Work, *, cover: Cover | None = None) -> None:
    """Write the work's tags (with the known plain lyrics) to the file. Raises StepError on a write failure."""
    tags = replace(work.tags, lyrics=current_lyrics_text(work.track))
    try:
        write_tags(work.path, tags, cover=cover, id3_v23=bool(runtime.get("tags.id3_v23")))
    except (TagError, OSError) as exc:
        raise StepError(FinishStep.ErrorCode.TAG_WRITE_FAILED, f"tags could not be written: {exc}") from exc
    work.save_tags(tags)
