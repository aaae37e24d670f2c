"""Getting wanted tracks in: playlist exports, links, Spotify PRO and backfill."""
