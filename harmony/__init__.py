"""Harmony: turns wanted tracks into correct, well-tagged files in a self-hosted music library."""

from harmony.celery import app as celery_app

__version__ = "0.1.0"
__all__ = ["__version__", "celery_app"]
