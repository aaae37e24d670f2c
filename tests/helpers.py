"""Running Harmony in a child process, for what one process cannot show (start-up failures, other settings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Variables of the parent that would leak into the child's configuration.
_HARMONY_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "HARMONY_ENV",
    "DEBUG",
    "SLSKD_URL",
    "SLSKD_API_KEY",
    "SPOTIFY_CLIENT_ID",
    "HARMONY_DATA_DIR",
    "HARMONY_MUSIC_DIR",
    "HARMONY_DOWNLOADS_DIR",
    "HARMONY_LOG_FORMAT",
)


def child_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _HARMONY_VARS}
    env.update(
        {"HARMONY_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "harmony.settings", "PYTHONPATH": str(REPO_ROOT)}
    )
    env.update(overrides)
    return env


def run_python(code: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def run_manage(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
