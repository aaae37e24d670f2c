"""Secrets at rest."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from harmony import crypto


def test_round_trip_and_ciphertext_hides_the_text():
    stored = crypto.encrypt("BQDa1x9-access-token")

    assert "BQDa1x9" not in stored
    assert crypto.decrypt(stored) == "BQDa1x9-access-token"


def test_a_changed_key_says_so(settings):
    stored = crypto.encrypt("token")
    settings.HARMONY_ENCRYPTION_KEY = Fernet.generate_key().decode()

    with pytest.raises(crypto.UnreadableSecret, match="HARMONY_ENCRYPTION_KEY"):
        crypto.decrypt(stored)
