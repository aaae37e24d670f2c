from django.apps import AppConfig


class WatchlistConfig(AppConfig):
    """Watching artists for new releases."""

    name = "watchlist"
    verbose_name = "Watchlist"
    default_auto_field = "django.db.models.BigAutoField"
