"""Static files in the production shape: `collectstatic` with the production settings (hashed names, the
manifest every page needs) must succeed on a clean checkout, and every page's static URL must point at a
collected file."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parent.parent.parent
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-key-9f8e7d6c5b4a3f2e1d0c9b8a7",
    "FIELD_ENCRYPTION_KEYS": "prod-field-key-1",
    "DJANGO_ALLOWED_HOSTS": "platform.example.cn",
}
# The references ManifestStaticFilesStorage follows (django.contrib.staticfiles.storage patterns).
SOURCE_MAP = re.compile(rb"(?m)^//# sourceMappingURL=(\S+)\s*$|/\*# sourceMappingURL=(\S+?)\s*\*/")


def _manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **PROD_ENV, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    result = _manage("collectstatic", "--noinput", env={"DJANGO_STATIC_ROOT": str(static_root)})
    return static_root, result


def test_collectstatic_succeeds_with_production_settings(collected):
    static_root, result = collected
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for name in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "app/app.css",
    ):
        hashed = manifest[name]
        assert hashed != name and (static_root / hashed).is_file()
        assert (static_root / (hashed + ".gz")).is_file()  # compressed copies for WhiteNoise


def test_pages_link_the_hashed_files(collected):
    static_root, result = collected
    assert result.returncode == 0, result.stderr[-3000:]
    code = (
        "from django.templatetags.static import static;"
        "print(static('vendor/bootstrap/bootstrap.min.css'));print(static('app/app.js'))"
    )
    shown = _manage("shell", "--no-imports", "-c", code, env={"DJANGO_STATIC_ROOT": str(static_root)})
    assert shown.returncode == 0, shown.stderr[-3000:]
    for url in shown.stdout.split():
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
        assert (static_root / url.removeprefix("/static/")).is_file()


def test_no_static_file_refers_to_a_missing_source_map():
    """Vendored files must not name a `.map` that is not shipped (the manifest storage refuses them)."""
    missing = []
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if not path.endswith((".js", ".css")) or ROOT / "center" not in Path(storage.path(path)).parents:
                continue
            with storage.open(path) as f:
                for js_ref, css_ref in SOURCE_MAP.findall(f.read()):
                    target = (Path(path).parent / (js_ref or css_ref).decode()).as_posix()
                    if not finders.find(target):
                        missing.append(f"{path} → {target}")
    assert not missing, missing
