"""A tiny example service that proves the emulator base: an in-memory store of notes."""

from __future__ import annotations

import argparse
import itertools
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from emulators.base import EmulatorApp, json_response


class EchoEmulator(EmulatorApp):
    name = "echo"
    routes = [
        Rule("/ping", endpoint="ping", methods=["GET"]),
        Rule("/echo", endpoint="echo", methods=["POST"]),
        Rule("/notes", endpoint="create_note", methods=["POST"]),
        Rule("/notes/<int:note_id>", endpoint="get_note", methods=["GET"]),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[int, Any] = {}
        self._ids = itertools.count(1)

    def ping(self, request: Request) -> Response:
        return json_response({"pong": True})

    def echo(self, request: Request) -> Response:
        return json_response({"method": request.method, "json": request.get_json(silent=True)})

    def create_note(self, request: Request) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return json_response({"error": 'body must be {"text": string}'}, status=400)
        with self.lock:
            note_id = next(self._ids)
            self.notes[note_id] = body["text"]
        return json_response({"id": note_id, "text": body["text"]}, status=201)

    def get_note(self, request: Request, note_id: int) -> Response:
        if note_id not in self.notes:
            return self.not_found(request)
        return json_response({"id": note_id, "text": self.notes[note_id]})


def build(args: argparse.Namespace) -> EchoEmulator:
    return EchoEmulator()
