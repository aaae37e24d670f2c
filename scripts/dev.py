#!/usr/bin/env python3
"""Harmony on a laptop, with nothing but Python 3.11+.

    python3 scripts/dev.py up      # venv + install + migrate + first login, then web, worker, beat (+ demo emulators)
    python3 scripts/dev.py test    # venv + dev install, then the whole test suite (pytest arguments pass through)
    python3 scripts/dev.py lint    # ruff and mypy, as CI runs them

This file uses the standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("HARMONY_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def say(message: str) -> None:
    print(f"harmony: {message}", flush=True)


def ensure_venv(requirements: str) -> None:
    """Create the virtualenv once and install `requirements` whenever the file (or what it includes) changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs on whatever python3 the user has
        sys.exit(f"harmony: Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        say(f"creating the virtualenv in {VENV}")
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        except Exception as exc:  # Debian/Ubuntu ship venv without ensurepip
            sys.exit(f"harmony: could not create a virtualenv ({exc}); on Debian/Ubuntu: apt install python3-venv")
    digest = hashlib.sha256()
    for name in ("requirements.txt", requirements):
        digest.update((ROOT / name).read_bytes())
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    say(f"installing {requirements} (first run or changed requirements)")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-r", str(ROOT / requirements)], check=True)
    stamp.write_text(digest.hexdigest())


def dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of `.env`, so the supervisor sees what Django will see."""
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip("'\"")
    return values


class Supervisor:
    """Runs the hub's processes, prefixes their output, and stops them all when one stops or on Ctrl-C."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.children: dict[str, subprocess.Popen[str]] = {}

    def start(self, name: str, args: list[str], *, first_line: list[str] | None = None) -> subprocess.Popen[str]:
        """Start a child and relay its output; with `first_line`, its first line is read into that list first
        (before the relay starts, so the two never race for it)."""
        child = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        self.children[name] = child
        if first_line is not None:
            assert child.stdout is not None
            first_line.append(child.stdout.readline())
        threading.Thread(target=self._relay, args=(name, child), daemon=True).start()
        return child

    @staticmethod
    def _relay(name: str, child: subprocess.Popen[str]) -> None:
        assert child.stdout is not None
        for line in child.stdout:
            print(f"{name:>9} | {line}", end="", flush=True)

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in self.children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()

    def wait(self) -> int:
        while True:
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    say(f"{name} stopped (exit {code}); stopping the others")
                    return code or 1
            time.sleep(0.5)


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"harmony: manage.py {' '.join(args)} failed:\n{result.stderr.strip()}")
    return result.stdout


def wait_until_ready(url: str, children: Supervisor, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children.children.values()):
            return False
        try:
            with urllib.request.urlopen(f"{url}/api/v1/ready", timeout=3) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    return False


def up(args: argparse.Namespace) -> int:
    ensure_venv("requirements.txt")
    env = {**os.environ, **dotenv(ROOT / ".env"), "PYTHONUNBUFFERED": "1"}
    supervisor = Supervisor(env)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        if not args.no_demo:
            # The demo runner's first line is JSON: the variables that point Harmony at the emulators it started.
            first: list[str] = []
            demo = supervisor.start("emulators", [str(PYTHON), "-m", "emulators", "demo"], first_line=first)
            demo_env = json.loads(first[0]) if first and first[0].startswith("{") else {}
            if demo_env:
                if "SPOTIFY_REDIRECT_URI" in demo_env:  # the callback is this hub's own address
                    demo_env["SPOTIFY_REDIRECT_URI"] = f"http://{args.host}:{args.port}/spotify/callback"
                say("demo mode: emulators stand in for " + ", ".join(sorted(demo_env)))
                env.update(demo_env)
            else:
                supervisor.children.pop("emulators")
                demo.terminate()
        say("applying database migrations")
        manage(env, "migrate", "--noinput", "-v", "0")
        first_run = manage(env, "harmony_init")
        url = f"http://{args.host}:{args.port}"
        supervisor.start(
            "web",
            [
                str(BIN / "gunicorn"),
                "harmony.wsgi",
                "--bind",
                f"{args.host}:{args.port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
            ],
        )
        supervisor.start("worker", [str(BIN / "celery"), "-A", "harmony", "worker", "--concurrency", "2", "-l", "INFO"])
        supervisor.start("beat", [str(BIN / "celery"), "-A", "harmony", "beat", "-l", "INFO"])
        if not wait_until_ready(url, supervisor):
            say("Harmony did not become ready; see the lines above")
            return 1
        print("\n" + "=" * 72)
        print(f"  Harmony is running at {url}/")
        for line in first_run.strip().splitlines():
            print(f"  {line}")
        print(f"  API docs: {url}/api/v1/docs/      Stop with Ctrl-C")
        print("=" * 72 + "\n", flush=True)
        return supervisor.wait()
    except KeyboardInterrupt:
        say("stopping")
        return 0
    finally:
        supervisor.stop()


def test(args: argparse.Namespace) -> int:
    ensure_venv("requirements-dev.txt")
    return subprocess.run([str(PYTHON), "-m", "pytest", *args.pytest_args], cwd=ROOT, check=False).returncode


def lint(args: argparse.Namespace) -> int:
    ensure_venv("requirements-dev.txt")
    steps = [
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "."],
        [str(BIN / "mypy"), "."],
    ]
    for step in steps:
        say(" ".join(Path(step[0]).name if i == 0 else part for i, part in enumerate(step)))
        if subprocess.run(step, cwd=ROOT, check=False).returncode != 0:
            return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/dev.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    up_parser = sub.add_parser("up", help="install, migrate, create the first login and run the whole hub")
    up_parser.add_argument("--host", default="127.0.0.1")
    up_parser.add_argument("--port", type=int, default=8000)
    up_parser.add_argument("--no-demo", action="store_true", help="do not start emulators for unconfigured services")
    test_parser = sub.add_parser("test", help="install the dev requirements and run the test suite")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest")
    sub.add_parser("lint", help="ruff and mypy")
    args = parser.parse_args()
    return {"up": up, "test": test, "lint": lint}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
