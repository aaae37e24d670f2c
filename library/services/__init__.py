"""Writes and side effects of the library app, one module per concern.

`api_keys`: the API's keys. `wants`: tracks and their downloads (the user's actions). `transfers`: the download
state machine advanced by the poller. `verify`: checking the file that arrived.
"""

from library.services.api_keys import (
    API_KEY_PREFIX,
    LAST_USED_RESOLUTION,
    authenticate_api_key,
    create_api_key,
    revoke_api_key,
)

__all__ = [
    "API_KEY_PREFIX",
    "LAST_USED_RESOLUTION",
    "authenticate_api_key",
    "create_api_key",
    "revoke_api_key",
]
