"""In-app notifications, with e-mail sent by a background task once the transaction has committed."""

from django.utils import timezone, translation

from .models import Notification
from .tasks import enqueue_on_commit, send_notification_email


def titles(title) -> tuple[str, str]:
    """A title in Chinese and in English: `title` is a string, or a function of no arguments that makes it
    in the active language (`lambda: _("待审批：%(no)s") % {...}`), called once per language."""
    if not callable(title):
        return str(title), ""
    with translation.override("zh-hans"):
        zh = str(title())
    with translation.override("en"):
        en = str(title())
    return zh, en


def notify(recipients, *, title, body: str = "", link: str = "", email: bool = True) -> list[Notification]:
    """Create one notification per recipient, its title in both languages when given as a function (`titles`),
    so each reader sees it in theirs. Side effect: e-mails are queued with the transaction, sent only after it
    commits."""
    zh, en = titles(title)
    created = [
        Notification(recipient=r, title=zh[:200], title_en=en[:200], body=body, link=link[:300])
        for r in recipients
    ]
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
