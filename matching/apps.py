from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Choosing a Soulseek file: pure scoring plus search and candidate persistence."""

    name = "matching"
    verbose_name = "Matching"
    default_auto_field = "django.db.models.BigAutoField"
