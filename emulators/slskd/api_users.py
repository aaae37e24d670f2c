"""`/api/v0/users/{username}/…` (§5): presence, info, endpoint, browse and one-directory listings."""

from __future__ import annotations

import zlib
from collections import defaultdict
from typing import Any

from werkzeug.wrappers import Request, Response

from emulators.slskd.core import INVALID, EmulatorCore
from emulators.slskd.scenario import Peer, SharedFile
from emulators.slskd.wire import compact, empty, json_body, message

_ATTRIBUTES = (  # (attribute type, JSON field, SharedFile field), in the order peers send them
    ("BitRate", "bitRate", "bit_rate"),
    ("Length", "length", "length_s"),
    ("VariableBitRate", "isVariableBitRate", "vbr"),
    ("SampleRate", "sampleRate", "sample_rate"),
    ("BitDepth", "bitDepth", "bit_depth"),
)


def browse_file_json(shared: SharedFile) -> dict[str, Any]:
    """A file inside a directory listing: bare file name plus the attribute list (§5)."""
    hidden = set(shared.hide)
    attributes = []
    fields: dict[str, Any] = {}
    for attribute_type, json_name, field_name in _ATTRIBUTES:
        value = getattr(shared, field_name)
        if value is None or json_name in hidden:
            continue
        attributes.append({"type": attribute_type, "value": int(value)})
        fields[json_name] = value
    return compact(
        {
            "attributeCount": len(attributes),
            "attributes": attributes,
            **fields,
            "code": 1,
            "extension": "" if "extension" in hidden else shared.extension,
            "filename": shared.name,
            "size": shared.effective_size,
        }
    )


def directories_json(files: list[SharedFile]) -> list[dict[str, Any]]:
    grouped: dict[str, list[SharedFile]] = defaultdict(list)
    for shared in files:
        grouped[shared.directory].append(shared)
    return [
        {"name": name, "fileCount": len(members), "files": [browse_file_json(shared) for shared in members]}
        for name, members in grouped.items()
    ]


def _offline(username: str) -> Response:
    return message(f"User {username} appears to be offline", 404)


class UserRoutes(EmulatorCore):
    def user_status(self, request: Request, username: str) -> Response:
        # The server answers for any name; unknown and offline users are simply "Offline".
        presence = "Online" if self.online_peer(username) else "Offline"
        return json_body({"isPrivileged": False, "presence": presence})

    def user_info(self, request: Request, username: str) -> Response:
        peer = self.online_peer(username)
        if peer is None:
            return _offline(username)
        if peer.behaviour == "timeout":
            return message("Operation timed out", 500)
        return json_body(
            {
                "description": f"{peer.username}'s shares. Please say hi before leeching whole discographies.",
                "hasFreeUploadSlot": peer.has_free_upload_slot,
                "hasPicture": False,
                "queueLength": peer.queue_length,
                "uploadSlots": 2,
            }
        )

    def user_endpoint(self, request: Request, username: str) -> Response:
        peer = self.online_peer(username)
        if peer is None:
            return _offline(username)
        seed = zlib.crc32(peer.username.encode())
        address = f"10.{seed >> 16 & 0xFF}.{seed >> 8 & 0xFF}.{seed & 0xFF or 1}"
        return json_body({"addressFamily": "InterNetwork", "address": address, "port": 2234})

    def user_browse(self, request: Request, username: str) -> Response:
        peer = self.online_peer(username)
        if peer is None:
            return _offline(username)
        open_dirs = directories_json([shared for shared in peer.files if not shared.locked])
        locked_dirs = directories_json([shared for shared in peer.files if shared.locked])
        return json_body(
            {
                "directories": open_dirs,
                "directoryCount": len(open_dirs),
                "lockedDirectories": locked_dirs,
                "lockedDirectoryCount": len(locked_dirs),
            }
        )

    def user_browse_status(self, request: Request, username: str) -> Response:
        return empty(404)  # browses finish within the request here, so none is ever "running"

    def user_directory(self, request: Request, username: str) -> Response:
        body = self.json_of(request)
        if body is INVALID or not isinstance(body, dict) or not isinstance(body.get("directory"), str):
            return empty(400)
        peer: Peer | None = self.online_peer(username)
        if peer is None:
            return _offline(username)
        wanted = body["directory"]
        files = [shared for shared in peer.files if shared.directory == wanted and not shared.locked]
        listing = {"name": wanted, "fileCount": len(files), "files": [browse_file_json(shared) for shared in files]}
        # ≤ 0.22.2 answers with the directory itself, 0.22.3+ with a list of directories (§5).
        return json_body([listing] if self.at_least((0, 22, 3)) else listing)
