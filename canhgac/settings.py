"""Django settings, built from the declared ``CANHGAC_*`` variables (see canhgac/config.py)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from canhgac import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(config.value("CANHGAC_DATA_DIR")).expanduser()


def _secret_key() -> str:
    configured = config.value("CANHGAC_SECRET_KEY")
    if configured:
        return configured
    # Kept beside the database so sessions survive restarts; never in the repository.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = config.value("CANHGAC_DEBUG")
ALLOWED_HOSTS = config.value("CANHGAC_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "axes",
    "canhgac.core",
    "canhgac.constituency",
    "canhgac.accounts",
    "canhgac.findings",
    "canhgac.intel",
    "canhgac.notifications",
    "canhgac.advisories",
    "canhgac.duty",
    "canhgac.awareness",
    "canhgac.letters",
    "canhgac.directives",
    "canhgac.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "canhgac.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "canhgac.core.middleware.ContentSecurityPolicyMiddleware",
    "canhgac.core.middleware.AuditChannelMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "canhgac.urls"
WSGI_APPLICATION = "canhgac.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "canhgac.web.context.console",
            ],
        },
    },
]


def _databases() -> dict:
    url = config.value("CANHGAC_DATABASE_URL")
    if url:
        database = dj_database_url.parse(url, conn_max_age=60)
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        database = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "canhgac.sqlite3"),
            # WAL lets the console read while a background job writes; IMMEDIATE avoids lock upgrades.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Tests get a file of their own (one per test process), not SQLite's shared in-memory database: that one
        # locks whole tables, so a page polled while a job thread writes failed at once ("database table is
        # locked") instead of waiting as WAL does in production.
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        database["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
    else:
        database["TEST"] = {"NAME": None}
    return {"default": database}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a user+IP pair after repeated failures.
AXES_FAILURE_LIMIT = config.value("CANHGAC_LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = config.value("CANHGAC_LOGIN_COOLOFF_MINUTES") / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SECURE = config.value("CANHGAC_SECURE_COOKIES")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = config.value("CANHGAC_SESSION_HOURS") * 3600
SESSION_SAVE_EVERY_REQUEST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # covers only names under the console's own host
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS preload is a submission made for a registrable domain (the province's), never for the console's host.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = config.value("CANHGAC_TIME_ZONE")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # ids in links and forms must never read "1.234"; figures use |intcomma
FORMAT_MODULE_PATH = ["canhgac.formats"]

STATIC_URL = "/static/"
# The static files ship inside the installed package and WhiteNoise serves them from there (the finders); there is
# no collect step and so no STATIC_ROOT (WhiteNoise warned "No directory at …" for one that nothing ever filled).
STATIC_ROOT = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MAX_UPLOAD_BYTES = config.value("CANHGAC_MAX_UPLOAD_MB") * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "canhgac.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["canhgac.core.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute"},
    "EXCEPTION_HANDLER": "rest_framework.views.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Canh Gác API",
    "DESCRIPTION": "Unit registry, jobs and audit of the provincial cyber-security platform.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "canhgac.core.access.Role",
        "AssetRoleEnum": "canhgac.constituency.models.AssetRole",
        "FindingStateEnum": "canhgac.findings.models.FindingState",
        "DutyLogKindEnum": "canhgac.duty.models.LogKind",
        "DutyAlertKindEnum": "canhgac.duty.models.AlertKind",
        "BulletinKindEnum": "canhgac.awareness.models.BulletinKind",
        "UnitKindEnum": "canhgac.constituency.models.UnitKind",
    },
}

BROKER_URL = config.value("CANHGAC_BROKER_URL")
CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"

# E-mail (notifications): sent only when CANHGAC_SMTP_HOST is set; until then deliveries wait in the database.
EMAIL_HOST = config.value("CANHGAC_SMTP_HOST")
EMAIL_PORT = config.value("CANHGAC_SMTP_PORT")
EMAIL_HOST_USER = config.value("CANHGAC_SMTP_USER")
EMAIL_HOST_PASSWORD = config.value("CANHGAC_SMTP_PASSWORD")
EMAIL_USE_TLS = config.value("CANHGAC_SMTP_STARTTLS")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = SERVER_EMAIL = config.value("CANHGAC_SMTP_FROM")
# Links in e-mailed notices are absolute: SITE_URL + the page's path (notifications.content.console_link).
SITE_URL = config.value("CANHGAC_SITE_URL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"canhgac": {"level": "INFO"}},
}
