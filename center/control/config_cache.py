"""The configuration every submission reads — year settings, spending standards, approval flows with their
steps and named approvers — served from a per-process cache keyed by a version number.

Every write of a configuration row bumps the version in the writer's own transaction (`bump()`, connected to
the models' save, delete and approver-list signals in `connect()`, so no writer can forget it: the
configuration services, the demo, fixtures, the admin): the one `ConfigVersion` row's number goes up with the
change, so it becomes visible to every process exactly when the change does. A unit of work reads that number once (`version()`, one indexed read of one row); when it differs
from the number the cache was filled under, the cache is dropped and filled again from the database. A unit
that bumped the number reads the configuration straight from the database and caches nothing (what it sees is
not committed yet). Outside a unit (a page that only reads) the number is read on each call. The row comes with the
migrations; a database emptied by a test's flush has none, and then nothing is cached.

Cached objects are shared between the threads of a process: callers must not change them (`settings_for`
hands out a copy, since forms bind to it).
"""

import copy
import threading
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F

from center.core.context import current_unit
from center.core.locks import locked_update

from .models import ApprovalFlow, ConfigVersion, ControlSettings, SpendingStandard

_UNCACHED = None  # no version yet (never bumped), or the unit changed the configuration: nothing cached


@dataclass
class _Snapshot:
    version: tuple | None
    settings: dict = field(default_factory=dict)  # year → ControlSettings
    standards: dict = field(default_factory=dict)  # (year, app_type) → [SpendingStandard]
    flows: dict = field(default_factory=dict)  # doc_type → [ApprovalFlow with .step_list]


_snapshot = _Snapshot(version=_UNCACHED)
_guard = threading.Lock()
_seen: ContextVar[tuple | None] = ContextVar("control_config_version", default=None)


def version() -> tuple | None:
    """The configuration's version (number, stamp), read once per unit of work; None before the first
    configuration write (the row is created by it) or in a unit that changed the configuration itself."""
    unit = current_unit()
    seen = _seen.get()
    if unit is not None and seen is not None and seen[0] is unit:
        return seen[1]
    number = ConfigVersion.objects.filter(pk=1).values_list("number", "stamp").first()
    if unit is not None:
        _seen.set((unit, number))
    return number


def bump() -> None:
    """Record a configuration change: call it in the writing service's unit, with its change."""
    qs = ConfigVersion.objects.filter(pk=1)
    values = {"number": F("number") + 1, "stamp": uuid.uuid4()}
    changed = locked_update(qs, **values) if connection.in_atomic_block else qs.update(**values)
    if not changed:
        ConfigVersion.objects.get_or_create(pk=1, defaults={"number": 1})
    _seen.set((current_unit(), _UNCACHED))


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loading a fixture or a backup: the row it restores is the truth
        return
    if sender is ControlSettings and kwargs.get("created"):
        # A year's settings row appearing (`settings_for` makes it with the defaults, in whatever unit first
        # needs the year) changes nothing cached: a year without a row is never cached. Bumping here would also
        # lock the version row in the middle of that unit, after its documents and quotas.
        return
    bump()


def connect() -> None:
    """Bump the version on every change of a configuration row (called once, from the app's ready())."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import ApprovalStepDef

    for model in (ControlSettings, SpendingStandard, ApprovalFlow, ApprovalStepDef):
        post_save.connect(_changed, sender=model, dispatch_uid=f"config_cache.save.{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"config_cache.delete.{model.__name__}")
    m2m_changed.connect(_changed, sender=ApprovalStepDef.users.through, dispatch_uid="config_cache.approvers")


def _current() -> _Snapshot | None:
    """The process's snapshot for the current version (replaced when the version moved), or None when this
    unit must not use the cache."""
    global _snapshot
    number = version()
    if number is _UNCACHED:
        return None
    with _guard:
        if _snapshot.version != number:
            _snapshot = _Snapshot(version=number)
        return _snapshot


def settings_for(year: int) -> ControlSettings:
    """The year's control parameters (created with the defaults the first time a year is used)."""
    snap = _current()
    cached = snap.settings.get(year) if snap else None
    if cached is None:
        cached, created = ControlSettings.objects.get_or_create(year=year)
        if snap is not None and not created:  # a row created now is not committed yet: keep it out
            snap.settings[year] = cached
    return copy.copy(cached)


def standards(year: int, app_type: str) -> list[SpendingStandard]:
    snap = _current()
    key = (year, app_type)
    if snap is not None and key in snap.standards:
        return snap.standards[key]
    rows = list(SpendingStandard.objects.filter(year=year, app_type=app_type))
    if snap is not None:
        snap.standards[key] = rows
    return rows


def flows(doc_type: str) -> list[ApprovalFlow]:
    """The active flows of a document type in matching order, each with `step_list` (its steps in order, each
    with `user_ids`: the named approvers, whose active state is read when a chain starts)."""
    snap = _current()
    if snap is not None and doc_type in snap.flows:
        return snap.flows[doc_type]
    rows = list(
        ApprovalFlow.objects.filter(active=True, doc_type=doc_type)
        .order_by("priority", "id")
        .prefetch_related("steps__users")
    )
    for flow in rows:
        flow.step_list = sorted(flow.steps.all(), key=lambda s: (s.order, s.pk))
        for step in flow.step_list:
            step.user_ids = sorted(u.pk for u in step.users.all())
    if snap is not None:
        snap.flows[doc_type] = rows
    return rows
