import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-key-9f8e7d6c5b4a3f2e1d0c9b8a7",
    "FIELD_ENCRYPTION_KEYS": "prod-field-key-1",
    "DJANGO_ALLOWED_HOSTS": "platform.example.cn",
}


def _manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_check_deploy_passes_with_zero_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_prod_refuses_a_default_secret_key():
    for key in ("", "dev-insecure-0d6f3c1e-demo-only-key-for-local-use", "short"):
        result = _manage("check", env={**PROD_ENV, "DJANGO_SECRET_KEY": key})
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY" in result.stderr


def test_sqlite_is_configured_for_money():
    from config.settings.base import database_config

    cfg = database_config(Path("/tmp/x.sqlite3"), url="")
    assert cfg["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in cfg["OPTIONS"]["init_command"]
    assert "synchronous=FULL" in cfg["OPTIONS"]["init_command"]


def test_postgres_when_database_url_is_set():
    from config.settings.base import database_config

    cfg = database_config(Path("/tmp/x.sqlite3"), url="postgres://app@db.internal:5432/center")
    assert (
        cfg["ENGINE"] == "django.db.backends.postgresql"
        and cfg["NAME"] == "center"
        and cfg["HOST"] == "db.internal"
    )
