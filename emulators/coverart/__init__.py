"""A Cover Art Archive emulator (307s to an archive.org stand-in, real JPEG/PNG files) for the MusicBrainz demo."""

from emulators.coverart.app import (
    ORIGINAL_PX,
    CoverArtEmulator,
    CoverImage,
    add_arguments,
    build,
    colour_of,
    images_of,
)

__all__ = ["ORIGINAL_PX", "CoverArtEmulator", "CoverImage", "add_arguments", "build", "colour_of", "images_of"]
