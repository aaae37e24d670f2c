"""Secrets at rest: OAuth tokens are stored encrypted with the key from HARMONY_ENCRYPTION_KEY (Fernet)."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class UnreadableSecret(Exception):
    """A stored secret cannot be decrypted: the encryption key changed since it was written."""


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(text: str) -> str:
    return _fernet(settings.HARMONY_ENCRYPTION_KEY).encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.HARMONY_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise UnreadableSecret("stored secret cannot be decrypted (was HARMONY_ENCRYPTION_KEY changed?)") from exc
