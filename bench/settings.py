"""Settings for the benchmarks' servers: the dev settings without debug (no query log), on DATABASE_URL."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# The project's URLs plus the trivial view the registration bench measures as the stack's floor; never in the
# project's own URL configuration.
ROOT_URLCONF = "bench.urls"
