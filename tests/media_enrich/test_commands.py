"""manage.py retag, reorganize --dry-run and scan_library."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import mediafile
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from emulators.audio import write_flac, write_mp3
from ingest.parsers import parse_text
from ingest.services import imports
from library import runtime
from library.models import Download, Track
from media_enrich.models import LibraryFile
from media_enrich.services import finishing
from media_enrich.tags import TagSet, write_tags
from tests.media_enrich.conftest import completed_download

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def finished(settings, metadata) -> LibraryFile:
    download = completed_download(
        settings, artist="Radiohead", title="Karma Police", album="OK Computer", seconds=261, number=6
    )
    file = finishing.start_finishing(download=download)
    result = finishing.finish_file(library_file_id=file.pk)
    assert result is not None
    return result


def test_reorganize_dry_run_prints_moves_and_changes_nothing(settings, finished):
    runtime.set_value("library.path_template", "{albumartist}/{year} - {album}/{track} {title}", by="test")

    out = _run("reorganize", "--dry-run")

    lines = out.splitlines()
    assert json.loads(lines[0]) == {
        "id": finished.pk,
        "from": "Radiohead/OK Computer/06 - Karma Police.flac",
        "to": "Radiohead/1997 - OK Computer/06 Karma Police.flac",
    }
    assert lines[-1] == "would move 1 file(s); 0 already in place"
    assert (Path(settings.HARMONY_MUSIC_DIR) / "Radiohead/OK Computer/06 - Karma Police.flac").is_file()


def test_reorganize_moves_the_file_and_its_lyrics(settings, finished):
    runtime.set_value("library.path_template", "{albumartist}/{year} - {album}/{track} {title}", by="test")

    _run("reorganize")

    music = Path(settings.HARMONY_MUSIC_DIR)
    finished.refresh_from_db()
    assert finished.organized_path == "Radiohead/1997 - OK Computer/06 Karma Police.flac"
    assert (music / "Radiohead/1997 - OK Computer/06 Karma Police.lrc").is_file()
    assert not (music / "Radiohead/OK Computer/06 - Karma Police.flac").exists()


def test_bad_template_is_refused_naming_the_setting():
    from harmony.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match=r"library\.path_template: .*nonsense"):
        runtime.set_value("library.path_template", "{albumartist}/{nonsense}/{title}", by="test")


def test_retag_writes_id3v23_after_the_setting_changes(settings, metadata):
    download = completed_download(
        settings, artist="Radiohead", title="Airbag", album="OK Computer", seconds=284, number=1, fmt="mp3"
    )
    file = finishing.start_finishing(download=download)
    finishing.finish_file(library_file_id=file.pk)
    runtime.set_value("tags.id3_v23", True, by="test")

    out = _run("retag")

    file.refresh_from_db()
    from mutagen.id3 import ID3

    assert ID3(Path(settings.HARMONY_MUSIC_DIR) / file.organized_path).version == (2, 3, 0)
    assert out.splitlines()[-1] == "retagged 1, needing attention 0, skipped 0"


def test_retag_unknown_file_is_an_error():
    with pytest.raises(CommandError, match="file: no finished library file with id 999"):
        _run("retag", "--file", "999")


def test_scan_library_owns_tracks_and_stops_unstarted_downloads(settings):
    music = Path(settings.HARMONY_MUSIC_DIR)
    tagged = music / "Portishead/Dummy/02 - Sour Times.flac"
    tagged.parent.mkdir(parents=True)
    write_flac(tagged, duration_s=30)
    write_tags(tagged, TagSet(title="Sour Times", artist="Portishead", album="Dummy", track_number=2))
    untagged = music / "Massive Attack/Mezzanine/03 - Teardrop.mp3"
    untagged.parent.mkdir(parents=True)
    write_mp3(untagged, duration_s=30)
    (music / "Massive Attack/Mezzanine/notes.mp3").write_bytes(b"not audio at all")
    job = imports.create_import(result=parse_text("Massive Attack - Teardrop\n"), source="text")
    imports.process_import(job_id=job.pk)

    out = _run("scan_library", str(music))

    assert out.splitlines()[-1] == (
        "scanned 3: added 2, already indexed 0, unreadable 1; tracks now owned 2, downloads stopped 1"
    )
    teardrop = Track.objects.get(title="Teardrop")
    assert teardrop.status == Track.Status.OWNED
    assert Download.objects.get(track=teardrop).status == Download.Status.CANCELLED
    assert LibraryFile.objects.get(track__title="Sour Times").organized_path == "Portishead/Dummy/02 - Sour Times.flac"
    again = imports.create_import(result=parse_text("Portishead - Sour Times\n"), source="text")
    imports.process_import(job_id=again.pk)
    assert again.items.get().reason == "already_in_library"
    assert _run("scan_library", str(music)).splitlines()[-1].startswith("scanned 3: added 0, already indexed 2")


def test_scan_library_outside_the_music_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not inside the music folder"):
        _run("scan_library", str(tmp_path))


def test_finished_tracks_land_in_a_playlist_file(settings, metadata):
    job = imports.create_import(
        result=parse_text("Radiohead - Karma Police\nRadiohead - Airbag\n"), source="text", name="Drive"
    )
    imports.process_import(job_id=job.pk)
    for title, number, seconds in (("Karma Police", 6, 261), ("Airbag", 1, 284)):
        track = Track.objects.get(title=title)
        download = Download.objects.get(track=track)
        fake = completed_download(
            settings, artist="Radiohead", title=f"{title} file", album="OK Computer", seconds=seconds, number=number
        )
        Download.objects.filter(pk=download.pk).update(
            status=Download.Status.COMPLETED, local_path=fake.local_path, file_format="flac"
        )
        fake.delete()
        Track.objects.filter(pk=track.pk).update(album="OK Computer")
        download.refresh_from_db()
        finishing.finish_file(library_file_id=finishing.start_finishing(download=download).pk)

    playlist = (Path(settings.HARMONY_MUSIC_DIR) / "Playlists/Drive.m3u8").read_text()

    assert playlist.splitlines() == [
        "#EXTM3U",
        "#PLAYLIST:Drive",
        "#EXTINF:261,Radiohead - Karma Police",
        "../Radiohead/OK Computer/06 - Karma Police.flac",
        "#EXTINF:284,Radiohead - Airbag",
        "../Radiohead/OK Computer/01 - Airbag.flac",
    ]
    assert (
        mediafile.MediaFile(str(Path(settings.HARMONY_MUSIC_DIR) / "Radiohead/OK Computer/01 - Airbag.flac")).track == 1
    )
