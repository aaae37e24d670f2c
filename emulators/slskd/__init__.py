"""An slskd (Soulseek daemon) emulator: its REST API over a scenario of peers, with real audio downloads."""

from emulators.slskd.app import SlskdEmulator, add_arguments, build
from emulators.slskd.catalogue import builtin_catalogue
from emulators.slskd.core import DEFAULT_API_KEY
from emulators.slskd.scenario import Peer, Scenario, SharedFile, load_scenario

__all__ = [
    "DEFAULT_API_KEY",
    "Peer",
    "Scenario",
    "SharedFile",
    "SlskdEmulator",
    "add_arguments",
    "build",
    "builtin_catalogue",
    "load_scenario",
]
