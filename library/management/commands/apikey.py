"""`manage.py apikey create|list|revoke` — API keys for the JSON API."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from library import services
from library.models import ApiKey


class Command(BaseCommand):
    help = "Create, list or revoke API keys. A new key is printed once and cannot be shown again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key and print it once")
        create.add_argument("--user", required=True, help="username that the key acts as")
        create.add_argument("--name", required=True, help="what the key is for, e.g. 'beets plugin'")
        sub.add_parser("list", help="list keys (prefix, owner, last use; never the secret)")
        revoke = sub.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix", help="the 8 characters after 'hmy_'")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"--user: no user named {options['user']!r}")
        _, raw_key = services.create_api_key(user=user, name=options["name"])
        self.stdout.write(raw_key)
        self.stderr.write("Store this key now: it is not shown again.")

    def _list(self, options: dict[str, Any]) -> None:
        keys = ApiKey.objects.select_related("user").order_by("created_at")
        self.stdout.write(f"{'KEY':<16} {'NAME':<24} {'USER':<14} {'CREATED':<20} {'LAST USED':<20} STATUS")
        for key in keys:
            self.stdout.write(
                f"hmy_{key.prefix:<12} {key.name[:24]:<24} {key.user.get_username()[:14]:<14} "
                f"{key.created_at:%Y-%m-%d %H:%M:%S}  "
                f"{f'{key.last_used_at:%Y-%m-%d %H:%M:%S}' if key.last_used_at else 'never':<20} "
                f"{'active' if key.is_active else f'revoked {key.revoked_at:%Y-%m-%d}'}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        prefix = options["prefix"].removeprefix("hmy_")[:8]
        api_key = ApiKey.objects.filter(prefix=prefix).first()
        if api_key is None:
            raise CommandError(f"prefix: no key with prefix {prefix!r}")
        services.revoke_api_key(api_key=api_key)
        self.stdout.write(f"Revoked hmy_{prefix}_… ({api_key.name})")
