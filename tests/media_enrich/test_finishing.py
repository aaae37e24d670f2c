"""The finishing pipeline end to end against the MusicBrainz, Cover Art Archive and LRCLIB emulators, read back
with beets' mediafile (an independent reader)."""

from __future__ import annotations

import io
from pathlib import Path

import mediafile
import pytest
from PIL import Image

from emulators.musicbrainz import isrc_of, recording_id, release_id
from library import runtime
from library.models import Download, Track
from media_enrich.models import AlbumRelease, FinishStep, LibraryFile, Lyrics
from media_enrich.services import finishing
from tests.media_enrich.conftest import completed_download

pytestmark = pytest.mark.django_db

OK = ("Radiohead", "OK Computer")


def _finish(download) -> LibraryFile:
    file = finishing.start_finishing(download=download)
    result = finishing.finish_file(library_file_id=file.pk)
    assert result is not None
    return result


def _steps(file: LibraryFile) -> dict[str, tuple[str, str]]:
    return {step.name: (step.status, step.error_code) for step in file.steps.all()}


def _karma_police(settings, **options):
    return completed_download(
        settings, artist="Radiohead", title="Karma Police", album="OK Computer", seconds=261, number=6,
        isrc=isrc_of(*OK, "Karma Police"), remote_folder="1997 - OK Computer [FLAC]", **options,
    )  # fmt: skip


def test_finish_flac_is_tagged_covered_with_lyrics_and_organised(settings, metadata):
    file = _finish(_karma_police(settings))

    music = Path(settings.HARMONY_MUSIC_DIR)
    assert file.status == LibraryFile.Status.FINISHED
    assert file.organized_path == "Radiohead/OK Computer/06 - Karma Police.flac"
    assert _steps(file) == dict.fromkeys(FinishStep.Name.ORDER, ("done", ""))
    read = mediafile.MediaFile(str(music / file.organized_path))
    assert read.title == "Karma Police"
    assert read.artist == "Radiohead"
    assert read.album == "OK Computer"
    assert read.albumartist == "Radiohead"
    assert (read.track, read.tracktotal, read.disc, read.disctotal) == (6, 12, 1, 1)
    assert read.isrc == isrc_of(*OK, "Karma Police")
    assert read.mb_trackid == recording_id(*OK, "Karma Police")
    assert read.mb_albumid == release_id(*OK)
    assert read.year == 1997
    assert "Nigel Godrich" not in (read.composer or "")
    assert read.lyrics
    assert "[00:" not in read.lyrics
    assert len(read.images) == 1
    image = Image.open(io.BytesIO(read.images[0].data))
    assert (image.format, max(image.size) <= 1200) == ("JPEG", True)
    lrc = (music / "Radiohead/OK Computer/06 - Karma Police.lrc").read_text()
    assert lrc.splitlines()[:3] == ["[ti:Karma Police]", "[ar:Radiohead]", "[al:OK Computer]"]
    assert any(line.startswith("[00:") for line in lrc.splitlines()[5:])
    assert (music / "Radiohead/OK Computer/cover.jpg").is_file()
    assert not (Path(settings.HARMONY_DOWNLOADS_DIR) / "1997 - OK Computer [FLAC]").exists()
    assert Lyrics.objects.get(track=file.track).kind == Lyrics.Kind.SYNCED


@pytest.mark.parametrize("fmt", ["mp3", "m4a"])
def test_finish_lossy_formats_are_read_back_exactly(settings, metadata, fmt):
    download = completed_download(
        settings, artist="Radiohead", title="No Surprises", album="OK Computer", seconds=228, number=10,
        isrc=isrc_of(*OK, "No Surprises"), fmt=fmt,
    )  # fmt: skip

    file = _finish(download)

    assert file.organized_path == f"Radiohead/OK Computer/10 - No Surprises.{fmt}"
    read = mediafile.MediaFile(str(Path(settings.HARMONY_MUSIC_DIR) / file.organized_path))
    assert (read.title, read.album, read.track, read.tracktotal) == ("No Surprises", "OK Computer", 10, 12)
    assert read.mb_albumid == release_id(*OK)
    assert len(read.images) == 1
    assert read.lyrics


def test_album_tags_are_identical_on_every_track_of_an_album(settings, metadata):
    first = _finish(_karma_police(settings))
    second = _finish(
        completed_download(
            settings,
            artist="Radiohead",
            title="Airbag",
            album="OK Computer",
            seconds=284,
            number=1,
            remote_folder="1997 - OK Computer [FLAC]",
        )
    )

    music = Path(settings.HARMONY_MUSIC_DIR)
    a, b = (mediafile.MediaFile(str(music / f.organized_path)) for f in (first, second))
    for field in ("album", "albumartist", "mb_albumid", "year", "tracktotal", "label", "barcode"):
        assert getattr(a, field) == getattr(b, field), field
    assert AlbumRelease.objects.count() == 1
    assert second.organized_path == "Radiohead/OK Computer/01 - Airbag.flac"


def test_musicbrainz_down_leaves_a_retryable_identify_and_the_file_safe(settings, metadata, emulator):
    settings.HARMONY_MUSICBRAINZ_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    file = _finish(_karma_police(settings))

    steps = _steps(file)
    assert steps["identify"] == ("failed", "provider_unavailable")
    assert steps["organize"] == ("done", "")
    assert file.status == LibraryFile.Status.ATTENTION
    assert file.organized_path == "Radiohead/OK Computer/06 - Karma Police.flac"
    read = mediafile.MediaFile(str(Path(settings.HARMONY_MUSIC_DIR) / file.organized_path))
    assert (read.title, read.artist, read.track, read.mb_albumid) == ("Karma Police", "Radiohead", 6, None)

    settings.HARMONY_MUSICBRAINZ_URL = emulator(metadata.musicbrainz.__class__(rate_limit_per_s=0)).url
    finishing.refresh_step(library_file=file, step="identify", enqueue=False)
    again = finishing.finish_file(library_file_id=file.pk, from_step="identify", forced=("identify",))

    assert again.status == LibraryFile.Status.FINISHED
    assert _steps(again)["identify"] == ("done", "")
    read = mediafile.MediaFile(str(Path(settings.HARMONY_MUSIC_DIR) / again.organized_path))
    assert read.mb_albumid == release_id(*OK)


def test_lyrics_provider_failure_is_retryable_alone(settings, metadata):
    metadata.lrclib.fail_next(10, status=503)
    file = _finish(_karma_police(settings))

    assert _steps(file)["lyrics"] == ("failed", "provider_unavailable")
    assert file.organized_path == "Radiohead/OK Computer/06 - Karma Police.flac"

    metadata.lrclib.fail_next(0)
    finishing.refresh_step(library_file=file, step="lyrics", enqueue=False)
    again = finishing.finish_file(library_file_id=file.pk, from_step="lyrics", forced=("lyrics",))

    assert _steps(again)["lyrics"] == ("done", "")
    assert (Path(settings.HARMONY_MUSIC_DIR) / "Radiohead/OK Computer/06 - Karma Police.lrc").is_file()


def test_instrumental_is_recorded_and_not_asked_again(settings, metadata):
    download = completed_download(
        settings, artist="Radiohead", title="Treefingers", album="Kid A", seconds=222, number=5
    )
    file = _finish(download)
    asked = metadata.lrclib.request_count

    finishing.refresh_step(library_file=file, step="tag", enqueue=False)
    finishing.finish_file(library_file_id=file.pk, from_step="tag")

    assert Lyrics.objects.get(track=file.track).kind == Lyrics.Kind.INSTRUMENTAL
    assert metadata.lrclib.request_count == asked
    assert not (Path(settings.HARMONY_MUSIC_DIR) / "Radiohead/Kid A/05 - Treefingers.lrc").exists()


def test_features_off_skip_artwork_and_lyrics(settings, metadata):
    runtime.set_value("features.artwork", False, by="test")
    runtime.set_value("features.lyrics", False, by="test")

    file = _finish(_karma_police(settings))

    assert _steps(file)["artwork"] == ("skipped", "disabled")
    assert _steps(file)["lyrics"] == ("skipped", "disabled")
    assert file.status == LibraryFile.Status.FINISHED
    read = mediafile.MediaFile(str(Path(settings.HARMONY_MUSIC_DIR) / file.organized_path))
    assert (read.images or [], read.lyrics) == ([], None)
    assert metadata.lrclib.request_count == 0


def test_tag_write_failure_stops_before_organise_and_keeps_the_file(settings, metadata, monkeypatch):
    from media_enrich.services import work
    from media_enrich.tags import TagError

    download = _karma_police(settings)
    source = Path(settings.HARMONY_DOWNLOADS_DIR) / download.local_path
    before = source.read_bytes()

    def broken(path, tags, **_):
        raise TagError(f"{path}: cannot save tags: disk full")

    monkeypatch.setattr(work, "write_tags", broken)
    file = _finish(download)

    assert _steps(file)["tag"] == ("failed", "tag_write_failed")
    assert _steps(file)["organize"] == ("pending", "")
    assert file.status == LibraryFile.Status.ATTENTION
    assert file.organized_path == ""
    assert source.read_bytes() == before


def test_tampered_source_path_is_refused(settings, metadata):
    download = _karma_police(settings)
    file = finishing.start_finishing(download=download)
    LibraryFile.objects.filter(pk=file.pk).update(source_path="../../etc/passwd")

    result = finishing.finish_file(library_file_id=file.pk)

    assert _steps(result)["verify"] == ("failed", "unsafe_path")
    assert result.status == LibraryFile.Status.ATTENTION


def _second_copy(settings, track, **options):
    """Another download of an owned track (the earlier download is over: only one may be live)."""
    Download.objects.filter(track=track).update(status=Download.Status.CANCELLED)
    download = completed_download(settings, artist="Someone", title=f"Copy {Download.objects.count()}", **options)
    old = download.track
    Download.objects.filter(pk=download.pk).update(track=track)
    old.delete()
    download.refresh_from_db()
    return download


def test_a_worse_second_copy_is_discarded_and_a_better_one_replaces(settings, metadata):
    first = _finish(
        completed_download(settings, artist="Radiohead", title="Let Down", album="OK Computer", seconds=299,
                           number=5, fmt="mp3", bitrate_kbps=192)
    )  # fmt: skip
    track = first.track

    worse = _second_copy(settings, track, album="OK Computer", seconds=299, number=5, fmt="mp3", bitrate_kbps=128)
    discarded = _finish(worse)

    assert discarded.status == LibraryFile.Status.DISCARDED
    assert "already has Radiohead/OK Computer/05 - Let Down.mp3 (MP3 192 kbps)" in discarded.decision
    assert not (Path(settings.HARMONY_DOWNLOADS_DIR) / worse.local_path).exists()

    kept = _finish(_second_copy(settings, track, album="OK Computer", seconds=299, number=5))

    first.refresh_from_db()
    assert kept.organized_path == "Radiohead/OK Computer/05 - Let Down.flac"
    assert kept.decision.startswith("replaced Radiohead/OK Computer/05 - Let Down.mp3 (MP3 192 kbps)")
    assert first.status == LibraryFile.Status.DISCARDED
    assert (Path(settings.HARMONY_DATA_DIR) / "replaced/Radiohead/OK Computer/05 - Let Down.mp3").is_file()
    assert not (Path(settings.HARMONY_MUSIC_DIR) / "Radiohead/OK Computer/05 - Let Down.mp3").exists()


def test_unmatched_track_is_tagged_from_what_is_known_with_album_from_the_folder(settings, metadata):
    download = completed_download(
        settings, artist="Nobody Known", title="Unreleased Thing", seconds=200, number=3,
        remote_folder="Nobody Known - Basement Tapes (2004) [FLAC]",
    )  # fmt: skip

    file = _finish(download)

    assert _steps(file)["identify"] == ("skipped", "no_match")
    assert file.status == LibraryFile.Status.FINISHED
    assert file.organized_path == "Nobody Known/Basement Tapes/03 - Unreleased Thing.flac"
    read = mediafile.MediaFile(str(Path(settings.HARMONY_MUSIC_DIR) / file.organized_path))
    assert (read.artist, read.title, read.album) == ("Nobody Known", "Unreleased Thing", "Basement Tapes")


def test_finish_file_is_claimed_once(settings, metadata):
    file = finishing.start_finishing(download=_karma_police(settings))
    LibraryFile.objects.filter(pk=file.pk).update(status=LibraryFile.Status.RUNNING)

    assert finishing.finish_file(library_file_id=file.pk) is None


def test_track_ids_are_filled_from_musicbrainz(settings, metadata):
    download = completed_download(
        settings, artist="Radiohead", title="Lucky", album="OK Computer", seconds=259, number=11
    )
    _finish(download)

    track = Track.objects.get(pk=download.track_id)
    assert str(track.musicbrainz_recording_id) == recording_id(*OK, "Lucky")
    assert track.isrc == isrc_of(*OK, "Lucky")
