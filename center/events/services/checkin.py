"""Check-in at the door: scanned or typed tickets, and walk-in registrations."""

from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.crypto import blind_index
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import locked_update
from center.core.rules import require
from center.core.services import service

from ..enums import CHECKIN_STATES, RegistrationState
from ..models import Event, Registration
from ..rules import may_check_in, may_walk_in
from ..tickets import new_token, parse_ticket
from .base import _lock_event, _queue_email, normalise_email, normalise_phone
from .registration import _duplicate_check, _new_code


def checkin_window(event) -> tuple[datetime, datetime]:
    """When the door is open: `checkin_opens_hours` before the start to `checkin_closes_hours` after the end;
    without them, the event's day(s) in local time (00:00 of the first day to 24:00 of the last)."""
    if event.checkin_opens_hours is not None:
        opens = event.starts_at - timedelta(hours=event.checkin_opens_hours)
    else:
        opens = timezone.localtime(event.starts_at).replace(hour=0, minute=0, second=0, microsecond=0)
    if event.checkin_closes_hours is not None:
        closes = event.ends_at + timedelta(hours=event.checkin_closes_hours)
    else:
        last = timezone.localtime(event.ends_at).replace(hour=0, minute=0, second=0, microsecond=0)
        closes = last + timedelta(days=1)
    return opens, closes


def checkin_closed_reason(event, now=None) -> str:
    """Why the door is closed now, in a sentence ("" when check-in is open)."""
    now = now or timezone.now()
    if event.state not in CHECKIN_STATES:
        return _("活动当前状态为“%(s)s”，不能签到（报名中、报名截止或已举办的活动可以签到）。") % {
            "s": event.get_state_display()
        }
    opens, closes = checkin_window(event)
    fmt = "%Y-%m-%d %H:%M"
    if now < opens:
        return _("签到尚未开始：%(o)s 开放，%(c)s 关闭。") % {
            "o": timezone.localtime(opens).strftime(fmt),
            "c": timezone.localtime(closes).strftime(fmt),
        }
    if now >= closes:
        return _("签到已于 %(c)s 结束。") % {"c": timezone.localtime(closes).strftime(fmt)}
    return ""


@service
def checkin(*, actor, event_id: int, raw: str) -> Registration:
    """Check a ticket in. Refused (nothing changed): forged or unknown code, another event's ticket,
    not confirmed (waiting list, cancelled, pending), already checked in.
    Order: the event, its check-in counter, then the registration (one conditional update)."""
    event = _lock_event(event_id)
    require(may_check_in, actor, event)
    closed = checkin_closed_reason(event)
    if closed:
        raise ApplicationError(closed, {"outcome": "closed"})
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
    closed = checkin_closed_reason(event)
    if closed:
        raise ApplicationError(closed, {"outcome": "closed"})
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
