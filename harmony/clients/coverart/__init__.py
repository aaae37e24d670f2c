"""Cover Art Archive client (contract: shared/contracts/metadata_services.md §4.4).

`CoverArtClient` lists a release's (or release group's) images and fetches the front image at a thumbnail size,
following the archive's redirects by hand under a host allow-list and refusing bodies past a size cap. Failures
follow the transient/permanent split: `CoverArtUnavailable` is worth retrying later; `CoverArtRejected` (and
`CoverArtNotFound`, `CoverArtBlocked` — also an `OutboundBlocked`) is not.
"""

from harmony.clients.coverart.client import MAX_REDIRECTS, CoverArtClient, Kind
from harmony.clients.coverart.data import THUMBNAIL_SIZES, CoverArtImage, FetchedImage
from harmony.clients.coverart.errors import (
    SERVICE,
    CoverArtBlocked,
    CoverArtNotFound,
    CoverArtRejected,
    CoverArtUnavailable,
)

__all__ = [
    "MAX_REDIRECTS",
    "SERVICE",
    "THUMBNAIL_SIZES",
    "CoverArtBlocked",
    "CoverArtClient",
    "CoverArtImage",
    "CoverArtNotFound",
    "CoverArtRejected",
    "CoverArtUnavailable",
    "FetchedImage",
    "Kind",
]
