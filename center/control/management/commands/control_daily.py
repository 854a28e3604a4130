from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from center.control import approvals, services
from center.control.enums import TaskState
from center.control.models import ApprovalTask, ControlSettings
from center.core.notifications import notify, task_key_of


class Command(BaseCommand):
    help = "Daily job: expire stale approved applications (releasing their freeze) and remind slow approvers."

    def handle(self, *args, **options):
        expired = services.applications_expire()
        now = timezone.now()
        hours = {c.year: c.reminder_hours for c in ControlSettings.objects.all()}
        reminded = 0
        for task in ApprovalTask.objects.filter(state=TaskState.PENDING).select_related("assignee"):
            doc = task.document
            limit = timedelta(hours=hours.get(getattr(doc, "year", None), 48))
            if (
                task.activated_at
                and now - task.activated_at > limit
                and (task.reminded_at is None or now - task.reminded_at > limit)
            ):
                notify(
                    [task.assignee],
                    title=lambda doc=doc, limit=limit: (
                        _("催办：%(no)s 已等待审批超过 %(h)d 小时")
                        % {"no": doc.number, "h": limit.total_seconds() // 3600}
                    ),
                    link=approvals.doc_link(doc),
                    task_key=task_key_of(doc),
                )
                ApprovalTask.objects.filter(pk=task.pk).update(reminded_at=now)
                reminded += 1
        self.stdout.write(f"expired {expired} application(s), reminded {reminded} approver(s)")
