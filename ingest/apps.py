from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Getting wanted tracks in: playlist exports, links, Spotify PRO and backfill."""

    name = "ingest"
    verbose_name = "Ingest"
    default_auto_field = "django.db.models.BigAutoField"
