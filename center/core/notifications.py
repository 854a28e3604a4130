"""In-app notifications, with e-mail sent by a background task once the transaction has committed."""

from django.utils import timezone

from .models import Notification
from .tasks import enqueue_on_commit, send_notification_email


def notify(
    recipients, *, title: str, body: str = "", link: str = "", email: bool = True
) -> list[Notification]:
    """Create one notification per recipient. Side effect: e-mails are queued with the transaction, sent only after it commits."""
    created = [Notification(recipient=r, title=title[:200], body=body, link=link[:300]) for r in recipients]
    if created:
        Notification.objects.bulk_create(
            created
        )  # one statement; ids come back (RETURNING on both databases)
    if email:
        for n in created:
            if n.recipient.email:
                enqueue_on_commit(send_notification_email, n.pk)
    return created


def notification_mark_read(*, actor, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
