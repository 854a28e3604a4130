import os

import pytest
from django.db import connection
from django.test import Client

from center.accounts import demo as accounts_demo
from center.accounts.models import User

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's sync API runs an event loop in the test thread


@pytest.fixture(autouse=True)
def _no_refusals_carried_over():
    """Refusals kept for after a transaction belong to one test; never let them leak into the next."""
    from center.core.services import reset_refusals

    reset_refusals()
    yield
    reset_refusals()


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Cached public pages belong to one test (a rolled-back test's ids come back in the next one)."""
    from center.core import pagecache

    pagecache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def _remove_page_cache_directory():
    yield
    import shutil

    from django.conf import settings

    location = settings.CACHES["default"].get("LOCATION", "")
    if "test-cache" in str(location):
        shutil.rmtree(location, ignore_errors=True)


@pytest.fixture(autouse=True)
def _chinese_first():
    """Every test starts in the site's language (Chinese): a test that switched the thread to English must not
    decide the language of the next one's messages."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()


class _Quiet:
    def write(self, *args, **kwargs):
        pass


@pytest.fixture
def org(db):
    """The demo organisation only: the Center, four departments, one account per role (accounts demo).
    Areas that need their own demo data load it in their own fixtures."""
    _reference_data()
    accounts_demo.seed(_Quiet())
    return {u.username: u for u in User.objects.all()}


def _reference_data():
    """Data that migrations load (the discipline tree). Browser and thread tests flush every table when
    they end, so a later test in the same worker may find it gone: load it again then."""
    from center.experts.disciplines import load
    from center.experts.models import Discipline

    if not Discipline.objects.exists():
        load(Discipline)


@pytest.fixture
def client_for(org):
    def make(username: str, **kwargs) -> Client:
        c = Client(**kwargs)
        c.force_login(org[username])
        return c

    return make


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def requires_postgres():
    return pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL: set DATABASE_URL=postgres://… (CI runs the suite a second time with it)",
    )
