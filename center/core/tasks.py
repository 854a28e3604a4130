from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_notification_email(notification_id: int) -> None:
    from .models import Notification

    n = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if n is None or not n.recipient.email:
        return
    body = n.body + (f"\n\n{n.link}" if n.link else "")
    send_mail(n.title, body, settings.DEFAULT_FROM_EMAIL, [n.recipient.email])
