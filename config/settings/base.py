"""Settings shared by every environment. Environment files override only what differs."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # runtime data: embedded database, uploads, logs; never served directly

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "center.core",
    "center.accounts",
    "center.budget",
    "center.control",
    "center.experts",
    "center.reviews",
    "center.events",
    "center.performance",
    "center.assessment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "center.core.middleware.ResponseHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "center.core.hygiene.ErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "center.core.hygiene.InputHygieneMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "center.core.middleware.RequestContextMiddleware",
    "center.core.middleware.ApplicationErrorMiddleware",
    "center.accounts.middleware.SessionTimeoutMiddleware",
    "center.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "center.core.idempotency.FormOnceMiddleware",
    "center.core.permissions.AccessPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "center" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "center.core.context_processors.shell",
            ],
            "builtins": ["center.core.templatetags.display"],  # yuan, day, moment, loc: one display each
        },
    }
]


def database_config(default_sqlite: Path, url: str | None = None) -> dict:
    """PostgreSQL when DATABASE_URL is set; otherwise the embedded SQLite file.

    SQLite is tuned for money: WAL so readers never block the writer, IMMEDIATE transactions so a
    writer takes the write lock at BEGIN (no deadlock-prone lock upgrades), synchronous=FULL so a
    committed transaction survives a power cut.
    """
    url = os.environ.get("DATABASE_URL") if url is None else url
    if url:
        cfg = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        # A row lock is waited for at most DB_LOCK_TIMEOUT_MS: then the unit of work is retried and finally
        # answers "busy, try again" (center.core.services), never a request hanging behind a stuck one.
        options = cfg.setdefault("OPTIONS", {})
        lock_timeout = int(os.environ.get("DB_LOCK_TIMEOUT_MS", "5000"))
        options["options"] = f"{options.get('options', '')} -c lock_timeout={lock_timeout}".strip()
        cfg["ATOMIC_REQUESTS"] = False
        return cfg
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        },
    }


def cache_config(url: str | None, default_dir: Path) -> dict:
    """The cache of the public pages (center.core.pagecache) and anything else that uses Django's cache.

    Default: files under var/cache (FileBasedCache): no server to run, shared by every worker process of the
    machine (gunicorn workers, db_worker), safe with SQLite (a database cache would take SQLite's one write
    lock for every page it stores, in the middle of a registration burst) and cheap to read. Several machines
    behind one address need one shared cache: `CACHE_URL=redis://host:6379/1` (Django's RedisCache; install
    the `redis` extra), see docs/deploy.md.
    """
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "center",
            "TIMEOUT": 300,
        }
    if url and url.startswith("file://"):
        default_dir = Path(url.removeprefix("file://"))
    elif url:
        raise ValueError(f"CACHE_URL: redis://…, rediss://…, unix://… or file:///path, not {url!r}")
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(default_dir),
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 5000},  # pages × languages × query variants; culled beyond
    }


CACHES = {"default": cache_config(os.environ.get("CACHE_URL"), VAR_DIR / "cache")}
# How long a cached public page may live at most when nothing invalidates it (center.core.pagecache); pages
# showing counters updated in bulk (an event's seats left) declare their own few seconds.
PAGECACHE_TTL = 300
PAGECACHE_SEATS_TTL = 5

# Under test settings every row lock taken in a unit of work is checked against the declared order.
LOCK_ORDER_CHECK = False
DATABASES = {"default": database_config(Path(os.environ.get("SQLITE_PATH", VAR_DIR / "db.sqlite3")))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and passwords (等级保护 2.0: unique accounts, password rules, lockout) ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    # argon2id at OWASP's minimum (m=19 MiB, t=2, p=1); hashes made with Django's defaults upgrade at sign-in
    "center.accounts.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "center.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# Lockout is keyed on (username, IP): an attacker elsewhere cannot lock a victim out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "center.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Sign-ins and sign-outs are in the audit trail already (center/accounts/signals.py): no second log per login.
AXES_DISABLE_ACCESS_LOG = True
# One function decides the client address (REMOTE_ADDR, or the right hop behind TRUSTED_PROXY_COUNT proxies).
AXES_CLIENT_IP_CALLABLE = "center.core.middleware.client_ip"
TRUSTED_PROXY_COUNT = 0

# Sessions: idle timeout refreshed on every request, plus an absolute limit from login.
SESSION_COOKIE_AGE = 30 * 60
# Saved when changed (the idle-timeout middleware records activity once a minute, which also moves the cookie's
# and the stored session's expiry): not on every request (a write and a commit per page read).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = 10 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "center.core.views.csrf_failure"

# Two-factor (TOTP): optional for every staff member; mandatory for these roles when enforced.
TWO_FACTOR_ENFORCED = False
TWO_FACTOR_REQUIRED_ROLES = ["finance", "cashier", "sysadmin"]
OTP_TOTP_ISSUER = "深圳市科技交流服务中心"

# --- Security headers ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Files: uploads live outside the web root and are served only through a permission check ---
MEDIA_ROOT = VAR_DIR / "uploads"
MEDIA_URL = "/no-direct-access/"  # nothing is served here: files go through permission-checked views
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "center" / "static"]

# --- Language: Chinese first, English complete ---
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["config.formats"]  # one date format per language
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

# Absolute links in e-mails (tickets, cancel links); prod sets it from the environment.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Mail and background work ---
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "noreply@szstec.example.cn"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Field encryption for personal data (PIPL): key list, newest first; older keys still decrypt.
FIELD_ENCRYPTION_KEYS: list[str] = []

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
