"""Every write of the events area. Each is a `@service` (one unit of work: center.core.services): it checks
the starting state, raises an ApplicationError subclass when refused (nothing changed) and writes an audit entry.

Lock order (center.core.locks; prevents deadlocks between registration, cancellation, check-in and the
money of approval and cancellation): the event row first (`lock_one`, or the seat's conditional
`locked_update`), then the event's counters, then its registrations, then what budget control locks (its
documents, the quotas), the audit chain head last (appended at the unit's end). A registration is changed
only under its event's row lock, so what a service reads of it after locking the event stays true.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.core.validators import validate_email
from django.db import IntegrityError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.validators import validate_mobile
from center.control import funding
from center.core.audit import audit_log, diff, snapshot
from center.core.crypto import blind_index
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.files import attachment_create, storage_path, validate_upload
from center.core.locks import lock_one, locked_update
from center.core.rules import require
from center.core.services import on_rollback, service
from center.core.tasks import enqueue_on_commit

from .enums import (
    ACTIVE_REGISTRATION_STATES,
    CHECKIN_STATES,
    EDITABLE_STATES,
    EVENT,
    PROMOTING_STATES,
    REGISTRATION,
    ROADSHOW_APPLICATION,
    ROADSHOW_CRITERIA,
    SURVEY,
    EventState,
    FieldKind,
    OutcomeKind,
    QuestionKind,
    RegistrationState,
    RoadshowApplicationState,
    RoadshowStage,
    SurveyState,
)
from .models import (
    Event,
    EventCostLine,
    EventPhoto,
    EventType,
    FormField,
    Registration,
    RegistrationFile,
    RoadshowApplication,
    RoadshowInvestor,
    RoadshowOutcome,
    RoadshowScore,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from .rules import (  # noqa: F401 (is_organiser and can_approve re-exported)
    can_approve,
    is_organiser,
    may_check_in,
    may_create,
    may_decide_roadshow,
    may_manage_types,
    may_organise,
    may_score_roadshow,
    may_walk_in,
    rule_for,
)
from .tasks import send_registration_email
from .tickets import CODE_ALPHABET, CODE_LENGTH, QR_PREFIX, new_token, parse_ticket, random_code  # noqa: F401 (re-exported)

EVENT_AUDITED_FIELDS = [
    "type_id",
    "title",
    "title_en",
    "summary",
    "department_id",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "capacity",
    "co_organisers",
    "requires_approval",
    "registration_closes_at",
    "budget_item_id",
    "planned_cost",
    "application_ref",
    "state",
]
EVENT_EDITABLE_FIELDS = {
    "type",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "starts_at",
    "ends_at",
    "venue",
    "venue_en",
    "online_url",
    "capacity",
    "co_organisers",
    "requires_approval",
    "registration_closes_at",
    "budget_item",
    "planned_cost",
}
MAX_TEXT = 2000


# --- locks ------------------------------------------------------------------------------------


def _lock_event(event_id: int) -> Event:
    event = lock_one(Event.objects.filter(pk=event_id))
    if event is None:
        raise NotFoundError(_("活动不存在。"))
    return event


# --- event types ------------------------------------------------------------------------------


@service
def event_type_save(
    *, actor, code: str, name: str, name_en: str = "", is_roadshow=False, active=True, sort=0, pk=None
) -> EventType:
    require(may_manage_types, actor)
    code = (code or "").strip()
    if not re.fullmatch(r"[a-z0-9_-]{2,30}", code) or not name.strip():
        raise ApplicationError(
            _("代码须为 2–30 位小写字母、数字、下划线或连字符，名称不能为空。"), {"field": "code"}
        )
    if EventType.objects.filter(code=code).exclude(pk=pk).exists():
        raise ConflictError(_("代码“%(c)s”已被使用。") % {"c": code}, {"field": "code"})
    if pk:
        et = lock_one(EventType.objects.filter(pk=pk))
        if et is None:
            raise NotFoundError(_("活动类型不存在。"))
        before = snapshot(et, ["code", "name", "name_en", "is_roadshow", "active", "sort"])
    else:
        et, before = EventType(), {}
    et.code, et.name, et.name_en = code, name.strip(), name_en.strip()
    et.is_roadshow, et.active, et.sort = bool(is_roadshow), bool(active), int(sort or 0)
    et.save()
    audit_log(
        "events.event_type.saved",
        actor=actor,
        target=et,
        changes=diff(before, snapshot(et, ["code", "name", "name_en", "is_roadshow", "active", "sort"])),
    )
    return et


# --- events --------------------------------------------------------------------------------


EVENT_REQUIRED_FIELDS = ("type", "title", "starts_at", "ends_at", "capacity")


def _validate_event_fields(fields: dict, event: Event | None = None) -> None:
    starts = fields.get("starts_at", event.starts_at if event else None)
    ends = fields.get("ends_at", event.ends_at if event else None)
    if starts and ends and ends < starts:
        raise ApplicationError(_("结束时间不能早于开始时间。"), {"field": "ends_at"})
    cost = fields.get("planned_cost")
    if cost is not None and (cost < 0 or cost.as_tuple().exponent < -2):
        raise ApplicationError(_("计划经费须为非负金额，最多两位小数。"), {"field": "planned_cost"})
    capacity = fields.get("capacity")
    if capacity is not None:
        if capacity <= 0:
            raise ApplicationError(_("名额必须大于 0。"), {"field": "capacity"})
        if event is not None and capacity < event.confirmed_count:
            raise ApplicationError(
                _("名额不能少于已确认的 %(n)d 人。") % {"n": event.confirmed_count}, {"field": "capacity"}
            )
    closes = fields.get("registration_closes_at")
    if closes and starts and closes > (ends or starts):
        raise ApplicationError(_("报名截止时间不能晚于活动结束时间。"), {"field": "registration_closes_at"})


@service
def event_create(*, actor, indicators=None, **fields) -> Event:
    """Plan an event in the actor's department (state: planned). Side effect: audit entry."""
    require(may_create, actor)
    unknown = set(fields) - EVENT_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("不能设置这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    for name in EVENT_REQUIRED_FIELDS:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ApplicationError(
                _("请填写“%(f)s”。") % {"f": Event._meta.get_field(name).verbose_name}, {"field": name}
            )
    _validate_event_fields(fields)
    event = Event(department_id=actor.department_id, owner=actor, state=EventState.PLANNED, **fields)
    event.save()
    if indicators is not None:
        event.indicators.set(indicators)
    audit_log(
        "events.event.created",
        actor=actor,
        target=event,
        changes=diff({}, snapshot(event, EVENT_AUDITED_FIELDS))
        | {"indicators": [[], sorted(i.pk for i in indicators or [])]},
    )
    return event


@service
def event_update(*, actor, event_id: int, indicators=None, **fields) -> Event:
    event = _lock_event(event_id)
    require(may_organise, actor, event)
    if event.state not in EDITABLE_STATES:
        raise ApplicationError(_("活动已举办或已取消，不能再修改。"))
    unknown = set(fields) - EVENT_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if (
        event.state != EventState.PLANNED
        and "planned_cost" in fields
        and fields["planned_cost"] != event.planned_cost
    ):
        raise ApplicationError(_("活动批准后计划经费不能直接修改，请走预算调整。"), {"field": "planned_cost"})
    _validate_event_fields(fields, event)
    before = snapshot(event, EVENT_AUDITED_FIELDS)
    before_ind = sorted(event.indicators.values_list("pk", flat=True))
    for k, v in fields.items():
        setattr(event, k, v)
    event.save()
    changes = diff(before, snapshot(event, EVENT_AUDITED_FIELDS))
    if indicators is not None:
        event.indicators.set(indicators)
        after_ind = sorted(i.pk for i in indicators)
        if after_ind != before_ind:
            changes["indicators"] = [before_ind, after_ind]
    # More seats: people on the waiting list move up at once.
    promoted = _promote_waitlist(event)
    audit_log(
        "events.event.updated", actor=actor, target=event, changes=changes, extra={"promoted": promoted}
    )
    return event


def event_request_funding(*, actor, event: Event) -> str:
    """Submit the event's prior application (事前申请, type 活动) for its planned cost through budget control's
    public face (`center.control.funding`): it freezes a quota of `event.budget_item` for the event's year
    and starts the approval chain (with the item's department reviewing when another department organises
    the event). Returns the application's number, or '' when the event has no budget item or no cost.
    Called by `event_approve` inside its unit of work: a refusal (no quota, not enough left, a standard
    exceeded) leaves the event planned."""
    if event.budget_item_id is None or not event.planned_cost:
        return ""
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    app = funding.request_for_item(
        applicant=event.owner,
        item=event.budget_item,
        year=starts.year,
        amount=event.planned_cost,
        app_type="event",
        title=_("%(title)s（活动经费）") % {"title": event.title},
        details={
            "attendees": event.capacity,
            "days": max((ends.date() - starts.date()).days + 1, 1),
            "city": event.venue[:50],
        },
    )
    return app.number


def _release_funding(actor, event: Event, reason: str) -> None:
    """Cancel the event's prior application in budget control when the person cancelling the event may (its
    applicant, or the head of its department, with nothing claimed yet); otherwise tell the applicant."""
    funding.cancel(
        actor=actor,
        number=event.application_ref,
        reason=_("活动取消：%(r)s") % {"r": reason},
        matter=event.title,
    )


def _transition(*, actor, event_id: int, verb: str, extra: dict | None = None, check=None) -> Event:
    """Lock the event, check the rule, the starting state (the `EVENT` machine) and `check`; move it."""
    event = _lock_event(event_id)
    require(rule_for(verb), actor, event)
    if not EVENT.allows(event, verb):
        raise ConflictError(
            _("活动当前状态为“%(s)s”，不能执行此操作。") % {"s": event.get_state_display()},
            {"state": event.state, "verb": verb},
        )
    if check:
        check(event)
    return EVENT.apply(event, verb, actor=actor, fields=["updated_at"], extra=extra or {})


@service
def event_approve(*, actor, event_id: int) -> Event:
    """planned → approved. Side effect: the prior application for the planned cost (hook)."""
    event = _transition(actor=actor, event_id=event_id, verb="approve")
    ref = event_request_funding(actor=actor, event=event)
    event.approved_by, event.approved_at = actor, timezone.now()
    if ref:
        event.application_ref = ref
    event.save(update_fields=["approved_by", "approved_at", "application_ref", "updated_at"])
    return event


@service
def event_publish(*, actor, event_id: int) -> Event:
    return _transition(actor=actor, event_id=event_id, verb="publish")


@service
def event_open_registration(*, actor, event_id: int) -> Event:
    def check(event):
        if event.registration_closes_at and event.registration_closes_at <= timezone.now():
            raise ApplicationError(_("报名截止时间已过，请先修改截止时间。"))

    return _transition(actor=actor, event_id=event_id, verb="open_registration", check=check)


@service
def event_close_registration(*, actor, event_id: int) -> Event:
    return _transition(actor=actor, event_id=event_id, verb="close_registration")


@service
def event_mark_held(*, actor, event_id: int) -> Event:
    def check(event):
        if event.starts_at > timezone.now():
            raise ApplicationError(_("活动尚未开始，不能标记为已举办。"))

    event = _transition(actor=actor, event_id=event_id, verb="mark_held", check=check)
    event.held_at = timezone.now()
    event.save(update_fields=["held_at", "updated_at"])
    return event


@service
def event_report(*, actor, event_id: int) -> Event:
    def check(event):
        if not event.report_summary.strip():
            raise ApplicationError(_("请先填写活动总结。"))

    event = _transition(actor=actor, event_id=event_id, verb="report", check=check)
    event.reported_at = timezone.now()
    event.save(update_fields=["reported_at", "updated_at"])
    return event


@service
def event_close(*, actor, event_id: int) -> Event:
    return _transition(actor=actor, event_id=event_id, verb="close")


@service
def event_cancel(*, actor, event_id: int, reason: str = "") -> Event:
    """→ cancelled (any state before held). Side effects: the event's prior application is cancelled in budget
    control (its freeze released) unless money was already claimed or advanced against it; registrants are
    told by e-mail after commit."""
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ApplicationError(_("请填写取消原因。"), {"field": "reason"})
    event = _transition(actor=actor, event_id=event_id, verb="cancel", extra={"reason": reason})
    event.cancel_reason = reason
    event.save(update_fields=["cancel_reason", "updated_at"])
    _release_funding(actor, event, reason)
    for pk in event.registrations.filter(state__in=sorted(ACTIVE_REGISTRATION_STATES)).values_list(
        "pk", flat=True
    ):
        _queue_email(pk, "event_cancelled")
    return event


SERVICES_BY_VERB = {
    "approve": event_approve,
    "publish": event_publish,
    "open_registration": event_open_registration,
    "close_registration": event_close_registration,
    "mark_held": event_mark_held,
    "report": event_report,
    "close": event_close,
    "cancel": event_cancel,
}


# --- registration form -------------------------------------------------------------------


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


# --- registrations ---------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except Exception as exc:  # noqa: BLE001 (Django's ValidationError; message is ours)
        raise ApplicationError(_("电子邮箱格式不正确。"), {"field": "email"}) from exc
    return email.lower()


def normalise_phone(phone: str) -> str:
    """Mainland mobile (11 digits) or +852/+853: the canonical form duplicate detection compares."""
    v = validate_mobile(phone or "")
    return v.lstrip("+")


def _new_code(event: Event) -> str:
    while True:
        code = random_code()
        if not Registration.objects.filter(event=event, code=code).exists():
            return code


@dataclass
class UploadedFile:
    name: str
    data: bytes


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


def _store_file(*, upload: UploadedFile, field_key: str, registration=None, application=None) -> None:
    """Write the verified bytes under a random name; removed again if the unit of work rolls back."""
    stored = secrets.token_hex(16)
    path = storage_path(stored)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(upload.data)
    on_rollback(lambda: path.unlink(missing_ok=True))
    RegistrationFile.objects.create(
        registration=registration,
        application=application,
        field_key=field_key,
        original_name=Path(upload.name).name[:200],
        stored_name=stored,
        content_type=validate_upload(upload.name, upload.data, "general"),
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
    )


def _duplicate_check(event_id: int, email_index: str, phone_index: str) -> None:
    """One query (every registration of a burst runs it): an active registration of this event with the same
    e-mail or phone."""
    found = list(
        Registration.objects.filter(event_id=event_id, state__in=sorted(ACTIVE_REGISTRATION_STATES))
        .filter(Q(email_index=email_index) | Q(phone_index=phone_index))
        .order_by()
        .values_list("email_index", flat=True)[:1]
    )
    if not found:
        return
    if found[0] == email_index:
        raise ConflictError(
            _("该电子邮箱已报名此活动。请查看确认邮件中的链接管理您的报名。"), {"field": "email"}
        )
    raise ConflictError(_("该手机号已报名此活动。请查看确认邮件中的链接管理您的报名。"), {"field": "phone"})


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
) -> Registration:
    """Register a person (anonymous: actor=None). Capacity is never exceeded: a seat is taken by one
    conditional update of the event's counter, which holds the event's row lock until the commit (SQLite:
    the IMMEDIATE write lock), and a check constraint refuses a count above capacity. Full → waiting list.
    Approval required → pending.
    Side effects: audit entry; confirmation e-mail with the QR ticket after commit.

    The input is checked here, before the unit of work (`registration_submit`) begins: registration opening
    is a burst and the event's row lock is its queue, so nothing that needs no lock runs under it (on SQLite
    the unit's IMMEDIATE transaction would hold the database's write lock meanwhile)."""
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
    }
    # Outside the lock: a duplicate that races past this check is refused by the unique constraints.
    _duplicate_check(event_id, email_index, fields["phone_index"])
    try:
        return registration_submit(fields=fields, files=to_store, actor=actor)
    except IntegrityError as exc:
        # The partial unique constraints caught a duplicate that raced past the check above
        # (or, once in ~10^12, a check-in code collided: the person simply tries again).
        raise ConflictError(_("该电子邮箱或手机号已报名此活动。"), {"field": "email"}) from exc


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


def _queue_email(registration_id: int, kind: str) -> None:
    enqueue_on_commit(send_registration_email, registration_id, kind)


def _count_seats(event: Event, delta: int) -> None:
    """Change the seat counter of a locked event, before any of its registrations is locked."""
    if delta:
        locked_update(Event.objects.filter(pk=event.pk), confirmed_count=F("confirmed_count") + delta)
        event.confirmed_count += delta


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


# --- check-in --------------------------------------------------------------------------------


@service
def checkin(*, actor, event_id: int, raw: str) -> Registration:
    """Check a ticket in. Refused (nothing changed): forged or unknown code, another event's ticket,
    not confirmed (waiting list, cancelled, pending), already checked in.
    Order: the event, its check-in counter, then the registration (one conditional update)."""
    event = _lock_event(event_id)
    require(may_check_in, actor, event)
    if event.state not in CHECKIN_STATES:
        raise ApplicationError(_("活动当前状态为“%(s)s”，不能签到。") % {"s": event.get_state_display()})
    kind, value = parse_ticket(raw)
    if not value:
        raise ApplicationError(_("请扫描二维码或输入签到码。"))
    # Read under the event's lock: a registration of this event cannot change meanwhile.
    if kind == "code":
        reg = Registration.objects.filter(event=event, code=value).first()
    else:
        reg = Registration.objects.filter(token=value).first() if len(value) <= 64 else None
    refused = {"action": "events.ticket.refused", "actor": actor, "target": event}
    if reg is None and kind == "code" and Registration.objects.filter(code=value).exists():
        raise ApplicationError(
            _("此票属于其他活动，不能在本活动签到。"),
            {"outcome": "other_event"},
            audit={**refused, "extra": {"reason": "other event"}},
        )
    if reg is None:
        raise NotFoundError(
            _("无效的票：未找到此签到码。"),
            {"outcome": "invalid"},
            audit={**refused, "extra": {"reason": "unknown or forged"}},
        )
    if reg.event_id != event.pk:
        raise ApplicationError(
            _("此票属于其他活动，不能在本活动签到。"),
            {"outcome": "other_event"},
            audit={**refused, "extra": {"reason": "other event"}},
        )
    if reg.checked_in_at:
        raise ConflictError(
            _("%(name)s 已于 %(t)s 签到，不能重复签到。")
            % {"name": reg.name, "t": timezone.localtime(reg.checked_in_at).strftime("%H:%M:%S")},
            {"outcome": "duplicate", "registration": reg.pk},
        )
    if reg.state != RegistrationState.CONFIRMED:
        raise ApplicationError(
            _("%(name)s 的报名状态为“%(s)s”，不能签到。") % {"name": reg.name, "s": reg.get_state_display()},
            {"outcome": "not_confirmed", "registration": reg.pk},
        )
    locked_update(Event.objects.filter(pk=event.pk), checked_in_count=F("checked_in_count") + 1)
    reg.checked_in_at, reg.checked_in_by = timezone.now(), actor
    locked_update(
        Registration.objects.filter(pk=reg.pk, checked_in_at__isnull=True),
        checked_in_at=reg.checked_in_at,
        checked_in_by=actor,
    )
    audit_log("events.registration.checked_in", actor=actor, target=reg, target_repr=f"{event.pk}/{reg.pk}")
    return reg


@service
def walkin_register(
    *, actor, event_id: int, name: str, email: str, phone: str, organisation: str = ""
) -> Registration:
    """Registration at the door: confirmed and checked in at once, if a seat is free."""
    event = _lock_event(event_id)
    require(may_walk_in, actor, event)
    if event.state not in CHECKIN_STATES:
        raise ApplicationError(_("活动当前状态为“%(s)s”，不能现场报名。") % {"s": event.get_state_display()})
    if event.confirmed_count >= event.capacity:
        raise ApplicationError(_("名额已满，不能现场报名。"))
    name = (name or "").strip()[:100]
    if not name:
        raise ApplicationError(_("请填写姓名（不超过 100 字）。"), {"field": "name"})
    email_index = normalise_email(email)
    phone_norm = normalise_phone(phone)
    phone_index = blind_index(phone_norm)
    _duplicate_check(event.pk, email_index, phone_index)
    locked_update(
        Event.objects.filter(pk=event.pk),
        confirmed_count=F("confirmed_count") + 1,
        checked_in_count=F("checked_in_count") + 1,
    )
    now = timezone.now()
    reg = Registration.objects.create(
        event=event,
        token=new_token(),
        name=name,
        email=email.strip()[:200],
        email_index=email_index,
        phone=phone_norm,
        phone_index=phone_index,
        organisation=(organisation or "").strip()[:200],
        code=_new_code(event),
        state=RegistrationState.CONFIRMED,
        walk_in=True,
        confirmed_at=now,
        checked_in_at=now,
        checked_in_by=actor,
    )
    audit_log("events.registration.walk_in", actor=actor, target=reg, target_repr=f"{event.pk}/{reg.pk}")
    _queue_email(reg.pk, "registered")
    return reg


# --- survey ----------------------------------------------------------------------------------


def _survey_for_update(actor, event_id: int) -> tuple[Event, Survey]:
    event = _lock_event(event_id)
    require(may_organise, actor, event)
    survey, _created = Survey.objects.get_or_create(event=event)
    return event, survey


@service
def survey_question_add(
    *,
    actor,
    event_id: int,
    kind: str,
    text: str,
    text_en: str = "",
    choices: str = "",
    scale_max: int = 5,
    required: bool = True,
    counts_for_satisfaction: bool = False,
) -> SurveyQuestion:
    event, survey = _survey_for_update(actor, event_id)
    if survey.state != SurveyState.DRAFT:
        raise ApplicationError(_("问卷已发出，不能再修改题目。"))
    if kind not in QuestionKind.values:
        raise ApplicationError(_("未知的题型。"), {"field": "kind"})
    text = (text or "").strip()[:300]
    if not text:
        raise ApplicationError(_("题目不能为空。"), {"field": "text"})
    if (
        kind in (QuestionKind.CHOICE, QuestionKind.MULTICHOICE)
        and len([c for c in choices.splitlines() if c.strip()]) < 2
    ):
        raise ApplicationError(_("单选/多选题至少需要两个选项。"), {"field": "choices"})
    if kind == QuestionKind.RATING and not 3 <= int(scale_max) <= 10:
        raise ApplicationError(_("评分题满分须在 3 到 10 之间。"), {"field": "scale_max"})
    if counts_for_satisfaction and kind != QuestionKind.RATING:
        raise ApplicationError(_("只有评分题可以计入满意度。"), {"field": "counts_for_satisfaction"})
    q = SurveyQuestion.objects.create(
        survey=survey,
        kind=kind,
        text=text,
        text_en=(text_en or "").strip()[:400],
        choices=choices.strip(),
        scale_max=int(scale_max),
        required=bool(required),
        counts_for_satisfaction=bool(counts_for_satisfaction),
        sort=survey.questions.count() + 1,
    )
    audit_log("events.survey.question_added", actor=actor, target=event, extra={"text": text, "kind": kind})
    return q


@service
def survey_question_remove(*, actor, question_id: int) -> None:
    q = SurveyQuestion.objects.select_related("survey").filter(pk=question_id).first()
    if q is None:
        raise NotFoundError(_("题目不存在。"))
    event, survey = _survey_for_update(actor, q.survey.event_id)
    if survey.state != SurveyState.DRAFT:
        raise ApplicationError(_("问卷已发出，不能再修改题目。"))
    audit_log("events.survey.question_removed", actor=actor, target=event, extra={"text": q.text})
    q.delete()


@service
def survey_set_rule(*, actor, event_id: int, threshold: int, intro: str = "") -> Survey:
    event, survey = _survey_for_update(actor, event_id)
    if survey.state != SurveyState.DRAFT:
        raise ApplicationError(_("问卷已发出，不能再修改满意度规则。"))
    if not 1 <= int(threshold) <= 10:
        raise ApplicationError(_("满意阈值须在 1 到 10 之间。"), {"field": "threshold"})
    before = snapshot(survey, ["satisfaction_threshold", "intro"])
    survey.satisfaction_threshold, survey.intro = int(threshold), (intro or "").strip()[:MAX_TEXT]
    survey.save()
    audit_log(
        "events.survey.rule_set",
        actor=actor,
        target=event,
        changes=diff(before, snapshot(survey, ["satisfaction_threshold", "intro"])),
    )
    return survey


@service
def survey_open(*, actor, event_id: int) -> Survey:
    """Send the survey to the attendees (checked-in registrations) after the event is held."""
    event, survey = _survey_for_update(actor, event_id)
    if event.state not in (EventState.HELD, EventState.REPORTED):
        raise ApplicationError(_("活动举办后才能发出满意度问卷。"))
    if not SURVEY.allows(survey, "open"):
        raise ConflictError(_("问卷已发出。"))
    if not survey.questions.filter(counts_for_satisfaction=True).exists():
        raise ApplicationError(_("问卷至少需要一道计入满意度的评分题。"))
    survey.opened_at = timezone.now()
    SURVEY.apply(survey, "open", actor=actor, fields=["opened_at"], target_repr=f"{event.pk}/survey")
    for pk in event.registrations.filter(checked_in_at__isnull=False).values_list("pk", flat=True):
        _queue_email(pk, "survey")
    return survey


@service
def survey_close(*, actor, event_id: int) -> Survey:
    event, survey = _survey_for_update(actor, event_id)
    if not SURVEY.allows(survey, "close"):
        raise ConflictError(_("问卷不在收集中。"))
    survey.closed_at = timezone.now()
    SURVEY.apply(survey, "close", actor=actor, fields=["closed_at"], target_repr=f"{event.pk}/survey")
    _recompute_satisfaction(event, survey)
    return survey


def satisfaction_of(survey: Survey) -> tuple[Decimal | None, int]:
    """THE RULE: among the answers to the rating questions marked "计入满意度", the share rated at or
    above the survey's threshold (default 4 of 5), in percent, rounded half-up to 2 decimals."""
    answers = SurveyAnswer.objects.filter(
        question__survey=survey, question__counts_for_satisfaction=True, rating__isnull=False
    )
    total = answers.count()
    if not total:
        return None, 0
    satisfied = answers.filter(rating__gte=survey.satisfaction_threshold).count()
    rate = (Decimal(satisfied) * 100 / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return rate, total


def _recompute_satisfaction(event: Event, survey: Survey) -> None:
    rate, basis = satisfaction_of(survey)
    Event.objects.filter(pk=event.pk).update(satisfaction_rate=rate, satisfaction_basis=basis)


@service
def survey_submit(*, token: str, answers: dict) -> SurveyResponse:
    """One answer per attendee, identified by the ticket token. Stores the event's satisfaction rate."""
    reg = registration_by_token(token)
    event = _lock_event(reg.event_id)
    survey = Survey.objects.filter(event=event).first()
    if survey is None or survey.state != SurveyState.OPEN:
        raise ApplicationError(_("此活动的满意度问卷未开放。"))
    if reg.checked_in_at is None:
        raise ForbiddenError(_("只有到场签到的参会者可以填写问卷。"))
    if SurveyResponse.objects.filter(survey=survey, registration=reg).exists():
        raise ConflictError(_("您已提交过问卷，谢谢！每位参会者只能提交一次。"))
    rows = []
    for q in survey.questions.all():
        raw = answers.get(str(q.pk))
        a = SurveyAnswer(question=q)
        if q.kind == QuestionKind.RATING:
            try:
                value = int(raw) if raw not in (None, "") else None
            except (TypeError, ValueError):
                value = -1
            if value is not None and not 1 <= value <= q.scale_max:
                raise ApplicationError(_("“%(q)s”的评分无效。") % {"q": q.text}, {"field": f"q{q.pk}"})
            a.rating = value
            empty = value is None
        elif q.kind == QuestionKind.CHOICE:
            value = (raw or "").strip() if isinstance(raw, str) else ""
            if value and value not in q.choice_list:
                raise ApplicationError(_("“%(q)s”的选项无效。") % {"q": q.text}, {"field": f"q{q.pk}"})
            a.choices = [value] if value else []
            empty = not value
        elif q.kind == QuestionKind.MULTICHOICE:
            values = [v for v in (raw or []) if v]
            if any(v not in q.choice_list for v in values):
                raise ApplicationError(_("“%(q)s”的选项无效。") % {"q": q.text}, {"field": f"q{q.pk}"})
            a.choices = values
            empty = not values
        else:
            value = (raw or "").strip()[:MAX_TEXT] if isinstance(raw, str) else ""
            a.text = value
            empty = not value
        if empty and q.required:
            raise ApplicationError(_("请回答“%(q)s”。") % {"q": q.text}, {"field": f"q{q.pk}"})
        if not empty:
            rows.append(a)
    # Answers are stored under the event's lock, so the check above cannot be raced past (the unique
    # constraint stays the last line of defence).
    response = SurveyResponse.objects.create(survey=survey, registration=reg)
    for a in rows:
        a.response = response
    SurveyAnswer.objects.bulk_create(rows)
    _recompute_satisfaction(event, survey)
    audit_log("events.survey.answered", target=response, target_repr=f"{event.pk}/{reg.pk}")
    return response


# --- report ----------------------------------------------------------------------------------

REPORT_STATES = frozenset({EventState.HELD, EventState.REPORTED})


def _report_event(actor, event_id: int) -> Event:
    event = _lock_event(event_id)
    require(may_organise, actor, event)
    if event.state not in REPORT_STATES:
        raise ApplicationError(_("活动举办后、关闭前才能填写总结。"))
    return event


@service
def report_save(*, actor, event_id: int, summary: str, outcomes: str) -> Event:
    event = _report_event(actor, event_id)
    before = snapshot(event, ["report_summary", "report_outcomes"])
    event.report_summary = (summary or "").strip()[: MAX_TEXT * 5]
    event.report_outcomes = (outcomes or "").strip()[: MAX_TEXT * 5]
    event.save(update_fields=["report_summary", "report_outcomes", "updated_at"])
    audit_log(
        "events.report.saved",
        actor=actor,
        target=event,
        changes=diff(before, snapshot(event, ["report_summary", "report_outcomes"])),
    )
    return event


def _money(value, field: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, TypeError) as exc:
        raise ApplicationError(_("金额格式不正确。"), {"field": field}) from exc
    if d < 0 or d.as_tuple().exponent < -2 or d >= Decimal("1e14"):
        raise ApplicationError(_("金额须为非负数，最多两位小数。"), {"field": field})
    return d


@service
def cost_line_add(*, actor, event_id: int, name: str, planned, actual, note: str = "") -> EventCostLine:
    event = _report_event(actor, event_id)
    name = (name or "").strip()[:100]
    if not name:
        raise ApplicationError(_("请填写费用项目。"), {"field": "name"})
    line = EventCostLine.objects.create(
        event=event,
        name=name,
        planned=_money(planned, "planned"),
        actual=_money(actual, "actual"),
        note=(note or "").strip()[:200],
    )
    audit_log(
        "events.cost_line.added",
        actor=actor,
        target=event,
        extra={"name": name, "planned": str(line.planned), "actual": str(line.actual)},
    )
    return line


@service
def cost_line_remove(*, actor, line_id: int) -> None:
    line = EventCostLine.objects.filter(pk=line_id).first()
    if line is None:
        raise NotFoundError(_("费用行不存在。"))
    event = _report_event(actor, line.event_id)
    audit_log("events.cost_line.removed", actor=actor, target=event, extra={"name": line.name})
    line.delete()


@service
def photo_add(*, actor, event_id: int, name: str, data: bytes, caption: str = "") -> EventPhoto:
    event = _report_event(actor, event_id)
    att = attachment_create(actor=actor, name=name, data=data, purpose="image")
    photo = EventPhoto.objects.create(event=event, attachment=att, caption=(caption or "").strip()[:200])
    audit_log("events.photo.added", actor=actor, target=event, extra={"attachment": att.pk})
    return photo


# --- roadshows -------------------------------------------------------------------------------


@service
def roadshow_apply(
    *,
    event_id: int,
    project_name: str,
    organisation: str,
    contact_name: str,
    email: str,
    phone: str,
    summary: str,
    stage: str,
    funding_sought,
    team: str,
    attachment: UploadedFile | None = None,
    actor=None,
) -> RoadshowApplication:
    """A project team applies to present (anonymous). Side effect: audit entry."""
    event = _lock_event(event_id)
    if not event.type.is_roadshow:
        raise ApplicationError(_("此活动不是路演活动。"))
    if event.state not in (EventState.PUBLISHED, EventState.REGISTRATION_OPEN):
        raise ApplicationError(_("此路演当前不接受项目申报。"))
    for value, field in (
        (project_name, "project_name"),
        (organisation, "organisation"),
        (contact_name, "contact_name"),
        (summary, "summary"),
        (team, "team"),
    ):
        if not (value or "").strip():
            raise ApplicationError(_("请填写所有必填项。"), {"field": field})
    if stage not in RoadshowStage.values:
        raise ApplicationError(_("项目阶段无效。"), {"field": "stage"})
    email_index = normalise_email(email)
    if (
        event.roadshow_applications.filter(email__iexact=email_index, project_name=project_name.strip())
        .exclude(state=RoadshowApplicationState.WITHDRAWN)
        .exists()
    ):
        raise ConflictError(_("此项目已申报过本次路演。"), {"field": "project_name"})
    if attachment is not None:
        validate_upload(attachment.name, attachment.data, "general")
    app = RoadshowApplication.objects.create(
        event=event,
        token=new_token(),
        project_name=project_name.strip()[:200],
        organisation=organisation.strip()[:200],
        contact_name=contact_name.strip()[:100],
        email=email.strip()[:200],
        phone=normalise_phone(phone),
        summary=summary.strip()[: MAX_TEXT * 2],
        stage=stage,
        funding_sought=_money(funding_sought or 0, "funding_sought"),
        team=team.strip()[:MAX_TEXT],
    )
    if attachment is not None:
        _store_file(upload=attachment, field_key="attachment", application=app)
    audit_log("events.roadshow_application.submitted", actor=actor, target=app)
    return app


@service
def roadshow_score(*, actor, application_id: int, marks: dict, comment: str = "") -> RoadshowScore:
    """A scorer's weighted sheet (0–100 per criterion); the application's score is the mean of totals."""
    app = RoadshowApplication.objects.select_related("event").filter(pk=application_id).first()
    if app is None:
        raise NotFoundError(_("申报项目不存在。"))
    event = _lock_event(app.event_id)
    require(may_score_roadshow, actor, event)
    if app.state != RoadshowApplicationState.SUBMITTED:
        raise ConflictError(_("评选已结束，不能再评分。"))
    clean, total = {}, Decimal(0)
    for code, _label, weight in ROADSHOW_CRITERIA:
        try:
            mark = Decimal(str(marks.get(code, "")))
        except InvalidOperation as exc:
            raise ApplicationError(_("请为每一项打分（0–100）。"), {"field": code}) from exc
        if not 0 <= mark <= 100:
            raise ApplicationError(_("请为每一项打分（0–100）。"), {"field": code})
        clean[code] = str(mark)
        total += mark * weight / 100
    total = total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    score, created = RoadshowScore.objects.update_or_create(
        application=app,
        scorer=actor,
        defaults={"marks": clean, "total": total, "comment": (comment or "")[:MAX_TEXT]},
    )
    totals = list(app.scores.values_list("total", flat=True))
    app.score = (sum(totals) / len(totals)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    app.score_count = len(totals)
    app.save(update_fields=["score", "score_count"])
    audit_log(
        "events.roadshow_application.scored",
        actor=actor,
        target=app,
        extra={"total": str(total), "marks": clean},
    )
    return score


@service
def roadshow_decide(*, actor, application_id: int, selected: bool) -> RoadshowApplication:
    app = RoadshowApplication.objects.filter(pk=application_id).first()
    if app is None:
        raise NotFoundError(_("申报项目不存在。"))
    event = _lock_event(app.event_id)
    require(may_decide_roadshow, actor, event)
    app = RoadshowApplication.objects.get(pk=app.pk)  # read under the event's lock
    verb = "select" if selected else "decline"
    if not ROADSHOW_APPLICATION.allows(app, verb):
        raise ConflictError(_("此项目已有评选结果。"))
    if app.score_count == 0:
        raise ApplicationError(_("项目尚未评分，不能确定结果。"))
    return ROADSHOW_APPLICATION.apply(app, verb, actor=actor)


@service
def investor_add(
    *, actor, event_id: int, name: str, organisation: str, focus: str = "", attended=False
) -> RoadshowInvestor:
    event = _lock_event(event_id)
    require(may_organise, actor, event)
    if not event.type.is_roadshow:
        raise ApplicationError(_("此活动不是路演活动。"))
    if not (name or "").strip() or not (organisation or "").strip():
        raise ApplicationError(_("请填写投资人和投资机构。"), {"field": "name"})
    inv = RoadshowInvestor.objects.create(
        event=event,
        name=name.strip()[:100],
        organisation=organisation.strip()[:200],
        focus=(focus or "").strip()[:200],
        attended=bool(attended),
    )
    audit_log("events.investor.added", actor=actor, target=event, extra={"investor": str(inv)})
    return inv


@service
def outcome_add(
    *, actor, application_id: int, kind: str, occurred_on, amount=None, note: str = "", investor_id=None
) -> RoadshowOutcome:
    app = RoadshowApplication.objects.filter(pk=application_id).first()
    if app is None:
        raise NotFoundError(_("申报项目不存在。"))
    event = _lock_event(app.event_id)
    require(may_organise, actor, event)
    if app.state != RoadshowApplicationState.SELECTED:
        raise ApplicationError(_("只有入选项目可以登记对接成果。"))
    if kind not in OutcomeKind.values:
        raise ApplicationError(_("成果类型无效。"), {"field": "kind"})
    investor = None
    if investor_id:
        investor = RoadshowInvestor.objects.filter(pk=investor_id, event=event).first()
        if investor is None:
            raise ApplicationError(_("投资人不属于此路演。"), {"field": "investor"})
    outcome = RoadshowOutcome.objects.create(
        application=app,
        investor=investor,
        kind=kind,
        occurred_on=occurred_on,
        amount=_money(amount, "amount") if amount not in (None, "") else None,
        note=(note or "").strip()[:300],
        recorded_by=actor,
    )
    audit_log(
        "events.roadshow_outcome.added",
        actor=actor,
        target=app,
        extra={"kind": kind, "amount": str(outcome.amount or "")},
    )
    return outcome
