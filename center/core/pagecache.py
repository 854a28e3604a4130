"""Public pages from a cache: what anonymous visitors see, kept per page, language and query, and dropped in
the commit hook of the unit of work that changes what the page shows.

An area marks a public view and says what it depends on, as tags:

    @access(PUBLIC)
    @public_page(tags=lambda pk: [f"events.event:{pk}", "events.public"], ttl=SEATS_TTL, query=())
    def public_detail(request, pk): ...

and says which writes change those tags, usually from its `AppConfig.ready`:

    depends_on(Event, lambda event: [f"events.event:{event.pk}", "events.public"])   # post_save / post_delete

or calls `invalidate("events.public")` in a service. Inside a unit of work the tags are collected on the unit
and bumped by one `transaction.on_commit` the unit registers (center.core.services.run_unit): a rolled-back
unit drops nothing, and no visitor can see a page rendered from a commit that has not happened yet is kept
for longer than its TTL.

How a cached page stays correct:

- **Who gets it.** GET/HEAD only, anonymous visitors only (a signed-in user gets the live page: it names them),
  no pending flash messages (they belong to one visitor), no HTMX request, only the query parameters the view
  declares (anything else is rendered live and not stored, so made-up URLs cannot fill the cache), and only a
  200 answer that set no cookie of its own and touched no session.
- **Keys.** The path, the declared query parameters (sorted), the language, and the current version of each
  tag. `invalidate(tag)` gives the tag a new random version: every page that depends on it is missed once and
  rendered again; the old entries age out. A version missing from the cache (evicted) is given a new one too.
  Each process keeps the versions it read for `PAGECACHE_VERSION_SECONDS` (1 s): another process's
  invalidation is seen within that second. It also keeps the last pages it served (`LOCAL_ENTRIES`, each
  until its TTL) under the same keys, so a hit usually reads nothing at all.
- **The CSRF token.** Every public page carries one (the language switch, HTMX headers, the registration
  form). The page is rendered for the cache with a placeholder instead of the token (the `shell` context
  processor replaces the `csrf_token` of a render marked by this module), the cache keeps that HTML, and each
  answer replaces the placeholder by this visitor's own token (`get_token`: the same masked token Django would
  have put there, with the cookie set if the visitor has none). Django's CSRF check of the form's POST is
  unchanged, and the cached HTML holds no one's token.
- **Headers.** A cached page that carries a token is `Cache-Control: private, no-cache` (a shared cache must
  not hand one visitor's token to another; the browser asks again each time); one without a token may be kept
  by shared caches for `ttl` seconds at most (`public, max-age`). Both vary on Cookie and Accept-Language.
  Signed-in answers stay `private, no-store` (center.core.middleware.ResponseHeadersMiddleware).
- **Staleness.** Every entry also has a TTL (`ttl`, default `PAGECACHE_TTL`, 300 s), the bound on what no hook
  reports: a page whose content changes with the clock or with counters updated in bulk (an event's seats left,
  taken by every registration) declares a TTL of a few seconds instead of being invalidated by every
  registration of a burst.

The cache is `CACHES["pages"]` when configured, else the default cache. A cache that fails (a Redis restart)
never fails a page: the page is rendered live, and a failed bump is logged (the TTL still bounds staleness).
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from functools import partial, wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from .context import current_unit

logger = logging.getLogger(__name__)

# Letters and digits only: escaping leaves it as it is, wherever the template puts the token.
PLACEHOLDER = "pagecacheCsrfTokenPlaceholder7f3a9c1e"
_PLACEHOLDER_BYTES = PLACEHOLDER.encode()
_RENDERING = "_pagecache_rendering"
HEADER = "X-Page-Cache"  # hit | miss: what the answer came from (tests and benchmarks read it)


def cache():
    return caches["pages" if "pages" in settings.CACHES else "default"]


def default_ttl() -> int:
    return int(getattr(settings, "PAGECACHE_TTL", 300))


def rendering_for_cache(request) -> bool:
    """Whether this render is for the cache (the CSRF token must then be the placeholder)."""
    return getattr(request, _RENDERING, False)


# --- invalidation ---------------------------------------------------------------------------------------


def invalidate(*tags: str) -> None:
    """Drop the pages that depend on `tags` when the current transaction commits (inside a unit of work: with
    the unit's commit; outside any transaction: now)."""
    if not tags:
        return
    unit = current_unit()
    if unit is not None:
        unit.page_tags.update(tags)
    else:
        transaction.on_commit(partial(bump, set(tags)))


def bump(tags: Iterable[str]) -> None:
    """Give each tag a new version now (called after the commit)."""
    versions = {t: secrets.token_hex(6) for t in tags}
    now = time.monotonic()
    _memo.update({t: (v, now) for t, v in versions.items()})
    try:
        cache().set_many({_version_key(t): v for t, v in versions.items()}, timeout=None)
    except Exception:  # a cache that is down must not fail a committed unit; the TTL bounds staleness
        logger.exception("page cache: could not invalidate %s", sorted(tags))


def clear() -> None:
    """Forget every cached page and version (tests start from an empty cache)."""
    cache().clear()
    _memo.clear()
    _local.clear()
    _values.clear()


def depends_on(model, tags: Callable[[object], Iterable[str]]) -> None:
    """Declare that saving or deleting a `model` row changes the pages tagged `tags(row)` (writes through
    `QuerySet.update` send no signal: their service calls `invalidate`, or the page's TTL covers them)."""

    def changed(sender, instance, **kwargs):
        invalidate(*tags(instance))

    def related_changed(sender, instance, action, **kwargs):
        if action.startswith("post_") and isinstance(instance, model):
            invalidate(*tags(instance))

    uid = f"pagecache.{model._meta.label}.{id(tags)}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ".save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ".delete")
    for m2m in model._meta.many_to_many:  # rows added to or removed from the model's own many-to-many fields
        m2m_changed.connect(
            related_changed, sender=m2m.remote_field.through, weak=False, dispatch_uid=uid + m2m.name
        )


# --- values derived from what tags cover --------------------------------------------------------------------

_values: dict[tuple, object] = {}


def remembered(key: str, tags: list[str], compute: Callable[[], object]):
    """`compute()`, kept in this process until one of `tags` is invalidated (seen within
    `PAGECACHE_VERSION_SECONDS`): for what every request of a burst reads and an area's writes invalidate anyway
    (an event's registration form fields). Treat the value as read-only."""
    try:
        versions = _versions(tags)
    except Exception:
        logger.exception("page cache: read failed")
        return compute()
    stamp = (key, *(versions[t] for t in tags))
    if stamp not in _values:
        if len(_values) >= 256:
            _values.clear()
        _values[stamp] = compute()
    return _values[stamp]


# --- serving ----------------------------------------------------------------------------------------------


def public_page(
    *,
    tags: Callable[..., Iterable[str]] | Iterable[str] = (),
    ttl: Callable[[], int] | int | None = None,
    query: Iterable[str] = (),
):
    """Serve a public view's GET from the cache for anonymous visitors (see the module's docstring).

    `tags`: the tags the page depends on, or a function of the view's arguments returning them; `ttl`: seconds
    an entry may live at most, or a function returning them (read at each store; default `PAGECACHE_TTL`);
    `query`: the query parameters the page reads."""
    allowed = frozenset(query)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request, allowed):
                return view(request, *args, **kwargs)
            page_tags = list(tags(*args, **kwargs) if callable(tags) else tags)
            try:
                key = _page_key(request, page_tags)
                stored = _local_get(key)
                if stored is None:
                    stored = cache().get(key)
                    if stored is not None:
                        _local_put(key, stored)
            except Exception:
                logger.exception("page cache: read failed")
                return view(request, *args, **kwargs)
            if stored is not None:
                return _answer(request, stored, "hit", ttl)
            setattr(request, _RENDERING, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                setattr(request, _RENDERING, False)
            if not _storable(request, response):
                return _without_placeholder(request, response)
            seconds = _seconds(ttl)
            stored = (response.status_code, response["Content-Type"], response.content, time.time() + seconds)
            try:
                cache().set(key, stored, timeout=seconds)
                _local_put(key, stored)
            except Exception:
                logger.exception("page cache: write failed")
            return _answer(request, stored, "miss", ttl)

        wrapper.public_page = True
        return wrapper

    return decorate


def _seconds(ttl) -> int:
    if ttl is None:
        return default_ttl()
    return int(ttl() if callable(ttl) else ttl)


def _cacheable(request, allowed: frozenset) -> bool:
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return False
    if any(name not in allowed for name in request.GET):
        return False
    # Only a visitor with a session can be signed in or have a message waiting (no cookie: no query).
    return settings.SESSION_COOKIE_NAME not in request.COOKIES or not (
        request.user.is_authenticated or request.session.get("_messages")
    )


def _page_key(request, tags: list[str]) -> str:
    versions = _versions(tags)
    params = sorted((k, v) for k in request.GET for v in request.GET.getlist(k))
    raw = repr((request.path, params, get_language(), [versions[t] for t in tags]))
    return "pc:p:" + hashlib.sha256(raw.encode()).hexdigest()


def _version_key(tag: str) -> str:
    return "pc:v:" + tag


# Tag versions read from the cache are kept in the process for `PAGECACHE_VERSION_SECONDS` (default 1 s): a hit
# then costs one cache read, not one per tag, and another process's invalidation is seen within that second
# (this process's own at once: `bump` updates the memo).
_memo: dict[str, tuple[str, float]] = {}


def _versions(tags: list[str]) -> dict[str, str]:
    if not tags:
        return {}
    now = time.monotonic()
    keep = float(getattr(settings, "PAGECACHE_VERSION_SECONDS", 1.0))
    known = {t: _memo.get(t) for t in tags}
    if all(v is not None and now - v[1] < keep for v in known.values()):
        return {t: v[0] for t, v in known.items()}
    found = cache().get_many([_version_key(t) for t in tags])
    versions = {t: found.get(_version_key(t)) for t in tags}
    missing = {t for t, v in versions.items() if v is None}
    if missing:
        # Never bumped, or evicted: a fresh version, so that no entry made under an older one is found again.
        new = {t: secrets.token_hex(6) for t in missing}
        cache().set_many({_version_key(t): v for t, v in new.items()}, timeout=None)
        versions.update(new)
    _memo.update({t: (v, now) for t, v in versions.items()})
    return versions


# The pages this process served last, by key (the key holds the tag versions, so an invalidation seen by this
# process changes it): a hit then reads no file. At most LOCAL_ENTRIES, each kept no longer than its TTL.
LOCAL_ENTRIES = 64
_local: dict[str, tuple] = {}


def _local_get(key: str):
    stored = _local.get(key)
    if stored is None:
        return None
    if stored[3] <= time.time():  # the entry's own end (its TTL from when it was rendered)
        _local.pop(key, None)
        return None
    return stored


def _local_put(key: str, stored: tuple) -> None:
    if len(_local) >= LOCAL_ENTRIES:
        _local.clear()
    _local[key] = stored


def _storable(request, response) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not (session is not None and session.modified)
    )


def _answer(request, stored, how: str, ttl: int | None) -> HttpResponse:
    status, content_type, content, _expires = stored
    carries_token = _PLACEHOLDER_BYTES in content
    if carries_token:
        content = content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    response = HttpResponse(content, status=status, content_type=content_type)
    response[HEADER] = how
    if carries_token:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=min(_seconds(ttl), 60))
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def _without_placeholder(request, response):
    """A page rendered for the cache but not storable (a 404, a redirect): put the visitor's token in."""
    if not response.streaming and _PLACEHOLDER_BYTES in response.content:
        response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    return response
