from django.apps import AppConfig


class LibraryConfig(AppConfig):
    """What Harmony owns: tracks, downloads and their state machine, and the hub's API keys."""

    name = "library"
    verbose_name = "Library"
    default_auto_field = "django.db.models.BigAutoField"
