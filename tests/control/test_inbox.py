"""The approvals inbox and the workbench: task notifications resolve, bulk approval, 催办, the flow diagram."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from center.control import approvals, services
from center.control.enums import DocState, TaskState
from center.control.models import ApprovalTask, ControlSettings
from center.control.services import inbox
from center.core.errors import ApplicationError, ConflictError, ForbiddenError
from center.core.models import AuditEntry, Notification
from center.core.notifications import task_key_of
from center.core.services import service
from tests.control.factories import YEAR, quotas_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(org):
    return quotas_ready(org)


def _app(org, q, amount="3000.00", title="活动申请", who="staff_inn"):
    return services.application_submit(
        actor=org[who], app_type="event", title=title, year=YEAR, lines=[(q["30227"].pk, amount)]
    )


def _task(doc, user):
    return ApprovalTask.objects.get(
        object_id=doc.pk, content_type__model=doc._meta.model_name, assignee=user, state=TaskState.PENDING
    )


def _open(user, doc):
    """The user's unresolved notifications about the document."""
    return Notification.objects.filter(recipient=user, task_key=task_key_of(doc), resolved_at__isnull=True)


# ------------------------------------------------------------------------------------ notifications


def test_approval_notifications_resolve_when_the_task_is_acted_on(org, q, client_for):
    app = _app(org, q)
    head, finance, applicant = org["head_inn"], org["finance"], org["staff_inn"]
    [note] = _open(head, app)
    assert note.link == reverse("control:application_detail", args=[app.pk]) and note.read_at is None
    assert client_for("head_inn").get(reverse("core:workbench")).context["unread_count"] == 1

    services.application_act(actor=head, application_id=app.pk, task_id=_task(app, head).pk, action="approve")
    note.refresh_from_db()
    assert note.resolved_at is not None and note.read_at is not None  # out of the unread count
    assert client_for("head_inn").get(reverse("core:workbench")).context["unread_count"] == 0
    assert _open(finance, app).count() == 1  # the next step's holder keeps theirs

    # returned to the applicant: finance's resolves, the applicant now holds a "correct it" task
    services.application_act(
        actor=finance,
        application_id=app.pk,
        task_id=_task(app, finance).pk,
        action="return",
        comment="补材料",
    )
    assert not _open(finance, app).exists()
    assert _open(applicant, app).count() == 1
    # resubmitted: the applicant's is done, the head gets a new one
    services.application_resubmit(actor=applicant, application_id=app.pk)
    assert not _open(applicant, app).exists()
    assert _open(head, app).count() == 1


def test_withdrawal_and_rejection_resolve_the_notifications(org, q):
    one, two = _app(org, q, title="撤回"), _app(org, q, title="驳回")
    head = org["head_inn"]
    services.application_withdraw(actor=org["staff_inn"], application_id=one.pk)
    assert not _open(head, one).exists()
    services.application_act(
        actor=head, application_id=two.pk, task_id=_task(two, head).pk, action="reject", comment="不合规"
    )
    assert not _open(head, two).exists()
    assert Notification.objects.filter(recipient=head, resolved_at__isnull=False).count() == 2


def test_a_failed_action_resolves_nothing(org, q):
    app = _app(org, q)
    head = org["head_inn"]
    with pytest.raises(ApplicationError):
        services.application_act(
            actor=head, application_id=app.pk, task_id=_task(app, head).pk, action="reject", comment=""
        )
    assert _open(head, app).count() == 1


# ------------------------------------------------------------------------------------ bulk approval


def test_bulk_approval_reports_each_and_one_failure_undoes_nothing_of_the_others(org, q, monkeypatch):
    head = org["head_inn"]
    a, b, c = (_app(org, q, title=t) for t in ("甲", "乙", "丙"))
    withdrawn = _app(org, q, title="已撤回")
    services.application_withdraw(actor=org["staff_inn"], application_id=withdrawn.pk)
    cs, _ = ControlSettings.objects.get_or_create(year=YEAR)
    cs.collective_threshold = Decimal("5000")
    cs.save()  # a configuration change (bumps the cached version)
    big = _app(org, q, amount="6000.00", title="大额")

    real = inbox.application_act

    @service  # one unit: the real approval joins it, and the failure after it undoes it all
    def act_then_fail_on_b(**kwargs):
        doc = real(**kwargs)  # approved, audited… then the unit fails: all of b's part must roll back
        if kwargs["application_id"] == b.pk:
            raise ConflictError("模拟故障")
        return doc

    monkeypatch.setitem(inbox._ACT, "application", (act_then_fail_on_b, "application_id"))
    withdrawn_task = ApprovalTask.objects.filter(
        object_id=withdrawn.pk, content_type__model="application"
    ).first()
    ids = [_task(a, head).pk, _task(b, head).pk, withdrawn_task.pk, _task(big, head).pk, _task(c, head).pk]
    results = services.approvals_bulk_approve(actor=head, task_ids=ids, comment="同意，批量")
    assert [(r.number, r.ok) for r in results] == [
        (a.number, True),
        (b.number, False),
        (withdrawn.number, False),
        (big.number, False),
        (c.number, True),
    ]
    assert results[1].message == "模拟故障"
    assert "三重一大" in results[3].message
    for doc in (a, c):
        assert approvals.task_for_actor(doc, org["finance"]) is not None  # moved on to finance
        assert AuditEntry.objects.filter(action="control.approval.approved", target_id=str(doc.pk)).exists()
    # b: nothing of its approval stayed (task, next step, audit)
    assert _task(b, head).state == TaskState.PENDING
    assert approvals.task_for_actor(b, org["finance"]) is None
    assert _task(big, head).state == TaskState.PENDING
    assert ApprovalTask.objects.get(pk=ids[0]).comment == "同意，批量"


def test_bulk_form_reports_and_a_resubmitted_form_changes_nothing_more(org, q, client_for):
    head = org["head_inn"]
    a, b = _app(org, q, title="甲"), _app(org, q, title="乙")
    c = client_for("head_inn")
    page = c.get(reverse("control:approvals")).content.decode()
    assert "批量审批" in page and "三重一大" in page  # the rule is explained on the page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    data = {"idempotency_key": key, "task": [_task(a, head).pk, _task(b, head).pk], "comment": "同意"}
    answer = c.post(reverse("control:approvals_bulk"), data, follow=True).content.decode()
    assert "已批准 2 件" in answer and a.number in answer and b.number in answer
    before = AuditEntry.objects.count()
    again = c.post(reverse("control:approvals_bulk"), data, follow=True)
    assert again.status_code == 200 and AuditEntry.objects.count() == before  # exactly once per document
    assert not ApprovalTask.objects.filter(assignee=head, state=TaskState.PENDING).exists()


def test_bulk_approval_by_someone_without_the_task_approves_nothing(org, q):
    app = _app(org, q)
    task = _task(app, org["head_inn"])
    [r] = services.approvals_bulk_approve(actor=org["head_exc"], task_ids=[task.pk], comment="")
    assert not r.ok
    task.refresh_from_db()
    assert task.state == TaskState.PENDING


def test_events_awaiting_approval_are_listed_in_the_inbox(org, client_for):
    from center.events import services as event_services
    from center.events.models import EventType

    et = EventType.objects.create(code="inbox-salon", name="沙龙")
    start = timezone.now() + timedelta(days=10)
    event = event_services.event_create(
        actor=org["staff_exc"],
        type=et,
        title="待批的交流活动",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=5,
        planned_cost=Decimal("1000.00"),
    )
    assert "待批的交流活动" not in client_for("head_exc").get(reverse("control:approvals")).content.decode()
    event_services.event_submit(actor=org["staff_exc"], event_id=event.pk)
    assert "待批的交流活动" in client_for("head_exc").get(reverse("control:approvals")).content.decode()
    assert "待批的交流活动" not in client_for("head_inn").get(reverse("control:approvals")).content.decode()


# ------------------------------------------------------------------------------------ 催办


def _age(doc, days):
    ApprovalTask.objects.filter(object_id=doc.pk, state=TaskState.PENDING).update(
        activated_at=timezone.now() - timedelta(days=days)
    )


def test_chase_up_waits_for_the_configured_time_and_is_limited(org, q):
    app = _app(org, q)
    applicant, head = org["staff_inn"], org["head_inn"]
    with pytest.raises(ConflictError, match="工作小时"):
        services.document_chase(actor=applicant, kind="application", document_id=app.pk)
    _age(app, 10)
    holders = services.document_chase(actor=applicant, kind="application", document_id=app.pk)
    assert holders == [head]
    note = Notification.objects.filter(recipient=head, title__startswith="催办").get()
    assert note.link == approvals.doc_link(app) and note.task_key == task_key_of(app)
    entry = AuditEntry.objects.get(action="control.approval.chased")
    assert entry.actor_id == applicant.pk
    with pytest.raises(ConflictError, match="不再重复"):
        services.document_chase(actor=applicant, kind="application", document_id=app.pk)
    # after the interval it may be chased again
    ApprovalTask.objects.filter(object_id=app.pk, state=TaskState.PENDING).update(
        reminded_at=timezone.now() - timedelta(hours=49)
    )
    services.document_chase(actor=applicant, kind="application", document_id=app.pk)
    assert Notification.objects.filter(recipient=head, title__startswith="催办").count() == 2
    # once the head acts, the chase notifications resolve with the task
    services.application_act(actor=head, application_id=app.pk, task_id=_task(app, head).pk, action="approve")
    assert not _open(head, app).exists()


def test_only_the_applicant_or_the_department_head_may_chase(org, q, client_for):
    app = _app(org, q)
    _age(app, 10)
    for outsider in ("head_exc", "staff_gen", "finance"):
        with pytest.raises(ForbiddenError):
            services.document_chase(actor=org[outsider], kind="application", document_id=app.pk)
    # an unrelated person does not even see the document
    assert (
        client_for("head_exc")
        .post(reverse("control:document_chase", args=["application", app.pk]), {"idempotency_key": "k" * 16})
        .status_code
        == 404
    )
    assert not AuditEntry.objects.filter(action="control.approval.chased").exists()
    # the applicant, from the page
    c = client_for("staff_inn")
    page = c.get(reverse("control:application_detail", args=[app.pk])).content.decode()
    assert reverse("control:document_chase", args=["application", app.pk]) in page
    answer = c.post(
        reverse("control:document_chase", args=["application", app.pk]),
        {"idempotency_key": "c" * 16},
        follow=True,
    ).content.decode()
    assert "已催办" in answer and org["head_inn"].full_name in answer


def test_working_hours_skip_the_weekend():
    tz = timezone.get_current_timezone()
    friday_noon = datetime(2026, 12, 4, 12, 0, tzinfo=tz)
    assert inbox.working_hours_between(friday_noon, friday_noon + timedelta(days=3)) == 24
    assert inbox.working_hours_between(friday_noon, friday_noon + timedelta(hours=5)) == 5
    assert inbox.working_hours_between(friday_noon, friday_noon) == 0


# ------------------------------------------------------------------------------------ flow diagram & workbench


def test_flow_diagram_shows_every_step_who_acted_when_and_the_opinion(org, q, client_for):
    app = _app(org, q)
    head = org["head_inn"]
    services.application_act(
        actor=head, application_id=app.pk, task_id=_task(app, head).pk, action="approve", comment="同意开展"
    )
    page = client_for("staff_inn").get(reverse("control:application_detail", args=[app.pk])).content.decode()
    flow = page[page.index("审批流程图") :]
    assert flow.index("部门负责人") < flow.index("财务审核")
    assert "同意开展" in flow and head.full_name in flow and org["finance"].full_name in flow
    assert 'aria-current="step"' in flow and "办理中" in flow


def test_workbench_tabs(org, q, client_for):
    app = _app(org, q, title="工作台测试")
    head = org["head_inn"]
    staff = client_for("staff_inn")
    started = staff.get(reverse("core:workbench") + "?tab=started").content.decode()
    assert "工作台测试" in started and "部门负责人" in started and head.full_name in started
    todo = client_for("head_inn").get(reverse("core:workbench")).content.decode()
    assert "工作台测试" in todo and 'aria-current="page"' in todo
    services.application_act(actor=head, application_id=app.pk, task_id=_task(app, head).pk, action="approve")
    done = client_for("head_inn").get(reverse("core:workbench") + "?tab=done").content.decode()
    assert "工作台测试" in done
    assert "工作台测试" not in client_for("head_inn").get(reverse("core:workbench")).content.decode()
    started = staff.get(reverse("core:workbench") + "?tab=started").content.decode()
    assert "财务审核" in started and org["finance"].full_name in started
    services.application_act(
        actor=org["finance"],
        application_id=app.pk,
        task_id=_task(app, org["finance"]).pk,
        action="return",
        comment="请补充",
    )
    assert "工作台测试" in staff.get(reverse("core:workbench")).content.decode()  # a to-do for the applicant
    services.application_withdraw(actor=org["staff_inn"], application_id=app.pk)
    app.refresh_from_db()
    assert app.state == DocState.WITHDRAWN
    finished = staff.get(reverse("core:workbench") + "?tab=finished").content.decode()
    assert "工作台测试" in finished
    assert "工作台测试" not in staff.get(reverse("core:workbench") + "?tab=started").content.decode()


def test_notifications_written_before_the_upgrade_are_linked_and_resolved(org, q):
    from django.core.management import call_command

    done, waiting = _app(org, q, title="已处理"), _app(org, q, title="待处理")
    head = org["head_inn"]
    Notification.objects.update(task_key="")  # as they were written before notifications carried their task
    info = Notification.objects.create(recipient=head, title="待审批：说明", link="/control/quotas/1/")
    services.application_act(
        actor=head, application_id=done.pk, task_id=_task(done, head).pk, action="approve"
    )
    assert Notification.objects.filter(recipient=head, resolved_at__isnull=True).count() == 3  # stale
    call_command("notifications_link_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not _open(head, done).exists()  # acted on: resolved
    assert _open(head, waiting).count() == 1  # still waiting for the head: kept
    info.refresh_from_db()
    assert info.resolved_at is None and info.task_key == ""  # not a document's task: untouched
