from __future__ import annotations

import errno
import os
import threading
from pathlib import Path, PurePosixPath

import pytest

from media_enrich import fileops
from media_enrich.fileops import (
    UnsafePath,
    atomic_move,
    confined,
    move_into_library,
    reserve_unique,
    sidecar_path,
    write_atomic,
)

AUDIO = b"fLaC" + bytes(range(256)) * 64


@pytest.fixture
def roots(tmp_path: Path) -> tuple[Path, Path]:
    downloads = tmp_path / "dl"
    library = tmp_path / "lib"
    downloads.mkdir()
    library.mkdir()
    return downloads, library


def _fail_first_replace_with(monkeypatch: pytest.MonkeyPatch, code: int) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    real_replace = os.replace

    def replace(src, dst):
        calls.append((str(src), str(dst)))
        if len(calls) == 1:
            raise OSError(code, os.strerror(code))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def _listing(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def test_confined_returns_resolved_path_inside_root(tmp_path: Path):
    (tmp_path / "a").mkdir()

    assert confined(tmp_path, tmp_path / "a" / ".." / "a" / "x.flac") == (tmp_path / "a" / "x.flac").resolve()


def test_confined_resolves_relative_paths_against_root(tmp_path: Path):
    assert confined(tmp_path, Path("a/b.flac")) == tmp_path.resolve() / "a" / "b.flac"


@pytest.mark.parametrize("escape", ["../x.flac", "a/../../x.flac", "/etc/passwd"])
def test_confined_rejects_paths_outside_root(tmp_path: Path, escape: str):
    root = tmp_path / "root"
    root.mkdir()

    with pytest.raises(UnsafePath):
        confined(root, Path(escape))


def test_confined_rejects_symlink_pointing_outside(tmp_path: Path):
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("x")
    (root / "link.flac").symlink_to(tmp_path / "secret.txt")

    with pytest.raises(UnsafePath):
        confined(root, root / "link.flac")


def test_confined_rejects_sibling_with_common_prefix(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "library-evil").mkdir()

    with pytest.raises(UnsafePath):
        confined(tmp_path / "lib", tmp_path / "library-evil" / "x.flac")


def test_unsafe_path_is_a_value_error():
    assert issubclass(UnsafePath, ValueError)


def test_reserve_unique_takes_free_name(tmp_path: Path):
    reserved = reserve_unique(tmp_path / "01 - Song.flac")

    assert reserved == tmp_path / "01 - Song.flac"
    assert reserved.read_bytes() == b""


def test_reserve_unique_numbers_taken_names(tmp_path: Path):
    (tmp_path / "01 - Mr. Brightside.flac").write_bytes(b"old")
    (tmp_path / "01 - Mr. Brightside_1.flac").write_bytes(b"old")

    reserved = reserve_unique(tmp_path / "01 - Mr. Brightside.flac")

    assert reserved == tmp_path / "01 - Mr. Brightside_2.flac"
    assert (tmp_path / "01 - Mr. Brightside.flac").read_bytes() == b"old"


def test_reserve_unique_treats_dangling_symlink_as_taken(tmp_path: Path):
    (tmp_path / "a.flac").symlink_to(tmp_path / "missing-target")

    assert reserve_unique(tmp_path / "a.flac") == tmp_path / "a_1.flac"
    assert not (tmp_path / "missing-target").exists()


def test_reserve_unique_gives_concurrent_workers_distinct_names(tmp_path: Path):
    results: list[Path] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        results.append(reserve_unique(tmp_path / "song.flac"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(path.name for path in results) == sorted(["song.flac"] + [f"song_{n}.flac" for n in range(1, 8)])


def test_reserve_unique_gives_up_after_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(fileops, "MAX_UNIQUE_ATTEMPTS", 3)
    for name in ("a.flac", "a_1.flac", "a_2.flac"):
        (tmp_path / name).write_bytes(b"")

    with pytest.raises(FileExistsError):
        reserve_unique(tmp_path / "a.flac")


def test_atomic_move_same_filesystem(tmp_path: Path):
    src = tmp_path / "src.flac"
    src.write_bytes(AUDIO)
    dest = reserve_unique(tmp_path / "dest.flac")

    atomic_move(src, dest)

    assert dest.read_bytes() == AUDIO
    assert not src.exists()


def test_atomic_move_across_filesystems_copies_then_unlinks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    src = tmp_path / "dl" / "src.flac"
    src.parent.mkdir()
    src.write_bytes(AUDIO)
    (tmp_path / "lib").mkdir()
    dest = reserve_unique(tmp_path / "lib" / "dest.flac")
    calls = _fail_first_replace_with(monkeypatch, errno.EXDEV)

    atomic_move(src, dest)

    assert dest.read_bytes() == AUDIO
    assert not src.exists()
    assert _listing(tmp_path / "lib") == ["dest.flac"]
    assert len(calls) == 2
    assert Path(calls[1][0]).parent == dest.parent
    assert calls[1][1] == str(dest)


def test_atomic_move_cross_filesystem_failure_keeps_source_and_cleans_dest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    src = tmp_path / "src.flac"
    src.write_bytes(AUDIO)
    (tmp_path / "lib").mkdir()
    dest = reserve_unique(tmp_path / "lib" / "dest.flac")
    _fail_first_replace_with(monkeypatch, errno.EXDEV)

    def broken_copy(source, target, length=0):
        target.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileops.shutil, "copyfileobj", broken_copy)

    with pytest.raises(OSError, match="No space left"):
        atomic_move(src, dest)

    assert src.read_bytes() == AUDIO
    assert _listing(tmp_path / "lib") == []


def test_atomic_move_other_error_keeps_source_and_removes_reservation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    src = tmp_path / "src.flac"
    src.write_bytes(AUDIO)
    dest = reserve_unique(tmp_path / "dest.flac")
    _fail_first_replace_with(monkeypatch, errno.EACCES)

    with pytest.raises(PermissionError):
        atomic_move(src, dest)

    assert src.read_bytes() == AUDIO
    assert not dest.exists()


def test_atomic_move_cross_filesystem_keeps_copy_when_source_cannot_be_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    src = tmp_path / "src.flac"
    src.write_bytes(AUDIO)
    dest = reserve_unique(tmp_path / "dest.flac")
    _fail_first_replace_with(monkeypatch, errno.EXDEV)
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):
        if self == src:
            raise PermissionError(errno.EACCES, "read-only share")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)

    atomic_move(src, dest)

    assert dest.read_bytes() == AUDIO
    assert src.read_bytes() == AUDIO


def test_move_into_library_creates_folders_and_moves(roots: tuple[Path, Path]):
    downloads, library = roots
    src = downloads / "user" / "OK Computer" / "02 - Paranoid Android.flac"
    src.parent.mkdir(parents=True)
    src.write_bytes(AUDIO)

    final = move_into_library(
        src=src,
        downloads_root=downloads,
        library_root=library,
        relative=PurePosixPath("Radiohead/OK Computer/02 - Paranoid Android.flac"),
    )

    assert final == library.resolve() / "Radiohead" / "OK Computer" / "02 - Paranoid Android.flac"
    assert final.read_bytes() == AUDIO
    assert not src.exists()


def test_move_into_library_never_overwrites(roots: tuple[Path, Path]):
    downloads, library = roots
    existing = library / "A" / "B" / "01 - T.flac"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"keep me")
    src = downloads / "01.flac"
    src.write_bytes(AUDIO)

    final = move_into_library(
        src=src, downloads_root=downloads, library_root=library, relative=PurePosixPath("A/B/01 - T.flac")
    )

    assert final.name == "01 - T_1.flac"
    assert existing.read_bytes() == b"keep me"
    assert final.read_bytes() == AUDIO


def test_move_into_library_across_filesystems(roots: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch):
    downloads, library = roots
    src = downloads / "01.flac"
    src.write_bytes(AUDIO)
    _fail_first_replace_with(monkeypatch, errno.EXDEV)

    final = move_into_library(
        src=src, downloads_root=downloads, library_root=library, relative=PurePosixPath("A/01.flac")
    )

    assert final.read_bytes() == AUDIO
    assert not src.exists()
    assert _listing(library) == ["A", "A/01.flac"]


@pytest.mark.parametrize("relative", ["../escape.flac", "A/../../escape.flac", "/etc/escape.flac", ""])
def test_move_into_library_rejects_destination_outside_library(roots: tuple[Path, Path], relative: str):
    downloads, library = roots
    src = downloads / "01.flac"
    src.write_bytes(AUDIO)

    with pytest.raises(UnsafePath):
        move_into_library(src=src, downloads_root=downloads, library_root=library, relative=PurePosixPath(relative))

    assert src.read_bytes() == AUDIO


def test_move_into_library_rejects_symlinked_folder_leaving_library(roots: tuple[Path, Path], tmp_path: Path):
    downloads, library = roots
    outside = tmp_path / "outside"
    outside.mkdir()
    (library / "Artist").symlink_to(outside)
    src = downloads / "01.flac"
    src.write_bytes(AUDIO)

    with pytest.raises(UnsafePath):
        move_into_library(
            src=src, downloads_root=downloads, library_root=library, relative=PurePosixPath("Artist/01.flac")
        )

    assert list(outside.iterdir()) == []
    assert src.exists()


def test_move_into_library_rejects_source_outside_downloads(roots: tuple[Path, Path], tmp_path: Path):
    downloads, library = roots
    elsewhere = tmp_path / "elsewhere.flac"
    elsewhere.write_bytes(AUDIO)

    with pytest.raises(UnsafePath):
        move_into_library(
            src=elsewhere, downloads_root=downloads, library_root=library, relative=PurePosixPath("A/01.flac")
        )

    assert elsewhere.exists()
    assert _listing(library) == []


def test_move_into_library_rejects_source_symlink_leaving_downloads(roots: tuple[Path, Path], tmp_path: Path):
    downloads, library = roots
    secret = tmp_path / "secret.flac"
    secret.write_bytes(AUDIO)
    (downloads / "01.flac").symlink_to(secret)

    with pytest.raises(UnsafePath):
        move_into_library(
            src=downloads / "01.flac", downloads_root=downloads, library_root=library, relative=PurePosixPath("A.flac")
        )

    assert secret.exists()


def test_move_into_library_missing_source_leaves_no_reservation(roots: tuple[Path, Path]):
    downloads, library = roots

    with pytest.raises(FileNotFoundError):
        move_into_library(
            src=downloads / "gone.flac",
            downloads_root=downloads,
            library_root=library,
            relative=PurePosixPath("A.flac"),
        )

    assert _listing(library) == []


@pytest.mark.parametrize(
    ("audio", "suffix", "expected"),
    [
        ("/m/A/01 - Title.flac", ".lrc", "/m/A/01 - Title.lrc"),
        ("/m/A/01 - Mr. Brightside.mp3", ".lrc", "/m/A/01 - Mr. Brightside.lrc"),
        ("/m/A/01 - Title.flac", "lrc", "/m/A/01 - Title.lrc"),
    ],
)
def test_sidecar_path_table(audio: str, suffix: str, expected: str):
    assert sidecar_path(Path(audio), suffix) == Path(expected)


def test_write_atomic_creates_and_replaces(tmp_path: Path):
    target = tmp_path / "album" / "01 - Title.lrc"
    target.parent.mkdir()

    write_atomic(target, b"first")
    write_atomic(target, b"second")

    assert target.read_bytes() == b"second"
    assert _listing(target.parent) == ["01 - Title.lrc"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_write_atomic_failure_keeps_old_content_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "album" / "cover.jpg"
    target.parent.mkdir()
    target.write_bytes(b"old")
    _fail_first_replace_with(monkeypatch, errno.EIO)

    with pytest.raises(OSError, match=os.strerror(errno.EIO)):
        write_atomic(target, b"new")

    assert target.read_bytes() == b"old"
    assert _listing(target.parent) == ["cover.jpg"]
