from __future__ import annotations

from django.db import models
from django.utils import timezone


class WatchedArtist(models.Model):
    """An artist whose new releases the user wants to hear about: followed on Spotify or added by hand.

    `spotify_id` is unique when set, so importing the followed artists again never doubles a row.
    """

    class Source(models.TextChoices):
        SPOTIFY = "spotify", "Followed on Spotify"
        MANUAL = "manual", "Added by hand"

    name = models.CharField(max_length=500)
    spotify_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    active = models.BooleanField(default=True, help_text="Inactive artists are kept but not watched.")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["spotify_id"], condition=~models.Q(spotify_id=""), name="watchedartist_unique_spotify_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name
