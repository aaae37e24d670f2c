"""Validation of deployment settings read from the environment.

Every function raises ``ImproperlyConfigured`` with a message that starts with the name of the variable at
fault, so a misconfigured hub fails at start-up and says what to fix.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

ENVIRONMENTS = ("development", "production")
LOG_FORMATS = ("json", "text")


def choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ImproperlyConfigured(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return value


def writable_dir(name: str, value: str | Path) -> Path:
    """Create the directory if needed and prove it is writable."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name}: {str(value)!r} must be an absolute path")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".harmony-write-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}: {path} is not a writable directory ({exc.strerror})") from exc
    return path.resolve()


def database(name: str, url: str) -> dict[str, object]:
    scheme = urlsplit(url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
        raise ImproperlyConfigured(
            f"{name}: unsupported scheme {scheme!r}; use postgresql://user@host:5432/db or sqlite:////abs/path"
        )
    try:
        config: dict[str, object] = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises assorted errors on malformed URLs
        raise ImproperlyConfigured(f"{name}: cannot parse {url!r} ({exc})") from exc
    if scheme == "sqlite":
        # Web, worker and beat share the file: wait for locks instead of failing, and let readers run
        # beside the one writer.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})
        assert isinstance(config["OPTIONS"], dict)
        config["OPTIONS"].setdefault("connect_timeout", 5)
    return config


def redis_url(name: str, url: str) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ImproperlyConfigured(f"{name}: {url!r} is not a redis:// or rediss:// URL with a host")
    return url


def http_url(name: str, url: str) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"{name}: {url!r} is not an http:// or https:// URL with a host")
    return url.rstrip("/")


def secret_key(name: str, value: str, *, data_dir: Path, production: bool) -> str:
    """The configured key; in development, one generated once and kept in the data dir."""
    if value:
        if len(value) < 32:
            raise ImproperlyConfigured(f"{name}: must be at least 32 characters long")
        return value
    if production:
        raise ImproperlyConfigured(f"{name}: required when HARMONY_ENV=production")
    return _generated_once(data_dir / "secret_key", lambda: secrets.token_urlsafe(50))


def _generated_once(key_file: Path, make: Callable[[], str]) -> str:
    """The key kept in `key_file`, written (0600) by whichever process gets there first."""
    try:
        # O_EXCL: web, worker and beat may start together; exactly one of them writes the key.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return key_file.read_text().strip()


def encryption_key(name: str, value: str, *, data_dir: Path, production: bool) -> str:
    """A Fernet key for secrets at rest (OAuth tokens): configured, or generated once into the data dir."""
    from cryptography.fernet import Fernet

    if value:
        try:
            Fernet(value.encode())
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"{name}: not a Fernet key (32 url-safe base64-encoded bytes; make one with "
                "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)"
            ) from exc
        return value
    if production:
        raise ImproperlyConfigured(f"{name}: required when HARMONY_ENV=production")
    return _generated_once(data_dir / "encryption_key", lambda: Fernet.generate_key().decode())
