"""The registration form and registrations: the seat (one conditional update), the waiting list,
approval and cancellation (the `REGISTRATION` machine)."""

import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.crypto import blind_index
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.files import validate_upload
from center.core.locks import lock_one, locked_update
from center.core.rules import require
from center.core.services import service

from ..enums import (
    ACTIVE_REGISTRATION_STATES,
    EDITABLE_STATES,
    PROMOTING_STATES,
    REGISTRATION,
    EventState,
    FieldKind,
    RegistrationState,
)
from ..models import Event, FormField, Registration, RegistrationFile
from ..pages import seats_changed
from ..rules import may_organise
from ..tickets import new_token, random_code
from .base import (
    MAX_TEXT,
    UploadedFile,
    _lock_event,
    _queue_email,
    _store_file,
    normalise_email,
    normalise_phone,
)


@service
def form_field_add(
    *, actor, event_id: int, label: str, kind: str, label_en="", required=False, choices="", help_text=""
) -> FormField:
    event = _lock_event(event_id)
    require(may_organise, actor, event)
    if event.state not in EDITABLE_STATES:
        raise ApplicationError(_("活动已举办或已取消，不能修改报名表。"))
    if kind not in FieldKind.values:
        raise ApplicationError(_("未知的字段类型。"), {"field": "kind"})
    label = (label or "").strip()[:200]
    if not label:
        raise ApplicationError(_("标题不能为空。"), {"field": "label"})
    if (
        kind in (FieldKind.CHOICE, FieldKind.MULTICHOICE)
        and len([c for c in choices.splitlines() if c.strip()]) < 2
    ):
        raise ApplicationError(_("单选/多选题至少需要两个选项。"), {"field": "choices"})
    n = event.form_fields.count()
    field = FormField.objects.create(
        event=event,
        key=f"f{n + 1}-{secrets.token_hex(2)}",
        label=label,
        label_en=(label_en or "").strip()[:300],
        kind=kind,
        required=bool(required) or kind == FieldKind.CONSENT,
        choices=choices.strip(),
        help_text=(help_text or "").strip()[:300],
        sort=n + 1,
    )
    audit_log("events.form_field.added", actor=actor, target=event, extra={"label": label, "kind": kind})
    return field


@service
def form_field_remove(*, actor, field_id: int) -> None:
    field = FormField.objects.select_related("event").filter(pk=field_id).first()
    if field is None:
        raise NotFoundError(_("字段不存在。"))
    event = _lock_event(field.event_id)
    require(may_organise, actor, event)
    if event.registrations.exists():
        raise ApplicationError(_("已有人报名，不能删除报名表字段。"))
    audit_log("events.form_field.removed", actor=actor, target=event, extra={"label": field.label})
    field.delete()


def _new_code(event: Event) -> str:
    while True:
        code = random_code()
        if not Registration.objects.filter(event=event, code=code).exists():
            return code


def _clean_answers(fields, answers: dict, files: dict) -> tuple[dict, dict[str, UploadedFile]]:
    """Check the answers against the organiser's fields; return (clean answers, files to store)."""
    clean, to_store = {}, {}
    for field in fields:
        raw = answers.get(field.key)
        if field.kind == FieldKind.FILE:
            upload = files.get(field.key)
            if upload is None:
                if field.required:
                    raise ApplicationError(_("请上传“%(f)s”。") % {"f": field.label}, {"field": field.key})
                continue
            try:
                validate_upload(upload.name, upload.data, "general")
            except ApplicationError as exc:
                raise ApplicationError(f"{field.label}：{exc.message}", {"field": field.key}) from exc
            to_store[field.key] = upload
            clean[field.key] = Path(upload.name).name[:200]
            continue
        if field.kind == FieldKind.CONSENT:
            if not raw:
                raise ApplicationError(_("请阅读并同意“%(f)s”。") % {"f": field.label}, {"field": field.key})
            clean[field.key] = True
            continue
        if field.kind == FieldKind.MULTICHOICE:
            values = [v for v in (raw or []) if v]
            if any(v not in field.choice_list for v in values):
                raise ApplicationError(_("“%(f)s”的选项无效。") % {"f": field.label}, {"field": field.key})
            if field.required and not values:
                raise ApplicationError(_("请填写“%(f)s”。") % {"f": field.label}, {"field": field.key})
            clean[field.key] = values
            continue
        value = (raw or "").strip() if isinstance(raw, str) else ""
        if field.kind == FieldKind.CHOICE and value and value not in field.choice_list:
            raise ApplicationError(_("“%(f)s”的选项无效。") % {"f": field.label}, {"field": field.key})
        if field.required and not value:
            raise ApplicationError(_("请填写“%(f)s”。") % {"f": field.label}, {"field": field.key})
        if len(value) > MAX_TEXT:
            raise ApplicationError(_("“%(f)s”太长。") % {"f": field.label}, {"field": field.key})
        if value:
            clean[field.key] = value
    return clean, to_store


def _duplicate_check(event_id: int, email_index: str, phone_index: str) -> None:
    """One query (a walk-in at the door): an active registration of this event with the same e-mail or phone.
    Public registrations skip it and let the unique constraints say it (`registration_create`)."""
    found = list(
        Registration.objects.filter(event_id=event_id, state__in=sorted(ACTIVE_REGISTRATION_STATES))
        .filter(Q(email_index=email_index) | Q(phone_index=phone_index))
        .order_by()
        .values_list("email_index", flat=True)[:1]
    )
    if found:
        raise _duplicate("email" if found[0] == email_index else "phone")


def _duplicate(field: str | None) -> ConflictError:
    if field == "email":
        return ConflictError(
            _("该电子邮箱已报名此活动。请查看确认邮件中的链接管理您的报名。"), {"field": "email"}
        )
    if field == "phone":
        return ConflictError(
            _("该手机号已报名此活动。请查看确认邮件中的链接管理您的报名。"), {"field": "phone"}
        )
    # A check-in code collided (once in ~10^12): the person simply tries again.
    return ConflictError(_("该电子邮箱或手机号已报名此活动。"), {"field": "email"})


def _duplicate_field(exc: IntegrityError) -> str | None:
    """Which unique constraint refused the insert: its name (PostgreSQL) or the columns SQLite names."""
    name = (
        getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or str(exc).split("\n", 1)[0]
    )
    return "phone" if "phone" in name else "email" if "email" in name else None


def registration_create(
    *,
    event_id: int,
    name: str,
    email: str,
    phone: str,
    organisation: str = "",
    answers: dict | None = None,
    files: dict | None = None,
    language: str = "zh-hans",
    actor=None,
    form_fields: list | None = None,
    consent: bool = False,
) -> Registration:
    """Register a person (anonymous: actor=None). Capacity is never exceeded: a seat is taken by one
    conditional update of the event's counter, which holds the event's row lock until the commit (SQLite:
    the IMMEDIATE write lock), and a check constraint refuses a count above capacity. Full → waiting list.
    Approval required → pending.
    Side effects: audit entry; confirmation e-mail with the QR ticket after commit.

    The input is checked here, before the unit of work (`registration_submit`) begins: registration opening
    is a burst and the event's row lock is its queue, so nothing that needs no lock runs under it (on SQLite
    the unit's IMMEDIATE transaction would hold the database's write lock meanwhile)."""
    if consent is not True:
        raise ApplicationError(_("请阅读个人信息使用说明，并勾选同意后再提交报名。"), {"field": "consent"})
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ApplicationError(_("请填写姓名（不超过 100 字）。"), {"field": "name"})
    email_index = normalise_email(email)
    phone_norm = normalise_phone(phone)
    if form_fields is None:
        form_fields = list(FormField.objects.filter(event_id=event_id))
    elif any(f.event_id != event_id for f in form_fields):
        raise ApplicationError(_("报名表与活动不符。"))
    clean, to_store = _clean_answers(form_fields, answers or {}, files or {})
    fields = {
        "event_id": event_id,
        "token": new_token(),
        "code": random_code(),
        "name": name,
        "email": email.strip()[:200],
        "email_index": email_index,
        "phone": phone_norm,
        "phone_index": blind_index(phone_norm),
        "organisation": (organisation or "").strip()[:200],
        "answers": clean,
        "language": language[:10],
        "consented_at": timezone.now(),
        "consent_version": CONSENT_VERSION,
    }
    # No query for duplicates before the unit (every registration of a burst would pay it for the rare one):
    # the partial unique constraints refuse a second active registration of the same e-mail or phone, the unit
    # rolls back (its seat included), and the constraint says which field to show the message on.
    try:
        return registration_submit(fields=fields, files=to_store, actor=actor)
    except IntegrityError as exc:
        raise _duplicate(_duplicate_field(exc)) from exc


# The personal-data statement shown on the public registration form (the template words it; a change of
# purpose or retention is a new version).
CONSENT_VERSION = "2026-12"


def retention_days() -> int:
    """How long registrations are kept after the event ends (`EVENTS_DATA_RETENTION_DAYS`, default 365)."""
    return int(getattr(settings, "EVENTS_DATA_RETENTION_DAYS", 365))


@service
def registration_submit(*, fields: dict, files: dict[str, UploadedFile], actor=None) -> Registration:
    """The unit of work of a registration whose input `registration_create` has checked: take a seat (or say
    why not), insert the registration, store its files, audit, queue the e-mail."""
    event_id, now = fields["event_id"], timezone.now()
    # A burst's common case in one statement, which also takes the event's row lock: a free seat.
    took_seat = locked_update(
        Event.objects.filter(
            Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now),
            pk=event_id,
            state=EventState.REGISTRATION_OPEN,
            requires_approval=False,
            confirmed_count__lt=F("capacity"),
        ),
        confirmed_count=F("confirmed_count") + 1,
    )
    state = RegistrationState.CONFIRMED if took_seat else _registration_state(event_id, now)
    reg = Registration(
        **fields, state=state, confirmed_at=now if state == RegistrationState.CONFIRMED else None
    )
    reg.save(force_insert=True)
    for key, upload in files.items():
        _store_file(upload=upload, field_key=key, registration=reg)
    audit_log(
        "events.registration.created",
        actor=actor,
        target=reg,
        target_repr=f"{event_id}/{reg.pk}",
        changes={"state": [None, state]},
    )
    _queue_email(reg.pk, "registered")
    return reg


def _registration_state(event_id: int, now) -> str:
    """No free seat was taken at once: under the event's lock, say why — closed (refused), approval needed
    (pending), a seat freed meanwhile (confirmed, counted here) or full (waiting list)."""
    event = _lock_event(event_id)
    if event.state != EventState.REGISTRATION_OPEN:
        raise ApplicationError(_("此活动当前不接受报名。"), {"code": "registration_closed"})
    if event.registration_closes_at and event.registration_closes_at <= now:
        raise ApplicationError(_("报名已截止。"))
    if event.requires_approval:
        return RegistrationState.PENDING
    if event.confirmed_count < event.capacity:
        _count_seats(event, 1)
        return RegistrationState.CONFIRMED
    return RegistrationState.WAITLISTED


def _count_seats(event: Event, delta: int) -> None:
    """Change the seat counter of a locked event, before any of its registrations is locked."""
    if delta:
        locked_update(Event.objects.filter(pk=event.pk), confirmed_count=F("confirmed_count") + delta)
        event.confirmed_count += delta
        seats_changed(event.pk)  # the public pages show it at once (a burst's seats: their few seconds' TTL)


def _waiting_to_promote(event: Event, free: int, exclude: int | None = None) -> list[int]:
    """The waiting list's oldest registrations that `free` seats let move up (the event is locked)."""
    if free <= 0 or event.state not in PROMOTING_STATES:
        return []
    waiting = event.registrations.filter(state=RegistrationState.WAITLISTED)
    if exclude is not None:
        waiting = waiting.exclude(pk=exclude)
    return list(waiting.order_by("created_at", "id").values_list("pk", flat=True)[:free])


def _promote(event: Event, ids: list[int]) -> None:
    """Confirm the waiting registrations `ids`, whose seats the caller has already counted."""
    if not ids:
        return
    # The `REGISTRATION` machine's "promote", for many rows in one statement.
    (source,) = REGISTRATION.sources["promote"]
    target = REGISTRATION.target("promote")
    locked_update(
        Registration.objects.filter(pk__in=ids, state=source), state=target, confirmed_at=timezone.now()
    )
    for pk in ids:
        audit_log(
            f"{REGISTRATION.prefix}.promote",
            target=Registration(pk=pk),
            target_repr=f"{event.pk}/{pk}",
            changes={"state": [source, target]},
        )
        _queue_email(pk, "promoted")


def _promote_waitlist(event: Event) -> list[int]:
    """Move people up from the waiting list, oldest first, while seats are free (the event is locked)."""
    ids = _waiting_to_promote(event, event.capacity - event.confirmed_count)
    _count_seats(event, len(ids))
    _promote(event, ids)
    return ids


def registration_by_token(token: str) -> Registration:
    reg = (
        Registration.objects.select_related("event", "event__type").filter(token=token or "").first()
        if token and len(token) <= 64
        else None
    )
    if reg is None:
        raise NotFoundError(_("报名记录不存在，链接可能有误。"))
    return reg


@service
def registration_cancel(*, token: str, actor=None) -> Registration:
    """The registrant cancels from their link. A confirmed seat frees up: the waiting list moves up.
    Order: the event, its seat counter (the freed seat and the promotions at once), then the registrations."""
    event = _lock_event(registration_by_token(token).event_id)
    reg = Registration.objects.get(token=token)  # read under the event's lock: it cannot change meanwhile
    if not REGISTRATION.allows(reg, "cancel"):
        raise ConflictError(_("此报名已取消或未通过，无需再取消。"))
    if reg.checked_in_at:
        raise ApplicationError(_("已签到的报名不能取消。"))
    if event.state not in PROMOTING_STATES:
        raise ApplicationError(_("活动已举办或已取消，报名不能再取消。"))
    before = reg.state
    freed = 1 if before == RegistrationState.CONFIRMED else 0
    promoted = _waiting_to_promote(event, event.capacity - event.confirmed_count + freed, exclude=reg.pk)
    _count_seats(event, len(promoted) - freed)
    reg = lock_one(Registration.objects.filter(pk=reg.pk))
    reg.cancelled_at = timezone.now()
    REGISTRATION.apply(
        reg, "cancel", actor=actor, fields=["cancelled_at"], target_repr=f"{event.pk}/{reg.pk}"
    )
    _promote(event, promoted)
    return reg


@service
def registration_decide(*, actor, registration_id: int, approve: bool) -> Registration:
    """Staff approve (→ confirmed, or waiting list when full) or reject a pending registration."""
    event_id = Registration.objects.filter(pk=registration_id).values_list("event_id", flat=True).first()
    if event_id is None:
        raise NotFoundError(_("报名记录不存在。"))
    event = _lock_event(event_id)
    require(may_organise, actor, event)
    reg = Registration.objects.get(pk=registration_id)  # read under the event's lock
    if not approve:
        verb = "reject"
    elif event.confirmed_count < event.capacity:
        verb = "approve"
    else:
        verb = "waitlist"  # approved, but full
    if not REGISTRATION.allows(reg, verb):
        raise ConflictError(_("此报名不在待审核状态。"))
    if verb == "approve":
        _count_seats(event, 1)
    reg = lock_one(Registration.objects.filter(pk=reg.pk))
    reg.confirmed_at = timezone.now() if verb == "approve" else None
    REGISTRATION.apply(reg, verb, actor=actor, fields=["confirmed_at"], target_repr=f"{event.pk}/{reg.pk}")
    _queue_email(reg.pk, "decided")
    return reg


@service
def registrations_erase_expired(*, now=None) -> int:
    """Erase the personal data of registrations whose event ended more than `retention_days()` ago (the
    period the registration form states): name, contacts, organisation, answers and uploaded files; the
    registration itself stays (counts, check-in times, survey answers). Run daily
    (`manage.py events_erase_personal_data`). Their files are deleted from storage by `uploads_orphans`."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    ids = list(
        Registration.objects.filter(event__ends_at__lt=cutoff, erased_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        Registration.objects.filter(pk=pk).update(
            name=_("（已删除）"),
            email="",
            email_index=f"erased:{pk}",
            phone="",
            phone_index=f"erased:{pk}",
            organisation="",
            answers={},
            erased_at=now,
        )
    files = RegistrationFile.objects.filter(registration_id__in=ids).delete()[0] if ids else 0
    if ids:
        audit_log(
            "events.registration.erased",
            actor=None,
            target_repr=_("%(n)d 条报名") % {"n": len(ids)},
            extra={"registrations": len(ids), "files": files, "retention_days": retention_days()},
        )
    return len(ids)
