"""Peerline's one settings module.

Everything that differs between a laptop demo and a production deployment comes from the
environment through the typed helpers below. SQLite is the default; `DATABASE_URL` switches to
PostgreSQL. In production (`PEERLINE_ENV=production`) the secrets and hosts are required and a
missing one stops the start-up, loudly.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

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


def envint(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value.strip() else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


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
# Behind a reverse proxy that ends TLS, the proxy says the scheme in X-Forwarded-Proto; trust it
# (and only then) or the HTTPS redirect loops. Never set this without a proxy that overwrites it.
if envbool("PEERLINE_TRUST_PROXY_HEADERS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_DIR = Path(env("PEERLINE_DATA_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "peerline.core",
    "peerline.audit",
    "peerline.accounts",
    "peerline.agencies",
    "peerline.roster",
    "peerline.governance",
    "peerline.committee",
    "peerline.manual",
    "peerline.assessment",
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
    "peerline.web",
    "peerline.support",
    # Two factors (django-otp: apps, recovery codes; django-otp-webauthn: passkeys) and single
    # sign-on (mozilla-django-oidc), issue 11.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "mozilla_django_oidc",
    "peerline.signin",
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
    # Tells whether the session showed a second factor (`request.user.is_verified()`):
    # django-otp's OTPMiddleware, its device read without compiling a query (issue 18).
    "peerline.signin.middleware.VerifiedDeviceMiddleware",
    # Every view needs a log-in unless it says otherwise (STYLE: secure by default).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Who acted, for audit events written from model signals (a role granted in the admin).
    "peerline.audit.actor.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the log-in check: a role that sees program data shows a second factor first.
    "peerline.signin.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Idle and absolute session limits, and no-store on every response (peerline/accounts).
    "peerline.accounts.middleware.SessionPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peerline.urls"
WSGI_APPLICATION = "peerline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "peerline" / "templates"],
        "APP_DIRS": True,
        # With DEBUG off (always in production) Django caches compiled templates in memory.
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peerline.accounts.context_processors.navigation",
                "peerline.signin.context_processors.single_sign_on",
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
# Persistent connections, checked before each request reuses one (a restarted PostgreSQL).
DATABASES["default"]["CONN_MAX_AGE"] = envint("PEERLINE_DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
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
# Peerline passwords (refused for agencies that sign in only through single sign-on), then
# single sign-on, which matches the roster and never creates an account.
# django-axes' lockout check first (see "Sign-in and accounts" below), then passwords (refused
# for agencies that sign in only through single sign-on), then OpenID Connect.
AUTHENTICATION_BACKENDS = [
    "peerline.accounts.backends.LockoutBackend",
    "peerline.signin.backends.PasswordBackend",
    "peerline.signin.oidc.RosterOIDCBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Django's database sessions, the row read without compiling a query each time (issue 18).
SESSION_ENGINE = "peerline.accounts.session_store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60  # one shift
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = envbool("PEERLINE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("PEERLINE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = envbool("PEERLINE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS: list[str] = []
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' preload list is the domain owner's decision, made once for every
    # subdomain; Peerline does not take it for them.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
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

# Production server (`peerline serve`): gunicorn processes and threads per process.
PEERLINE_WEB_WORKERS = envint("PEERLINE_WEB_WORKERS", 2)
PEERLINE_WEB_THREADS = envint("PEERLINE_WEB_THREADS", 4)
# Seconds an idle connection stays open: longer than the proxy's own idle timeout for its
# connections to Peerline (nginx 60 s), so the proxy closes first and never sends a request on a
# connection Peerline is closing (a reset: the surge's errors, issue 18).
PEERLINE_WEB_KEEPALIVE = envint("PEERLINE_WEB_KEEPALIVE", 75)
# Replace a web process after about this many requests (0: never). A replaced process closes
# its idle connections, which loses a request sent on one at that instant: off unless a leak
# needs it.
PEERLINE_WEB_MAX_REQUESTS = envint("PEERLINE_WEB_MAX_REQUESTS", 0)
# Readiness (/readyz): the worker must have been seen, and the oldest page waiting to be sent
# must be younger than, these many minutes.
PEERLINE_WORKER_STALE_MINUTES = envint("PEERLINE_WORKER_STALE_MINUTES", 5)
PEERLINE_PAGE_STALE_MINUTES = envint("PEERLINE_PAGE_STALE_MINUTES", 10)
# `peerline backup` writes here; the worker deletes backups older than the shortest retention
# window of the agencies (erased incident data must not live on in a backup).
PEERLINE_BACKUP_DIR = Path(env("PEERLINE_BACKUP_DIR", str(DATA_DIR / "backups")))
# Sign-in and accounts (peerline/accounts; README "Sign-in and accounts").
# django-axes counts failed log-ins per user name first (AUTHENTICATION_BACKENDS above), then
# the password backend runs (it hashes once for an unknown name or an unusable password too:
# even timing).
AXES_FAILURE_LIMIT = int(env("PEERLINE_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("PEERLINE_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]  # one account, from any address (CJIS AC-7)
# axes.W006 suggests counting by address too; the rule here is per account, whatever the address.
SILENCED_SYSTEM_CHECKS.append("axes.W006")
AXES_USERNAME_CALLABLE = "peerline.accounts.backends.lockout_username"
AXES_LOCKOUT_CALLABLE = "peerline.accounts.account_views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False  # the failure rows already are the log
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail; no row per visit
AXES_VERBOSE = False  # axes would log user names and addresses
# Outside the paths below axes leaves requests alone (the API and one-tap links have their own
# limit: `peerline.accounts.throttle`).
AXES_IPWARE_PROXY_COUNT = int(env("PEERLINE_PROXY_COUNT", "0")) or None

# Sessions: an idle limit by role, and one shift at most however active (CJIS AC-11, AC-12).
PEERLINE_IDLE_MINUTES_PRIVILEGED = int(env("PEERLINE_IDLE_MINUTES_PRIVILEGED", "30"))
PEERLINE_IDLE_MINUTES = int(env("PEERLINE_IDLE_MINUTES", "120"))
PEERLINE_SESSION_HOURS = int(env("PEERLINE_SESSION_HOURS", "12"))
# Sensitive actions (activating a team member, settings and roles, exports) ask for the
# password again when the last one was typed longer ago than this.
PEERLINE_FRESH_SIGNIN_MINUTES = int(env("PEERLINE_FRESH_SIGNIN_MINUTES", "10"))
# Accounts nobody used for this long are disabled (CJIS AC-2(3)), with a notice a week before.
PEERLINE_INACTIVE_DAYS = int(env("PEERLINE_INACTIVE_DAYS", "90"))
PEERLINE_INVITATION_DAYS = int(env("PEERLINE_INVITATION_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour, once
# API tokens and iCalendar feed keys are hashed with a key of their own, so rotating
# PEERLINE_SECRET_KEY does not revoke them. Unset, a random key is made once in DATA_DIR
# (token.key); set it when more than one host serves Peerline.
PEERLINE_TOKEN_KEY = env("PEERLINE_TOKEN_KEY")
PEERLINE_TOKEN_DAYS = int(env("PEERLINE_TOKEN_DAYS", "90"))
PEERLINE_ICAL_DAYS = int(env("PEERLINE_ICAL_DAYS", "365"))
# Failures allowed per client address and minute on the API's token check and on one-tap links.
PEERLINE_THROTTLE_PER_MINUTE = int(env("PEERLINE_THROTTLE_PER_MINUTE", "30"))

# Invitations and password resets go through Django's mail to the paging SMTP server above.
EMAIL_HOST = PEERLINE_SMTP_HOST
EMAIL_PORT = PEERLINE_SMTP_PORT
EMAIL_HOST_USER = PEERLINE_SMTP_USER
EMAIL_HOST_PASSWORD = PEERLINE_SMTP_PASSWORD
EMAIL_USE_TLS = PEERLINE_SMTP_MODE == "starttls"
EMAIL_USE_SSL = PEERLINE_SMTP_MODE == "ssl"
EMAIL_TIMEOUT = PEERLINE_SMTP_TIMEOUT
DEFAULT_FROM_EMAIL = PEERLINE_SMTP_FROM
# Single sign-on with OpenID Connect (peerline/signin, README "Single sign-on and two factors"):
# one identity provider per deployment, off unless a client id and endpoints are set. The agency
# is the one of the roster employee the claims name.
OIDC_RP_CLIENT_ID = env("PEERLINE_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = envsecret("PEERLINE_OIDC_CLIENT_SECRET") if OIDC_RP_CLIENT_ID else ""
OIDC_OP_AUTHORIZATION_ENDPOINT = env("PEERLINE_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("PEERLINE_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("PEERLINE_OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("PEERLINE_OIDC_JWKS_ENDPOINT")
# The provider's end_session_endpoint, if it offers one: logging out of Peerline then ends the
# session at the provider too (OpenID Connect RP-Initiated Logout), so a shared computer does not
# sign the next person in as the last one. The log-out form's POST is redirected there, and a
# browser checks CSP form-action on that redirect: the provider's origin is added to it.
PEERLINE_OIDC_END_SESSION_ENDPOINT = env("PEERLINE_OIDC_END_SESSION_ENDPOINT")
if PEERLINE_OIDC_END_SESSION_ENDPOINT:
    _end = urlsplit(PEERLINE_OIDC_END_SESSION_ENDPOINT)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_end.scheme}://{_end.netloc}")
OIDC_RP_SIGN_ALGO = env("PEERLINE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("PEERLINE_OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # single sign-on never creates a person (issue 11 §2)
OIDC_AUTHENTICATION_CALLBACK_URL = "signin:sso-callback"
OIDC_CALLBACK_CLASS = "peerline.signin.oidc.CallbackView"
OIDC_AUTHENTICATE_CLASS = "peerline.signin.oidc.AuthenticateView"
OIDC_TIMEOUT = 15
PEERLINE_OIDC_PROVIDER_NAME = env("PEERLINE_OIDC_PROVIDER_NAME", "your agency's sign-in")
# The claims naming the roster employee: the employee number if sent, else the e-mail.
PEERLINE_OIDC_EMPLOYEE_CLAIM = env("PEERLINE_OIDC_EMPLOYEE_CLAIM", "employee_number")
PEERLINE_OIDC_EMAIL_CLAIM = env("PEERLINE_OIDC_EMAIL_CLAIM", "email")
PEERLINE_OIDC_GROUPS_CLAIM = env("PEERLINE_OIDC_GROUPS_CLAIM", "groups")
PEERLINE_OIDC_AGENCY = env("PEERLINE_OIDC_AGENCY")  # optional: match one agency's roster only

# Two factors. Passkeys are bound to the site's domain (never an IP address: the demo's are
# made at http://localhost:8000).
OTP_TOTP_ISSUER = env("PEERLINE_TOTP_ISSUER", "Peerline")
OTP_WEBAUTHN_RP_NAME = "Peerline"
_https = BASE_URL.startswith("https://")
OTP_WEBAUTHN_RP_ID = env(
    "PEERLINE_WEBAUTHN_RP_ID", BASE_URL.split("//")[1].split(":")[0] if _https else "localhost"
)
OTP_WEBAUTHN_ALLOWED_ORIGINS = envlist(
    "PEERLINE_WEBAUTHN_ORIGINS", BASE_URL if _https else "http://localhost:8000"
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second factor, not the first
