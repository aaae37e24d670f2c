"""The test suite itself: sealed from the network, and production code free of the emulators."""

from __future__ import annotations

import ast
import socket

import pytest
from pytest_socket import SocketConnectBlockedError

from tests.helpers import REPO_ROOT

PRODUCTION_PACKAGES = ["harmony", "library", "ingest", "matching", "watchlist", "media_enrich"]


@pytest.mark.filterwarnings("ignore:A test tried to use socket:UserWarning")
def test_connections_beyond_loopback_fail_loudly():
    # A name under the reserved .invalid domain: the guard refuses it before any lookup or packet.
    with socket.socket() as sock, pytest.raises(SocketConnectBlockedError):
        sock.connect(("harmony-test.invalid", 80))


def test_loopback_connections_are_allowed():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with socket.create_connection(listener.getsockname(), timeout=2):
            pass


def _imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_production_code_never_imports_the_emulators():
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for package in PRODUCTION_PACKAGES
        for path in (REPO_ROOT / package).rglob("*.py")
        if any(name == "emulators" or name.startswith("emulators.") for name in _imported_modules(path))
    ]

    assert offenders == []
