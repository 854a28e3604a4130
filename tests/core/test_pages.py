"""Workbench, notifications and the auditor's trail browser and export."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from center.core.audit import audit_log
from center.core.notifications import notify

pytestmark = pytest.mark.django_db


def test_notification_mail_is_sent_only_after_commit(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([org["head_exp"]], title="待审批：会议申请", body="请审批", link="/workbench/")
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert mail.outbox[0].subject == "待审批：会议申请" and mail.outbox[0].to == [
        "head_exp@szstec.example.cn"
    ]


def test_workbench_shows_notifications_and_todos(org, client_for):
    notify([org["staff_inn"]], title="您有一条新消息", email=False)
    body = client_for("staff_inn").get(reverse("core:workbench")).content.decode()
    assert "您有一条新消息" in body and "待办事项" in body


def test_mark_all_read_with_htmx_returns_the_partial(org, client_for):
    notify([org["staff_inn"]], title="甲", email=False)
    c = client_for("staff_inn")
    response = c.post(reverse("core:notifications_read"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="notification-list"' in body and "<html" not in body
    assert org["staff_inn"].notifications.filter(read_at__isnull=True).count() == 0


def test_audit_browser_filters_and_exports(org, client_for):
    audit_log("budget.quota.frozen", actor=org["finance"], extra={"amount": "100.00"})
    c = client_for("auditor")
    page = c.get(reverse("core:audit_list"), {"action": "budget."}).content.decode()
    assert "budget.quota.frozen" in page and "accounts.user.created" not in page
    partial = c.get(
        reverse("core:audit_list"), {"action": "budget."}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="audit-results"' in partial and "<html" not in partial
    export = c.get(reverse("core:audit_export"), {"action": "budget."})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:5] == ["seq", "time", "actor", "on_behalf_of", "action"]
    assert [r[4] for r in rows[1:]] == ["budget.quota.frozen"]
    # Exporting is itself recorded.
    assert (
        c.get(reverse("core:audit_list"), {"action": "core.audit.exported"})
        .content.decode()
        .count("core.audit.exported")
        >= 1
    )


def test_error_pages_are_friendly(client_for):
    response = client_for("staff_gen").get("/no-such-page/")
    assert response.status_code == 404 and "页面或对象不存在" in response.content.decode()
