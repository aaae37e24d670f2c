"""API keys: created, checked and revoked here only."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError
from django.utils import timezone

from harmony.errors import Conflict
from library.models import ApiKey

API_KEY_PREFIX = "hmy_"
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
# Writing last_used_at on every request would turn every API read into a write; once a minute is plenty.
LAST_USED_RESOLUTION = timedelta(seconds=60)


def _hash_secret(secret: str) -> str:
    # The secret is 32 random bytes, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(*, user: User, name: str) -> tuple[ApiKey, str]:
    """Create a key for `user` and return it with the full key text, which is never retrievable again.

    Side effects: inserts one ApiKey row.
    """
    for _ in range(5):
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(8))
        secret = secrets.token_urlsafe(32)
        try:
            api_key = ApiKey.objects.create(
                user=user, name=name.strip() or "unnamed", prefix=prefix, hashed_secret=_hash_secret(secret)
            )
        except IntegrityError:
            continue
        return api_key, f"{API_KEY_PREFIX}{prefix}_{secret}"
    raise Conflict("Could not allocate a unique API key prefix; try again.")


def revoke_api_key(*, api_key: ApiKey) -> ApiKey:
    """Mark the key revoked; it stops working at once. Revoking twice keeps the first time.

    Side effects: updates the ApiKey row.
    """
    ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    api_key.refresh_from_db()
    return api_key


def authenticate_api_key(*, raw_key: str) -> ApiKey | None:
    """The active key matching `raw_key`, or None.

    Side effects: records the time of use (at most once per LAST_USED_RESOLUTION).
    """
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    prefix, _, secret = raw_key[len(API_KEY_PREFIX) :].partition("_")
    if len(prefix) != 8 or not secret:
        return None
    api_key = ApiKey.objects.active().select_related("user").filter(prefix=prefix).first()
    if api_key is None or not hmac.compare_digest(api_key.hashed_secret, _hash_secret(secret)):
        return None
    if not api_key.user.is_active:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
