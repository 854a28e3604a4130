"""Test settings: the real database (SQLite file, or PostgreSQL when DATABASE_URL is set)."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, cache_config

DEBUG = False
LOCK_ORDER_CHECK = True  # a lock taken out of the declared order fails the test (center.core.locks)
SECRET_KEY = "test-insecure-key-never-used-in-production-7a1f"  # noqa: S105
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI="]
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = VAR_DIR / "test-uploads"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Each test run gets its own database, so parallel runs on one machine never collide (pytest-django
# drops it at the end; pytest-xdist workers are separate processes and add their own suffix too).
_suffix = os.environ.get("TEST_DB_SUFFIX", f"_{os.getpid()}")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file (not :memory:) so that threads and the live server share one real database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test{_suffix}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_center{_suffix}"}
# The real page cache (files), one directory per run; tests/conftest.py empties it before each test.
CACHES = {"default": cache_config(None, VAR_DIR / f"test-cache{_suffix}")}
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
