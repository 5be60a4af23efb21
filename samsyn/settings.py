"""Samsyn's one settings file.

Every value comes from an environment variable with a safe development default, read through the
tiny helpers below (after healthchecks' `hc/settings.py`). Every variable read here is documented
in `docs/configuration.md` and `.env.example`; `samsyn/tests/test_settings_docs.py` fails when one
is not.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.getenv("SAMSYN_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into the data directory."""
    if key := os.getenv("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", "False")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.getenv("SITE_NAME", "Samsyn")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks_db",
    # django-ninja's own Swagger UI files (static/ninja/) for /api/v1/docs: no CDN.
    "ninja",
    "samsyn.lib",
    "samsyn.accounts",
    "samsyn.indicators",
    "samsyn.frameworks",
    "samsyn.observations",
    "samsyn.coaching",
    "samsyn.triads",
    "samsyn.dashboards",
    "samsyn.workshops",
    "samsyn.networks",
    "samsyn.improvement",
    "samsyn.privacy",
    "samsyn.integrations",
    "samsyn.provisioning",
    "samsyn.reliability",
    "samsyn.demo",
    "samsyn.programmes",
    "samsyn.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "samsyn.lib.middleware.JsonLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user read in the session's query (samsyn.accounts.sessions).
    "samsyn.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "samsyn.accounts.middleware.SessionLimitsMiddleware",
    "samsyn.accounts.middleware.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the page that explains it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samsyn.urls"
WSGI_APPLICATION = "samsyn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samsyn.accounts.context_processors.navigation",
            ],
            # Our floatformat (a real minus sign) replaces Django's in every template.
            "builtins": ["samsyn.lib.templatetags.numbers", "samsyn.accounts.templatetags.access"],
        },
    }
]

# Database: SQLite by default (one school, zero set-up); DATABASE_URL selects PostgreSQL.
DATABASE_URL = os.getenv("DATABASE_URL", "")
# PostgreSQL: the capture's hot statements (samsyn.lib.prepared.statement_cursor) bind their
# values on the server and are prepared once per connection; Django's other queries bind on
# the client as usual and are never prepared. Off (PG_PREPARE=False) behind a pooler in
# transaction mode that does not support prepared statements.
SAMSYN_PG_PREPARE = envbool("PG_PREPARE", "True")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("PG_CONN_MAX_AGE", "60"))
    }
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    # No JIT compilation: PostgreSQL compiles a query whose estimated cost passes
    # jit_above_cost, which on tables that have grown since they were last analyzed happens to
    # a 0.1 ms capture read (measured: 10-25 ms of compiling on each run, and 2-3 s stalls under
    # the capture benchmark's load after the connections were renewed). Our queries are short;
    # none gains from it. A DATABASE_URL's own `options` are kept, after ours.
    _pg_options["options"] = " ".join(filter(None, ["-c jit=off", _pg_options.get("options")]))
    if SAMSYN_PG_PREPARE:
        # Django sets None (nothing is ever prepared) unless told; client-side cursors ignore it.
        _pg_options["prepare_threshold"] = 5
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # Reuse the connection between requests: opening one and running the PRAGMAs
            # costs about 3 ms a request (measured in benchmarks/bench_capture_load.py).
            "CONN_MAX_AGE": envint("SQLITE_CONN_MAX_AGE", "60"),
            "CONN_HEALTH_CHECKS": True,
            "NAME": os.getenv("SQLITE_PATH", str(DATA_DIR / "samsyn.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
                # timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": envint("SQLITE_BUSY_TIMEOUT", "20"),
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts, passwords, sessions
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 3600))
SAMSYN_INVITATION_DAYS = envint("SAMSYN_INVITATION_DAYS", "14")

# Sessions live in our own table, which records the user, so that logging out or deactivating
# a user can end every one of their sessions.
SESSION_ENGINE = "samsyn.accounts.sessions"
SESSION_COOKIE_AGE = envint("SESSION_ABSOLUTE_SECONDS", str(12 * 3600))
SAMSYN_SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", str(60 * 60))
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "False")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "False")

# Login throttling: per account *and* address, never per account alone, so nobody can lock a
# known account out from one address (samsyn/accounts/throttle.py, docs/security.md).
# 1. django-axes pauses one account × address pair after LOGIN_FAILURE_LIMIT failures.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "10")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# 2. One address, all accounts (password spraying). A school shares one public address, so
# this is generous: typing mistakes of a whole staff do not reach it.
SAMSYN_LOGIN_ADDRESS_LIMIT = envint("LOGIN_ADDRESS_LIMIT", "50")
# 3. One account, all addresses: after this many failures, addresses the person has never
# logged in from wait between attempts (only a delay, never a lock).
SAMSYN_LOGIN_ACCOUNT_SLOW_AFTER = envint("LOGIN_ACCOUNT_SLOW_AFTER", "20")
# How many proxies in front append to X-Forwarded-For (0: the app sees visitors directly).
# Behind a proxy this must be set, or every visitor shares the proxy's address.
SAMSYN_TRUSTED_PROXIES = envint("TRUSTED_PROXY_COUNT", "0")
AXES_CLIENT_IP_CALLABLE = "samsyn.accounts.addresses.client_ip"
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Security headers. Production turns HTTPS on through the variables below (see
# docs/configuration.md); `check --deploy` passes with those set.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "False")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_HTTPS_PROXY", "False") else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}

# Languages: Swedish first, English complete.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "samsyn_language"
USE_I18N = True
TIME_ZONE = os.getenv("TIME_ZONE", "Europe/Stockholm")
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one
# Versioned static files: collectstatic writes content-hashed, compressed copies and a manifest
# that {% static %} links (without a manifest, the plain names). samsyn/lib/staticfiles.py.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "samsyn.lib.staticfiles.VersionedStaticFilesStorage"},
}
# Serve straight from the app folders when collectstatic has not run (development, tests).
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", "True")
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail: printed to the console in development; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Samsyn <samsyn@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_host = os.getenv("EMAIL_HOST", "")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": envint("EMAIL_PORT", "587"),
                "username": os.getenv("EMAIL_HOST_USER", ""),
                "password": os.getenv("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", "True"),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background work: inline by default; the database queue + `manage.py db_worker` in production.
TASKS_BACKEND = os.getenv("TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Product rules
# Aggregates over fewer teachers than this are never shown outside the school leadership.
SAMSYN_MIN_GROUP = max(3, envint("SAMSYN_MIN_GROUP", "5"))
# Addresses typed in by administrators (SS 12000 API, SSO issuer) may lead to loopback,
# private, link-local or reserved addresses only when this is on (samsyn.lib.outbound).
SAMSYN_ALLOW_PRIVATE_URLS = envbool("SAMSYN_ALLOW_PRIVATE_URLS", "true" if DEBUG else "false")
# Pages that compare teachers are offered only when every teacher's profile reaches this
# projected reliability (docs/methods.md, "How reliable one teacher's profile is").
SAMSYN_MIN_PROFILE_RELIABILITY = float(os.getenv("SAMSYN_MIN_PROFILE_RELIABILITY", "0.70"))
# Observer certification against the vignette bank (docs/methods.md): share of ratings within
# one step of the reference, share exactly equal.
SAMSYN_CERTIFY_WITHIN_ONE = float(os.getenv("SAMSYN_CERTIFY_WITHIN_ONE", "0.80"))
SAMSYN_CERTIFY_EXACT = float(os.getenv("SAMSYN_CERTIFY_EXACT", "0.60"))
# Support plans are a time-boxed programme: about ten weeks, never longer than the maximum.
SAMSYN_SUPPORT_PLAN_MAX_WEEKS = max(1, envint("SAMSYN_SUPPORT_PLAN_MAX_WEEKS", "12"))
SAMSYN_SUPPORT_PLAN_WEEKS = min(
    SAMSYN_SUPPORT_PLAN_MAX_WEEKS, max(1, envint("SAMSYN_SUPPORT_PLAN_WEEKS", "10"))
)
SAMSYN_SHARED_DIR = Path(os.getenv("SAMSYN_SHARED_DIR", str(BASE_DIR.parent / "shared")))

# National indicators: Kolada's API (v3). Tests never reach it: they use recorded responses.
KOLADA_BASE_URL = os.getenv("KOLADA_BASE_URL", "https://api.kolada.se/v3/")

# JSON API rate limit: requests per personal token (or per logged-in user) in each window of
# this many seconds; 0 turns the limit off (docs/integrations.md).
SAMSYN_API_RATE_LIMIT = envint("API_RATE_LIMIT", "600")
SAMSYN_API_RATE_WINDOW = max(1, envint("API_RATE_WINDOW_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
