from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from center.core import selectors
from center.core.models import Notification
from center.core.notifications import notification_mark_read
from center.core.permissions import SIGNED_IN, api_access
from center.core.rules import AUDIT_READERS

router = Router(tags=["core"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    kind: str
    department: str | None
    roles: list[str]


@router.get("/me", response=MeOut)
@api_access(SIGNED_IN)
def me(request):
    u = request.user
    return {
        "id": u.pk,
        "username": u.username,
        "full_name": u.full_name,
        "kind": u.kind,
        "department": u.department.name if u.department_id else None,
        "roles": sorted(u.role_codes),
    }


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


@router.get("/notifications", response=list[NotificationOut])
@api_access(SIGNED_IN)
def notifications(request, unread: bool = False, limit: int = 50):
    qs = request.user.notifications.all()
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[: max(1, min(limit, 200))])


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut})
@api_access(SIGNED_IN)
def notification_read(request, notification_id: int):
    n = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    notification_mark_read(actor=request.user, notification_id=n.pk)
    n.refresh_from_db()
    return n


class AuditEntryOut(Schema):
    seq: int
    created_at: datetime
    actor_repr: str
    action: str
    outcome: str
    target_type: str
    target_id: str
    target_repr: str
    changes: dict
    extra: dict
    ip: str
    hash: str


@router.get("/audit", response=list[AuditEntryOut])
@api_access(AUDIT_READERS)
def audit_entries(
    request,
    action: str = "",
    actor: str = "",
    outcome: str = "",
    limit: int = 100,
    before_seq: int | None = None,
):
    qs = selectors.audit_entries_for(request.user, action=action, actor=actor, outcome=outcome)
    if before_seq:
        qs = qs.filter(seq__lt=before_seq)
    return list(qs[: max(1, min(limit, 1000))])
