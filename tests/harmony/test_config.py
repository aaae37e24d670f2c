"""Settings: safe defaults for a fresh checkout, and start-up failures that name the variable at fault."""

from __future__ import annotations

import json
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from harmony import config
from tests.helpers import child_env, run_manage, run_python

_PRINT_SETTINGS = (
    "import django, json; django.setup()\n"
    "from django.conf import settings as s\n"
    "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'],"
    " 'db_name': str(s.DATABASES['default']['NAME']), 'broker': s.CELERY_BROKER_URL,"
    " 'music': str(s.HARMONY_MUSIC_DIR), 'downloads': str(s.HARMONY_DOWNLOADS_DIR),"
    " 'secret': s.SECRET_KEY, 'log_format': s.HARMONY_LOG_FORMAT, 'acks_late': s.CELERY_TASK_ACKS_LATE,"
    " 'prefetch': s.CELERY_WORKER_PREFETCH_MULTIPLIER, 'beat': s.CELERY_BEAT_SCHEDULER,"
    " 'cache': s.CACHES['default']['BACKEND'], 'hosts': s.ALLOWED_HOSTS}))"
)


def _settings_of_child(tmp_path, **env):
    result = run_python(_PRINT_SETTINGS, child_env(tmp_path, **env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_fresh_checkout_defaults_are_safe_and_embedded(tmp_path):
    values = _settings_of_child(tmp_path)

    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(tmp_path / "harmony.sqlite3")
    assert values["broker"] == "filesystem://"
    assert values["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert values["music"] == str(tmp_path / "music")
    assert values["downloads"] == str(tmp_path / "downloads")
    assert values["log_format"] == "text"
    assert values["acks_late"] is True
    assert values["prefetch"] == 1
    assert values["beat"] == "django_celery_beat.schedulers:DatabaseScheduler"
    assert values["hosts"] == ["localhost", "127.0.0.1", "[::1]"]


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = _settings_of_child(tmp_path)["secret"]
    second = _settings_of_child(tmp_path)["secret"]

    assert first == second
    assert len(first) >= 50
    for name in ("secret_key", "encryption_key"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


def test_configured_services_switch_to_postgres_and_redis(tmp_path):
    values = _settings_of_child(
        tmp_path, DATABASE_URL="postgresql://harmony:pw@db.example:5432/harmony", REDIS_URL="redis://cache:6379/2"
    )

    assert values["engine"] == "django.db.backends.postgresql"
    assert values["broker"] == "redis://cache:6379/2"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_production_defaults_to_json_logs(tmp_path):
    from cryptography.fernet import Fernet

    values = _settings_of_child(
        tmp_path, HARMONY_ENV="production", SECRET_KEY="x" * 40, HARMONY_ENCRYPTION_KEY=Fernet.generate_key().decode()
    )

    assert values["log_format"] == "json"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/harmony"}, "DATABASE_URL: unsupported scheme 'mysql'"),
        ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL: 'http://localhost:6379' is not a redis://"),
        ({"SLSKD_URL": "localhost:5030"}, "SLSKD_URL: 'localhost:5030' is not an http:// or https:// URL"),
        ({"HARMONY_ENV": "staging"}, "HARMONY_ENV: 'staging' is not one of development, production"),
        ({"HARMONY_ENV": "production"}, "SECRET_KEY: required when HARMONY_ENV=production"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY: must be at least 32 characters long"),
        ({"HARMONY_MUSIC_DIR": "relative/music"}, "HARMONY_MUSIC_DIR: 'relative/music' must be an absolute path"),
        ({"HARMONY_LOG_FORMAT": "xml"}, "HARMONY_LOG_FORMAT: 'xml' is not one of json, text"),
        ({"HARMONY_ENCRYPTION_KEY": "not-a-key"}, "HARMONY_ENCRYPTION_KEY: not a Fernet key"),
        (
            {"HARMONY_ENV": "production", "SECRET_KEY": "x" * 40},
            "HARMONY_ENCRYPTION_KEY: required when HARMONY_ENV=production",
        ),
    ],
)
def test_misconfiguration_fails_at_start_naming_the_variable(tmp_path, env, message):
    result = run_manage("check", env=child_env(tmp_path, **env))

    assert result.returncode != 0
    assert message in result.stderr


def test_unwritable_directory_fails_at_start_naming_the_variable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")

    result = run_manage("check", env=child_env(tmp_path / "data", HARMONY_DOWNLOADS_DIR=str(blocker / "downloads")))

    assert result.returncode != 0
    assert f"HARMONY_DOWNLOADS_DIR: {blocker / 'downloads'} is not a writable directory" in result.stderr


def test_writable_dir_creates_missing_directories(tmp_path):
    assert config.writable_dir("X", tmp_path / "a" / "b") == (tmp_path / "a" / "b").resolve()


def test_sqlite_gets_lock_waiting_options_for_several_processes():
    options = config.database("DATABASE_URL", "sqlite:////tmp/h.sqlite3")["OPTIONS"]

    assert options["timeout"] == 20
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.parametrize("url", ["", "redis://localhost:6379/0", "rediss://user:pw@host:6380/1"])
def test_redis_url_accepts_empty_and_redis_schemes(url):
    assert config.redis_url("REDIS_URL", url) == url


def test_http_url_strips_trailing_slash():
    assert config.http_url("SLSKD_URL", "http://slskd:5030/slskd/") == "http://slskd:5030/slskd"


def test_database_url_that_cannot_be_parsed_is_named():
    with pytest.raises(ImproperlyConfigured, match=r"^DATABASE_URL: "):
        config.database("DATABASE_URL", "postgresql://user@host:notaport/db")
