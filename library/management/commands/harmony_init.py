"""`manage.py harmony_init` — first run: the admin login and one API key, each printed once."""

from __future__ import annotations

import os
import secrets
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from library import services


class Command(BaseCommand):
    help = "Create the admin user and an API key on first run. Safe to run again: it changes nothing then."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--username", default=settings.HARMONY_ADMIN_USERNAME)
        parser.add_argument(
            "--password", default="", help="default: HARMONY_ADMIN_PASSWORD, else a generated one, printed once"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        username = options["username"]
        user = user_model.objects.filter(username=username).first()
        if user is not None:
            self.stdout.write(
                f"login: {username} (created earlier; reset the password with `manage.py changepassword {username}`)"
            )
            if not user.api_keys.exists():
                self._print_new_key(user)
            else:
                self.stdout.write("api key: created earlier (make another with `manage.py apikey create`)")
            return
        password = options["password"] or os.environ.get("HARMONY_ADMIN_PASSWORD", "") or secrets.token_urlsafe(12)
        user = user_model.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(f"login: {username}")
        self.stdout.write(f"password: {password}")
        self._print_new_key(user)
        self.stdout.write("These are shown once. Store them now.")

    def _print_new_key(self, user: Any) -> None:
        _, raw_key = services.create_api_key(user=user, name="first key (harmony_init)")
        self.stdout.write(f"api key: {raw_key}")
