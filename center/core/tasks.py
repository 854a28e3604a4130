from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend


def enqueue_on_commit(task_, *args) -> None:
    """Queue `task_` so that it runs only if the current transaction commits.

    The database queue (django-tasks-db, the default) is transactional: its row is written in the caller's
    transaction and commits or rolls back with the work, so no extra commit is needed and nothing is lost
    if the process stops right after the commit (an outbox). Any other backend is called after the commit.
    """
    if isinstance(task_.get_backend(), DatabaseBackend):
        task_.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_.enqueue(*args))


@task()
def send_notification_email(notification_id: int) -> None:
    from .models import Notification

    n = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if n is None or not n.recipient.email:
        return
    # The recipient's language when the account keeps one (no such preference yet: Chinese, the Center's).
    language = getattr(n.recipient, "language", "") or "zh-hans"
    body = n.display_body(language) + (f"\n\n{n.link}" if n.link else "")
    send_mail(n.display_title(language), body, settings.DEFAULT_FROM_EMAIL, [n.recipient.email])
