from django.db.models import Q
from django.utils.translation import gettext as _

from .errors import NotFoundError
from .models import Attachment, AuditEntry
from .permissions import scope_q


def audit_entries_for(user, *, action="", actor="", target="", outcome="", since=None, until=None):
    """The audit trail, filtered. Only policy-checked readers (auditor, director) reach this."""
    qs = AuditEntry.objects.select_related("actor")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(Q(actor_repr__icontains=actor) | Q(actor__full_name__icontains=actor))
    if target:
        qs = qs.filter(
            Q(target_repr__icontains=target) | Q(target_type__icontains=target) | Q(target_id=target)
        )
    if outcome:
        qs = qs.filter(outcome=outcome)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lte=until)
    return qs.order_by("-seq")


def attachments_for(user, scope):
    """The attachments the user may see, newest first (a queryset: the page paginates it)."""
    return Attachment.objects.filter(scope_q(user, scope)).select_related("owner", "department")


def attachment_get_for(user, scope, pk: int) -> Attachment:
    att = Attachment.objects.filter(scope_q(user, scope), pk=pk).first()
    if att is None:
        # Same answer for "missing" and "not yours": IDs cannot be probed.
        raise NotFoundError(_("附件不存在。"))
    return att
