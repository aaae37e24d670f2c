"""Moving finished downloads into the library without losing, clobbering or half-writing a file.

File-system only (no Django). Every destination is reserved first with O_CREAT|O_EXCL so two workers finishing
the same album never pick the same name, then filled by a rename; across file systems (downloads on one volume,
the library on another) the data is copied to a temporary file beside the destination, fsynced and renamed, so
a reader or a crash never sees a partial library file, and the source is unlinked only after that.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Final

logger = logging.getLogger(__name__)

MAX_UNIQUE_ATTEMPTS: Final = 1000
_FILE_MODE: Final = 0o644
_TEMP_PREFIX: Final = ".harmony-"
_TEMP_SUFFIX: Final = ".part"


class UnsafePath(ValueError):
    """A path that resolves (symlinks included) outside the folder it must stay in."""


def confined(root: Path, path: Path) -> Path:
    """`path` resolved (relative paths against `root`); UnsafePath unless it lies inside `root`."""
    resolved_root = root.resolve()
    resolved = (resolved_root / path).resolve()
    if not resolved.is_relative_to(resolved_root):
        raise UnsafePath(f"{path} is outside {resolved_root}")
    return resolved


def reserve_unique(dest: Path) -> Path:
    """Create an empty `dest`, or `stem_1.ext`, `stem_2.ext`, … when taken; returns the path created.

    O_CREAT|O_EXCL makes the check and the creation one step, so concurrent workers get different names.
    """
    for attempt in range(MAX_UNIQUE_ATTEMPTS):
        candidate = dest if attempt == 0 else dest.with_name(f"{dest.stem}_{attempt}{dest.suffix}")
        try:
            descriptor = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, _FILE_MODE)
        except FileExistsError:
            continue
        os.close(descriptor)
        return candidate
    raise FileExistsError(errno.EEXIST, f"no free name after {MAX_UNIQUE_ATTEMPTS} attempts", str(dest))


def atomic_move(src: Path, dest: Path) -> None:
    """Move `src` over the reserved `dest` (a rename, or copy + fsync + rename across file systems).

    On failure `src` is intact, the reserved `dest` is removed and the error propagates.
    """
    try:
        try:
            os.replace(src, dest)
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
            _copy_into_place(src, dest)
            _unlink_source(src)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    _fsync_directory(dest.parent)


def move_into_library(*, src: Path, downloads_root: Path, library_root: Path, relative: PurePosixPath) -> Path:
    """Move a finished download to `library_root / relative` (or `…_1.ext` when taken); returns the final path.

    Side effects: creates missing folders under `library_root`, creates and fills the destination file,
    removes `src`. UnsafePath when `src` is not under `downloads_root` or `relative` leaves `library_root`
    (`..`, an absolute path, a symlinked folder pointing elsewhere); FileNotFoundError when `src` is not a file.
    """
    source = confined(downloads_root, src)
    if not source.is_file():
        raise FileNotFoundError(errno.ENOENT, "not a regular file", str(src))
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise UnsafePath(f"{relative} is not a relative path inside the library")
    dest = confined(library_root, Path(*relative.parts))
    dest.parent.mkdir(parents=True, exist_ok=True)
    # A folder swapped for a symlink between the check and mkdir would escape: check the created folder again.
    confined(library_root, dest.parent)
    final = reserve_unique(dest)
    atomic_move(source, final)
    return final


def sidecar_path(audio: Path, suffix: str) -> Path:
    """The file beside `audio` with the same base name and `suffix` (".lrc": `01 - Title.flac` -> `01 - Title.lrc`)."""
    return audio.with_suffix("." + suffix.lstrip("."))


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` so readers see the old content or all of `data`, never a part (temp file + fsync + rename)."""
    descriptor, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(_FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _copy_into_place(src: Path, dest: Path) -> None:
    descriptor, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=dest.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as target, src.open("rb") as source:
            shutil.copyfileobj(source, target, length=1024 * 1024)
            target.flush()
            os.fsync(target.fileno())
        temp.chmod(_FILE_MODE)
        os.replace(temp, dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(dest.parent)


def _unlink_source(src: Path) -> None:
    # The library copy is complete and durable; a download that cannot be removed is only a leftover.
    try:
        src.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        logger.warning("moved %s into the library but could not remove it", src, exc_info=True)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; some file systems (SMB, some FUSE) refuse fsync on a directory.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
