"""In-app notifications, with e-mail sent by a background task once the transaction has committed.

A notification about a task carries the task's subject (`task_key`, e.g. "control.application:12") and a link to
it; when the task is acted on, the area calls `notifications_resolve` in the same unit of work: the
notification is marked resolved and read, so it leaves the unread count.
"""

from django.utils import timezone, translation

from .models import Notification
from .tasks import enqueue_on_commit, send_notification_email


def task_key_of(obj) -> str:
    """The subject key of a task about `obj`: "<app_label>.<model>:<pk>"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def titles(title) -> tuple[str, str]:
    """A title (or body) in Chinese and in English: `title` is a string, or a function of no arguments that
    makes it in the active language (`lambda: _("待审批：%(no)s") % {...}`), called once per language."""
    if not callable(title):
        return str(title), ""
    with translation.override("zh-hans"):
        zh = str(title())
    with translation.override("en"):
        en = str(title())
    return zh, en


def notify(
    recipients, *, title, body="", link: str = "", email: bool = True, task_key: str = ""
) -> list[Notification]:
    """Create one notification per recipient, its title and body in both languages when given as functions
    (`titles`), so each reader sees it in theirs. Side effect: e-mails are queued with the transaction, sent only
    after it commits."""
    zh, en = titles(title)
    body_zh, body_en = titles(body)
    created = [
        Notification(
            recipient=r,
            title=zh[:200],
            title_en=en[:200],
            body=body_zh,
            body_en=body_en,
            link=link[:300],
            task_key=task_key[:60],
        )
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


def notifications_resolve(task_key: str, *, keep=()) -> int:
    """The task about `task_key` was acted on: resolve its open notifications, except those of the people in
    `keep` (user ids who still hold a part of it, e.g. the next step's approvers). Runs inside the caller's unit."""
    if not task_key:
        return 0
    now = timezone.now()
    qs = Notification.objects.filter(task_key=task_key, resolved_at__isnull=True).exclude(
        recipient_id__in=list(keep)
    )
    resolved = qs.filter(read_at__isnull=True).update(resolved_at=now, read_at=now)
    return resolved + qs.update(resolved_at=now)


def notification_mark_read(*, actor, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
