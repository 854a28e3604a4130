"""Local development and the demo: embedded SQLite, console mail, debug pages."""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
# Only for the local demo; prod refuses to start without its own key.
SECRET_KEY = "dev-insecure-0d6f3c1e-demo-only-key-for-local-use"  # noqa: S105
FIELD_ENCRYPTION_KEYS = ["ZGV2LW9ubHktZmllbGQta2V5LTAxMjM0NTY3ODlhYmM="]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
