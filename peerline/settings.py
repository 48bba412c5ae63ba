"""Peerline's one settings module.

Everything that differs between a laptop demo and a production deployment comes from the
environment through the typed helpers below. SQLite is the default; `DATABASE_URL` switches to
PostgreSQL. In production (`PEERLINE_ENV=production`) the secrets and hosts are required and a
missing one stops the start-up, loudly.
"""

import os
from pathlib import Path
from typing import Any, cast

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def envsecret(name: str) -> str:
    value = env(name)
    if not value and PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when PEERLINE_ENV=production")
    return value


PRODUCTION = env("PEERLINE_ENV", "development") == "production"
DEBUG = envbool("PEERLINE_DEBUG", False)
# The development fallback key is fine for a demo on 127.0.0.1 and refused in production.
SECRET_KEY = envsecret("PEERLINE_SECRET_KEY") or "peerline-development-only-not-secret"
ALLOWED_HOSTS = envlist("PEERLINE_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("PEERLINE_ALLOWED_HOSTS must be set when PEERLINE_ENV=production")
CSRF_TRUSTED_ORIGINS = envlist("PEERLINE_CSRF_TRUSTED_ORIGINS")

DATA_DIR = Path(env("PEERLINE_DATA_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "peerline.core",
    "peerline.audit",
    "peerline.accounts",
    "peerline.agencies",
    "peerline.governance",
    "peerline.contacts",
    "peerline.stats",
    "peerline.team",
    "peerline.partners",
    "peerline.coverage",
    "peerline.directory",
    "peerline.training",
    "peerline.clinical",
    "peerline.incidents",
    "peerline.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # No NUL in any address or body: a 400 with a message, never a 500 (core.validation).
    "peerline.core.validation.refuse_nul_middleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a log-in unless it says otherwise (STYLE: secure by default).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "peerline.urls"
WSGI_APPLICATION = "peerline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "peerline" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peerline.accounts.context_processors.navigation",
            ],
        },
    },
]

_sqlite_default = f"sqlite:///{DATA_DIR / 'peerline.sqlite3'}"
if not env("DATABASE_URL"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": cast(dict[str, Any], dj_database_url.parse(env("DATABASE_URL", _sqlite_default)))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a command or worker writes; IMMEDIATE avoids
    # "database is locked" on upgrade from a read to a write transaction.
    DATABASES["default"]["OPTIONS"] = {
        # secure_delete: erased rows are overwritten in the file, not left in free pages (§6.7).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in-memory for tests
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60  # one shift
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = envbool("PEERLINE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Only our own files: no CDN, no inline script (htmx and the design system are vendored).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # storage; each agency has its own zone for months and quarters
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "peerline" / "static"]
# collectstatic writes here in production; elsewhere WhiteNoise serves from the apps' folders.
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve static files from the apps' folders without collectstatic outside production.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Logs carry no request bodies, no query strings and no personal data: only the path's
# shape and status. Django's request logger is quietened to warnings about the server itself.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # One-tap tokens never reach a log: paths of refused requests name them (2011 §6.7).
    "filters": {"redact_tokens": {"()": "peerline.incidents.logfilter.RedactTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "peerline": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Tokens for the JSON API are stored as a keyed hash; this names the prefix users see.
API_TOKEN_PREFIX = "pl_"  # noqa: S105 (a prefix, not a secret)

# Absolute links in pages and e-mails (the one-tap answer to a page): where users reach Peerline.
BASE_URL = env("PEERLINE_BASE_URL", "http://127.0.0.1:8000")

# Paging (peerline/notifications): the SMTP server e-mail pages go through — by default the
# demo's `peerline mail-catcher` — and the worker's timings. Mode: insecure (plain SMTP), starttls
# or ssl. An SMS channel holding a phone number is sent through PEERLINE_SMS_GATEWAY
# ("{number}@gateway.example", by e-mail, or an Apprise URL containing {number}).
PEERLINE_SMTP_HOST = env("PEERLINE_SMTP_HOST", "127.0.0.1")
PEERLINE_SMTP_PORT = int(env("PEERLINE_SMTP_PORT", "1025"))
PEERLINE_SMTP_FROM = env("PEERLINE_SMTP_FROM", "peerline@localhost")
PEERLINE_SMTP_MODE = env("PEERLINE_SMTP_MODE", "insecure")
PEERLINE_SMTP_USER = env("PEERLINE_SMTP_USER")
PEERLINE_SMTP_PASSWORD = envsecret("PEERLINE_SMTP_PASSWORD") if PEERLINE_SMTP_USER else ""
PEERLINE_SMTP_TIMEOUT = int(env("PEERLINE_SMTP_TIMEOUT", "15"))
PEERLINE_SMS_GATEWAY = env("PEERLINE_SMS_GATEWAY", "{number}@sms.localhost")
PEERLINE_WORKER_INTERVAL = float(env("PEERLINE_WORKER_INTERVAL", "2"))  # seconds between loops
# A claimed row whose worker died is taken over after this many seconds (longer than a send).
PEERLINE_WORKER_LEASE_SECONDS = int(env("PEERLINE_WORKER_LEASE_SECONDS", "120"))
PEERLINE_WORKER_MAX_ATTEMPTS = int(env("PEERLINE_WORKER_MAX_ATTEMPTS", "8"))
# Back-off: 30 s, 1 min, 2 min, … capped.
PEERLINE_WORKER_BACKOFF_SECONDS = int(env("PEERLINE_WORKER_BACKOFF_SECONDS", "30"))
PEERLINE_WORKER_BACKOFF_MAX_SECONDS = int(env("PEERLINE_WORKER_BACKOFF_MAX_SECONDS", "900"))
# Apprise logs recipients' addresses: keep its log off the console (the worker records a
# redacted summary of any failure on the row instead).
_logging = cast(dict[str, dict[str, Any]], LOGGING)
_logging["handlers"]["null"] = {"class": "logging.NullHandler"}
_logging["loggers"]["apprise"] = {"handlers": ["null"], "propagate": False}
