"""Background work of the events area: the e-mails to registrants (queued after commit by the services;
this module imports nothing of them)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .enums import RegistrationState
from .models import Registration
from .tickets import qr_png


def site_url(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


@task()
def send_registration_email(registration_id: int, kind: str) -> None:
    """kind: registered | promoted | decided | survey | event_cancelled. The QR ticket is attached
    whenever the registration is confirmed."""
    reg = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if reg is None or not reg.email:
        return
    event = reg.event
    with translation.override(reg.language or settings.LANGUAGE_CODE):
        title = event.display_title(translation.get_language())
        manage = site_url(reverse("events:ticket", args=[reg.token]))
        when = timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")
        if kind == "event_cancelled":
            subject = _("活动取消通知：%(t)s") % {"t": title}
            body = _("很抱歉，活动“%(t)s”（%(w)s）已取消。原因：%(r)s") % {
                "t": title,
                "w": when,
                "r": event.cancel_reason,
            }
        elif kind == "survey":
            subject = _("满意度问卷：%(t)s") % {"t": title}
            body = _("感谢您参加“%(t)s”。请花一分钟填写满意度问卷：%(u)s") % {
                "t": title,
                "u": site_url(reverse("events:survey", args=[reg.token])),
            }
        else:
            subject = _("报名%(s)s：%(t)s") % {"s": reg.get_state_display(), "t": title}
            lines = [
                _("%(n)s，您好：") % {"n": reg.name},
                _("您报名的活动“%(t)s”（%(w)s）当前状态：%(s)s。")
                % {"t": title, "w": when, "s": reg.get_state_display()},
            ]
            if reg.state == RegistrationState.CONFIRMED:
                lines.append(_("入场时请出示附件中的二维码，或报出签到码 %(c)s。") % {"c": reg.code})
            elif reg.state == RegistrationState.WAITLISTED:
                lines.append(_("名额已满，您在候补名单中；有人取消时将按报名顺序自动递补并通知您。"))
            lines.append(_("查看或取消报名：%(u)s") % {"u": manage})
            body = "\n\n".join(str(x) for x in lines)
    msg = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [reg.email])
    if kind != "event_cancelled" and reg.state == RegistrationState.CONFIRMED:
        msg.attach(f"ticket-{reg.code}.png", qr_png(reg), "image/png")
    msg.send()
