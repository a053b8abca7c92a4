"""Sweetspot settings: one file, driven by environment variables.

Variables (all optional except SECRET_KEY when DEBUG is off):
  DEBUG            "1"/"true" turns on development mode (default off)
  SECRET_KEY       required when DEBUG is off; the app refuses to start without it
  DATABASE_URL     default sqlite:///var/sweetspot.sqlite3 (WAL mode); postgres://... for PostgreSQL
  ALLOWED_HOSTS    comma-separated, default "127.0.0.1,localhost"
  CSRF_TRUSTED_ORIGINS comma-separated origins
  REDIS_URL        when set, background jobs use Redis instead of the SQLite queue
  HUEY_IMMEDIATE   "1" runs jobs in-process (tests do this)
  EMAIL_URL-style: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
                   EMAIL_USE_TLS, DEFAULT_FROM_EMAIL, EMAIL_BACKEND
  SITE_URL         start of links in mail sent outside a request (default http://127.0.0.1:8000)
  PASSWORD_RESET_TIMEOUT  seconds an invitation or reset link works (default 3 days)
  MEDIA_ROOT       uploads such as the firm's logo (default var/media)
  SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS  production hardening (defaults on when DEBUG off)
  Mail in (IMAP polling, off while MAIL_IMAP_HOST is unset): MAIL_IMAP_HOST, MAIL_IMAP_PORT
                   (default 993 with TLS, 143 without), MAIL_IMAP_TLS (default on),
                   MAIL_IMAP_USER, MAIL_IMAP_PASSWORD, MAIL_IMAP_FOLDER (INBOX),
                   MAIL_IMAP_PROCESSED_FOLDER (Processed), MAIL_IMAP_FAILED_FLAG (the IMAP
                   keyword put on a message that failed, default $SweetspotFailed),
                   MAIL_ATTACHMENT_DIR (default var/mail-attachments)

Boolean variables accept 1/true/yes/on and 0/false/no/off (any case); anything else stops the
start with an error naming the variable.

Local development: `make run` writes a git-ignored `.env` (DEBUG=1 and a generated
SECRET_KEY) so every `manage.py` command works without exporting anything. The file is read
only when it says DEBUG=1 and the environment sets neither SECRET_KEY nor DEBUG; a deployment
(which sets SECRET_KEY, or DEBUG=0) never reads it.

The test suite uses `config.settings_test`, chosen by pytest's own configuration
(`--ds` in pyproject.toml); it sets `config.TESTING` before importing this module. No
environment variable can switch testing mode on.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

import config as _config_package

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SWEETSPOT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of 1/true/yes/on or 0/false/no/off."
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a local .env file (comments and blank lines skipped)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("\"'")
    return values


# Set to True by config/settings_test.py (selected by pytest's configuration) before this
# module is imported; never from the environment.
TESTING = bool(getattr(_config_package, "TESTING", False))

_DOTENV = BASE_DIR / ".env"
if (
    not TESTING
    and _DOTENV.is_file()
    and "SECRET_KEY" not in os.environ
    and "DEBUG" not in os.environ
):
    _local = read_dotenv(_DOTENV)
    if _local.get("DEBUG", "").lower() in TRUE_WORDS:
        for _key, _value in _local.items():
            os.environ.setdefault(_key, _value)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789abcdef"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Sweetspot refuses to start with DEBUG off and no SECRET_KEY: "
            "set SECRET_KEY to a long random string (or DEBUG=1 for local development)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    # Serves the API docs' Swagger UI from our own static files instead of a public CDN.
    "ninja",
    "sweetspot.core",
    "sweetspot.clients",
    "sweetspot.growth",
    "sweetspot.team",
    "sweetspot.catalog",
    "sweetspot.agreements",
    "sweetspot.desk",
    "sweetspot.billing",
    "sweetspot.mail",
    "sweetspot.search",
    "sweetspot.api",
    "sweetspot.web",
    "sweetspot.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sweetspot.core.middleware.RequestContextMiddleware",
    "sweetspot.core.middleware.MfaMiddleware",
    "sweetspot.core.engine_cache.GenerationsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sweetspot.core.context_processors.roles",
                "sweetspot.core.branding.brand",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sweetspot.sqlite3'}"),
        conn_max_age=0 if TESTING else 60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the job worker writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# "default" is Django's own default (per-process memory; the header's firm brand, a minute).
# "engine" holds engine results keyed by the generation tokens in the database
# (core.engine_cache), so per-process memory is correct across the web and job workers; a
# cache they all share would only save each process its own recomputation after a change.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "engine": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "engine",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username+IP pair after 5 failures for one hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
# Content-Security-Policy on every response (django-csp): scripts and styles from this origin
# only (no inline scripts, no event-handler attributes, no eval; no style attributes or <style>
# blocks: pages use classes from web/app.css and each app's static CSS, charts use SVG
# attributes, htmx's indicator style is off and shipped in app.css); no framing; forms post
# here only. A response that sets its own policy (mail attachments) keeps it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Second factor (core/mfa.py): the name authenticator apps show.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Sweetspot")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploads (the firm's logo) live under var/media; the app serves the logo itself (/firm/logo/).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions and cookies
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
PRODUCTION = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# E-mail
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sweetspot@localhost")
# Links in mail sent outside a request (invitations from the API) start with this.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Invitation and password reset links work once, for this long (seconds; 3 days).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 3600)))

# Mail in (sweetspot/mail/imap.py); tests start their own Dovecot and pass its settings.
MAIL_IMAP_HOST = os.environ.get("MAIL_IMAP_HOST", "")
MAIL_IMAP_TLS = env_bool("MAIL_IMAP_TLS", True)
MAIL_IMAP_PORT = int(os.environ.get("MAIL_IMAP_PORT") or (993 if MAIL_IMAP_TLS else 143))
MAIL_IMAP_USER = os.environ.get("MAIL_IMAP_USER", "")
MAIL_IMAP_PASSWORD = os.environ.get("MAIL_IMAP_PASSWORD", "")
MAIL_IMAP_FOLDER = os.environ.get("MAIL_IMAP_FOLDER", "INBOX")
MAIL_IMAP_PROCESSED_FOLDER = os.environ.get("MAIL_IMAP_PROCESSED_FOLDER", "Processed")
MAIL_IMAP_FAILED_FLAG = os.environ.get("MAIL_IMAP_FAILED_FLAG", "$SweetspotFailed")
MAIL_ATTACHMENT_DIR = os.environ.get("MAIL_ATTACHMENT_DIR", str(VAR_DIR / "mail-attachments"))
# Backups (core/backup.py): `manage.py backup`, and daily at 02:30 from the job worker.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))
BACKUP_SCHEDULE = env_bool("BACKUP_SCHEDULE", True)

# Batch dispatch (desk/batch_views.py, issue 18): queues with more unassigned tickets than
# this are solved by the job worker, the page following its progress; smaller ones in the
# request.
BATCH_DISPATCH_BACKGROUND_ABOVE = int(os.environ.get("BATCH_DISPATCH_BACKGROUND_ABOVE", "300"))

# Background jobs (Huey). SQLite file queue by default; Redis when REDIS_URL is set.
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", TESTING)
if os.environ.get("REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "sweetspot",
        "url": os.environ["REDIS_URL"],
        "immediate": HUEY_IMMEDIATE,
        # Poll at least once a second so a page waiting on a job is not kept waiting.
        "consumer": {"workers": 2, "worker_type": "thread", "max_delay": 1.0},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "sweetspot",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        # Poll at least once a second so a page waiting on a job is not kept waiting.
        "consumer": {"workers": 2, "worker_type": "thread", "max_delay": 1.0},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Page size for list views and list endpoints.
PAGE_SIZE = 25
