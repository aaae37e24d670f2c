"""Harmony settings: every knob comes from the environment (or a `.env` file) with a safe default.

`.env.example` lists each variable with a one-line comment; the README's configuration reference matches it.
"""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
import environ

from harmony import config

# Lets classes such as ModelAdmin[ApiKey] and QuerySet[ApiKey] be subscripted at run time, for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

HARMONY_ENV = config.choice("HARMONY_ENV", env.str("HARMONY_ENV", "development"), config.ENVIRONMENTS)
IS_PRODUCTION = HARMONY_ENV == "production"
DEBUG = env.bool("DEBUG", False)

HARMONY_DATA_DIR = config.writable_dir("HARMONY_DATA_DIR", env.str("HARMONY_DATA_DIR", str(BASE_DIR / "var")))
HARMONY_MUSIC_DIR = config.writable_dir(
    "HARMONY_MUSIC_DIR", env.str("HARMONY_MUSIC_DIR", str(HARMONY_DATA_DIR / "music"))
)
HARMONY_DOWNLOADS_DIR = config.writable_dir(
    "HARMONY_DOWNLOADS_DIR", env.str("HARMONY_DOWNLOADS_DIR", str(HARMONY_DATA_DIR / "downloads"))
)

SECRET_KEY = config.secret_key(
    "SECRET_KEY", env.str("SECRET_KEY", ""), data_dir=HARMONY_DATA_DIR, production=IS_PRODUCTION
)

# Secrets kept in the database (OAuth tokens) are encrypted with this key; losing it means reconnecting Spotify.
HARMONY_ENCRYPTION_KEY = config.encryption_key(
    "HARMONY_ENCRYPTION_KEY",
    env.str("HARMONY_ENCRYPTION_KEY", ""),
    data_dir=HARMONY_DATA_DIR,
    production=IS_PRODUCTION,
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["X-Request-ID", "Retry-After"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "library",
    "ingest",
    "matching",
    "watchlist",
    "media_enrich",
]

MIDDLEWARE = [
    "harmony.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "harmony.urls"
WSGI_APPLICATION = "harmony.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "harmony.views.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": config.database(
        "DATABASE_URL", env.str("DATABASE_URL", f"sqlite:///{HARMONY_DATA_DIR / 'harmony.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = config.redis_url("REDIS_URL", env.str("REDIS_URL", ""))

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "harmony",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # A file cache is shared by the web, worker and beat processes on one machine.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(HARMONY_DATA_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Login attempts: a user/IP pair is locked out for a while after a few failures (django-axes).
AXES_FAILURE_LIMIT = env.int("HARMONY_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.float("HARMONY_LOGIN_COOLOFF_MINUTES", 15.0) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("HARMONY_PROXY_COUNT", 0)
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = HARMONY_DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "harmony.api.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "harmony.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "harmony.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
HARMONY_API_PAGE_SIZE = env.int("HARMONY_API_PAGE_SIZE", 50)
HARMONY_API_MAX_PAGE_SIZE = env.int("HARMONY_API_MAX_PAGE_SIZE", 500)

SPECTACULAR_SETTINGS = {
    "TITLE": "Harmony API",
    "DESCRIPTION": "Wanted tracks in, well-tagged files out. Authenticate with `X-API-Key` or a Bearer key.",
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "BearerKey": {"type": "http", "scheme": "bearer"},
        }
    },
    "SECURITY": [{"ApiKeyHeader": []}, {"BearerKey": []}],
}

# Health checks: each dependency check gets this long before it counts as failed.
HARMONY_READY_CHECK_TIMEOUT = env.float("HARMONY_READY_CHECK_TIMEOUT", 2.0)
HARMONY_HEARTBEAT_INTERVAL = env.int("HARMONY_HEARTBEAT_INTERVAL", 30)
# Acquisition: the Soulseek search budget (defaults for the runtime settings) and how often the pollers run.
HARMONY_SEARCH_BUDGET = env.int("HARMONY_SEARCH_BUDGET", 34)
HARMONY_SEARCH_WINDOW_S = env.int("HARMONY_SEARCH_WINDOW_S", 220)
HARMONY_SEARCH_POLL_INTERVAL = env.float("HARMONY_SEARCH_POLL_INTERVAL", 2.0)
HARMONY_DOWNLOAD_POLL_INTERVAL = env.float("HARMONY_DOWNLOAD_POLL_INTERVAL", 3.0)
# Imports: limits per request, and how many imports may wait or run before new ones are refused (429).
HARMONY_IMPORT_MAX_BYTES = env.int("HARMONY_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
HARMONY_IMPORT_MAX_LINES = env.int("HARMONY_IMPORT_MAX_LINES", 20_000)
HARMONY_IMPORT_MAX_TRACKS = env.int("HARMONY_IMPORT_MAX_TRACKS", 20_000)
HARMONY_IMPORT_MAX_LINKS = env.int("HARMONY_IMPORT_MAX_LINKS", 50)
HARMONY_IMPORT_MAX_PENDING_JOBS = env.int("HARMONY_IMPORT_MAX_PENDING_JOBS", 5)
# Request bodies up to the import limit (plus room for JSON and multipart framing) are read; larger ones are 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = HARMONY_IMPORT_MAX_BYTES * 2 + 64 * 1024
HARMONY_ADMIN_USERNAME = env.str("HARMONY_ADMIN_USERNAME", "admin")
HARMONY_HTTP_USER_AGENT = env.str("HARMONY_HTTP_USER_AGENT", "Harmony/0.1 (self-hosted music hub)")

# External services. An empty URL means "not configured": the ready check skips it and the dashboard says so.
SLSKD_URL = config.http_url("SLSKD_URL", env.str("SLSKD_URL", ""))
SLSKD_API_KEY = env.str("SLSKD_API_KEY", "")
SPOTIFY_CLIENT_ID = env.str("SPOTIFY_CLIENT_ID", "")
SPOTIFY_REDIRECT_URI = config.http_url("SPOTIFY_REDIRECT_URI", env.str("SPOTIFY_REDIRECT_URI", ""))
SPOTIFY_ACCOUNTS_URL = config.http_url(
    "SPOTIFY_ACCOUNTS_URL", env.str("SPOTIFY_ACCOUNTS_URL", "https://accounts.spotify.com")
)
SPOTIFY_API_URL = config.http_url("SPOTIFY_API_URL", env.str("SPOTIFY_API_URL", "https://api.spotify.com"))
# Public playlist pages (the embed page, read only when the runtime setting spotify.public_links is on).
SPOTIFY_EMBED_URL = config.http_url("SPOTIFY_EMBED_URL", env.str("SPOTIFY_EMBED_URL", "https://open.spotify.com"))
HARMONY_MUSICBRAINZ_URL = config.http_url(
    "HARMONY_MUSICBRAINZ_URL", env.str("HARMONY_MUSICBRAINZ_URL", "https://musicbrainz.org")
)
HARMONY_COVERART_URL = config.http_url(
    "HARMONY_COVERART_URL", env.str("HARMONY_COVERART_URL", "https://coverartarchive.org")
)
HARMONY_LRCLIB_URL = config.http_url("HARMONY_LRCLIB_URL", env.str("HARMONY_LRCLIB_URL", "https://lrclib.net"))
# Finishing: defaults of the runtime settings features.finishing, features.artwork, features.lyrics and
# library.path_template.
HARMONY_FINISHING = env.bool("HARMONY_FINISHING", True)
HARMONY_FEATURE_ARTWORK = env.bool("HARMONY_FEATURE_ARTWORK", True)
HARMONY_FEATURE_LYRICS = env.bool("HARMONY_FEATURE_LYRICS", True)
HARMONY_PATH_TEMPLATE = env.str("HARMONY_PATH_TEMPLATE", "{albumartist}/{album}/[{disc}-][{track} - ]{title}")
HARMONY_PLAYLIST_SYNC_POLL_INTERVAL = env.int("HARMONY_PLAYLIST_SYNC_POLL_INTERVAL", 300)

# Celery: Redis when configured; otherwise kombu's filesystem transport, which needs no server process.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _broker_dir = HARMONY_DATA_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # kombu polls the folder once a second by default; beat's tasks expire just under their period (2-3 s),
        # so a slow poll would let some of them expire unseen.
        "polling_interval": 0.25,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "harmony-heartbeat": {
        "task": "harmony.heartbeat",
        "schedule": float(HARMONY_HEARTBEAT_INTERVAL),
        "options": {"expires": HARMONY_HEARTBEAT_INTERVAL * 0.9},
    },
    "matching-poll-searches": {
        "task": "matching.poll_searches",
        "schedule": HARMONY_SEARCH_POLL_INTERVAL,
        "options": {"expires": HARMONY_SEARCH_POLL_INTERVAL * 0.9},
    },
    "library-poll-downloads": {
        "task": "library.poll_downloads",
        "schedule": HARMONY_DOWNLOAD_POLL_INTERVAL,
        "options": {"expires": HARMONY_DOWNLOAD_POLL_INTERVAL * 0.9},
    },
    "ingest-sync-playlists": {
        "task": "ingest.sync_playlists",
        "schedule": float(HARMONY_PLAYLIST_SYNC_POLL_INTERVAL),
        "options": {"expires": HARMONY_PLAYLIST_SYNC_POLL_INTERVAL * 0.9},
    },
}

HARMONY_LOG_FORMAT = config.choice(
    "HARMONY_LOG_FORMAT", env.str("HARMONY_LOG_FORMAT", "json" if IS_PRODUCTION else "text"), config.LOG_FORMATS
)
HARMONY_LOG_LEVEL = env.str("HARMONY_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "harmony.logging.ContextFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {
            "format": "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": HARMONY_LOG_FORMAT,
            "filters": ["context"],
        },
    },
    "root": {"handlers": ["console"], "level": HARMONY_LOG_LEVEL},
    "loggers": {
        # The request-id middleware writes one access line per request; Django's own would repeat it.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

if IS_PRODUCTION:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
