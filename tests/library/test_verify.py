"""Finding the delivered file: remote names are untrusted, and the local file is only ever looked for inside the
downloads root."""

from __future__ import annotations

import pytest

from emulators.audio import write_flac, write_mp3
from library.services import verify


@pytest.mark.parametrize(
    ("remote", "folder", "name"),
    [
        ("@@abcde\\Music\\Artist\\Album\\01 - Song.flac", "Album", "01 - Song.flac"),
        ("C:\\Users\\x\\Music\\Song.mp3", "Music", "Song.mp3"),
        ("music/artist/album/track.flac", "album", "track.flac"),
        ("lonely.flac", "", "lonely.flac"),
    ],
)
def test_remote_parts_keep_only_the_last_folder(remote, folder, name):
    assert verify.remote_parts(remote) == (folder, name)


@pytest.mark.parametrize(
    "remote",
    [
        "..\\..\\..\\etc\\passwd",
        "Music\\..\\..",
        "Music\\..\\x.flac",
        "a\\.",
        "/etc/passwd/",
    ],
)
def test_hostile_remote_names_never_point_outside_the_root(tmp_path, remote):
    root = tmp_path / "root"
    root.mkdir()

    for path in verify.expected_locations(root, remote):
        assert path.is_relative_to(root.resolve())


def test_slskd_paths_map_onto_the_root_and_no_further(tmp_path):
    root = tmp_path / "downloads"

    inside = verify.from_slskd_path(root, "/app/downloads", "/app/downloads/Album/01 - Song.flac")
    escape = verify.from_slskd_path(root, "/app/downloads", "/app/downloads/../secrets/key")
    elsewhere = verify.from_slskd_path(root, "/app/downloads", "/etc/passwd")

    assert inside == (root / "Album" / "01 - Song.flac").resolve()
    assert escape is None
    assert elsewhere is None


def test_locate_accepts_slskds_collision_rename(tmp_path):
    root = tmp_path
    folder = root / "Album"
    folder.mkdir()
    (folder / "01 - Song.flac").write_bytes(b"x" * 10)  # another peer's file of the same name
    renamed = folder / "01 - Song_638912345678901234.flac"
    renamed.write_bytes(b"y" * 20)

    found = verify.locate(root, "@@a\\x\\Album\\01 - Song.flac", 20, slskd_downloads_dir=None, local_filename=None)

    assert found == renamed.resolve()


def test_verify_accepts_a_real_file_and_refuses_wrong_ones(tmp_path):
    good = tmp_path / "good.flac"
    size = write_flac(good, duration_s=200)
    fake = tmp_path / "fake.flac"
    write_mp3(fake, duration_s=200)
    short = tmp_path / "short.mp3"
    short_size = write_mp3(short, duration_s=60)

    ok = verify.verify(good, expected_size=size, expected_format_name="flac", reference_length_s=201, tolerance_s=3)
    wrong_format = verify.verify(
        fake, expected_size=fake.stat().st_size, expected_format_name="flac", reference_length_s=200, tolerance_s=3
    )
    wrong_length = verify.verify(
        short, expected_size=short_size, expected_format_name="mp3", reference_length_s=200, tolerance_s=3
    )
    wrong_size = verify.verify(good, expected_size=size + 1, expected_format_name="flac", reference_length_s=None,
                               tolerance_s=3)  # fmt: skip

    assert (ok.ok, ok.file_format) == (True, "flac")
    assert wrong_format.ok is False
    assert "is not a valid FLAC file" in wrong_format.detail
    assert wrong_length.ok is False
    assert wrong_length.detail.startswith("length 60.0 s, expected 200 s")
    assert wrong_size.detail == f"size {size} bytes, expected {size + 1}"


def test_verify_refuses_what_is_not_audio(tmp_path):
    junk = tmp_path / "song.flac"
    junk.write_bytes(b"not audio at all" * 100)

    verdict = verify.verify(junk, expected_size=1600, expected_format_name="flac", reference_length_s=None,
                            tolerance_s=3)  # fmt: skip

    assert verdict.ok is False
