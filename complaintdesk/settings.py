"""Settings for complaintdesk, read from the environment.

With no variable set the project runs on SQLite (WAL mode) under ./var with DEBUG off and a
key generated into ./var, which is what the README's first command uses. Every variable is
parsed by a helper that raises ImproperlyConfigured on a bad value, so a typo fails at start-up
rather than at the first request.
"""

from __future__ import annotations

import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


DATA_DIR = Path(env_str("COMPLAINTDESK_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()


def _secret_key() -> str:
    configured = os.environ.get("SECRET_KEY")
    if configured:
        if len(configured) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")
        return configured
    # Without SECRET_KEY a random key is made once and kept under DATA_DIR, so sessions
    # survive restarts of a single-machine install and no key is ever committed.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "complaintdesk.core.admin_site.ComplaintdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "complaintdesk.core",
    "complaintdesk.accounts",
    "complaintdesk.customers",
    "complaintdesk.calendars",
    "complaintdesk.triage",
    "complaintdesk.complaints",
    "complaintdesk.routing",
    "complaintdesk.intake",
    "complaintdesk.handling",
    "complaintdesk.remedies",
    "complaintdesk.notifications",
    "complaintdesk.surveys",
    "complaintdesk.api",
    "complaintdesk.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside LocaleMiddleware, so its messages are in the request's language.
    "complaintdesk.api.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "complaintdesk.urls"
WSGI_APPLICATION = "complaintdesk.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:complaint_list"
LOGOUT_REDIRECT_URL = "web:login"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "complaintdesk.sqlite3"),
            # WAL lets readers work during a write; IMMEDIATE transactions take the write lock
            # at BEGIN so two writers queue on the busy timeout instead of failing on upgrade.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL or SQLite")
    config["CONN_HEALTH_CHECKS"] = True
    return dict(config)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Attachments: a complaint's evidence. Limits are checked by the intake service.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
ATTACHMENT_ALLOWED_TYPES = env_list(
    "ATTACHMENT_ALLOWED_TYPES",
    [
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "audio/mpeg",
        "audio/wav",
        "audio/x-wav",
        "video/mp4",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
)
# Text in one request body: form fields and JSON. Uploaded files do not count (the limit
# above is theirs). A description is at most 20,000 characters, about 180 kB as a form post
# of Chinese text; the rest is headroom, not a size a person types. Larger bodies get a page
# (web.views.errors) or a 413 (API) that says so.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REQUEST_TEXT_MAX_BYTES", 16 * 1024 * 1024, minimum=65536)

# Background work goes through Django's tasks API. The database backend is the default; set
# TASK_BACKEND=rq (with REDIS_URL) for a distributed queue on Redis.
TASK_BACKEND = env_choice("TASK_BACKEND", "database", {"database", "rq", "immediate"})
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "complaints@example.com")

# Triage: below this category confidence a complaint goes to the "needs triage" queue.
TRIAGE_MODEL_DIR = Path(env_str("TRIAGE_MODEL_DIR", str(DATA_DIR / "triage-models")))
TRIAGE_ENABLED = env_bool("TRIAGE_ENABLED", True)


def env_rates(name: str, default: str) -> dict[str, Decimal]:
    """Exchange rates written as "CNY=1,USD=7.20": three-letter code, positive number."""
    raw = env_str(name, default)
    rates: dict[str, Decimal] = {}
    for pair in raw.split(","):
        code, _sep, value = pair.strip().partition("=")
        code = code.strip().upper()
        try:
            rate = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ImproperlyConfigured(f"{name}: {pair!r} is not like USD=7.20") from exc
        if len(code) != 3 or not code.isalpha() or not rate.is_finite() or rate <= 0:
            raise ImproperlyConfigured(f"{name}: {pair!r} is not like USD=7.20")
        rates[code] = rate
    return rates


# Read by the triage engine when it trains (unset: every CPU the process may use); checked here
# so that a bad value stops the start instead of a retraining hours later.
env_int("COMPLAINTDESK_TRAINING_THREADS", 0, minimum=1)

# Time limits: warn the assignee once this share of the resolution time is used.
SLA_WARNING_PERCENT = env_int("SLA_WARNING_PERCENT", 80, minimum=1)
if SLA_WARNING_PERCENT >= 100:
    raise ImproperlyConfigured("SLA_WARNING_PERCENT must be below 100")
API_PAGE_SIZE_MAX = env_int("API_PAGE_SIZE_MAX", 200, minimum=1)
# Intake accepts a complaint received up to this many days ago (letters entered late, a
# backlog moved from another system); further back is taken for a mistyped date. Three
# years: the general limitation period for civil claims.
INTAKE_BACKFILL_DAYS = env_int("INTAKE_BACKFILL_DAYS", 3 * 365, minimum=1)

# Compensation in several currencies: what one unit of each is worth in CNY, used to compare
# a complaint's compensation with approval limits, authority thresholds and policy maxima set
# in another currency ("CNY=1,HKD=0.92,USD=7.20"). Compensation in a currency not listed is
# refused. Approximate rates are enough: they decide who approves, not what is paid.
EXCHANGE_RATES = env_rates(
    "EXCHANGE_RATES",
    "CNY=1,HKD=0.92,MOP=0.89,TWD=0.22,USD=7.20,EUR=7.80,GBP=9.10,JPY=0.048",
)

# Where links in notices (surveys, consent, status page) point: the public address.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# Notices to customers: SMS provider class, quiet hours ("21:00-08:00"), retries, contact line.
SMS_PROVIDER = env_str("SMS_PROVIDER", "complaintdesk.notifications.providers.LoggingSmsProvider")
NOTICE_QUIET_HOURS = env_str("NOTICE_QUIET_HOURS", "21:00-08:00")
NOTICE_TIME_ZONE = env_str("NOTICE_TIME_ZONE", "")
NOTICE_MAX_ATTEMPTS = env_int("NOTICE_MAX_ATTEMPTS", 6, minimum=1)
NOTICE_RETRY_BASE_SECONDS = env_int("NOTICE_RETRY_BASE_SECONDS", 60, minimum=1)
NOTICE_CONTACT = env_str("NOTICE_CONTACT", "")

# Satisfaction surveys, automatic closure and follow-up visits (days).
SURVEY_VALID_DAYS = env_int("SURVEY_VALID_DAYS", 14, minimum=1)
SURVEY_REMINDER_DAYS = env_int("SURVEY_REMINDER_DAYS", 3, minimum=0)
SURVEY_AUTO_CLOSE_DAYS = env_int("SURVEY_AUTO_CLOSE_DAYS", 7, minimum=1)
FOLLOW_UP_DAYS = env_str("FOLLOW_UP_DAYS", "7,30")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
