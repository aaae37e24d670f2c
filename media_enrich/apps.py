from django.apps import AppConfig


class MediaEnrichConfig(AppConfig):
    """A finished download becomes a verified, tagged, organised library file."""

    name = "media_enrich"
    verbose_name = "Finishing"
    default_auto_field = "django.db.models.BigAutoField"
