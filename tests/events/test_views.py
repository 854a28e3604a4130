"""Pages: a happy path and a denied path each; escaping of registrants' text; HTMX check-in."""

import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from center.events import services
from center.events.enums import EventState, QuestionKind
from center.events.models import Event, EventType, Registration

from .conftest import person

pytestmark = pytest.mark.django_db


def test_public_list_and_detail_anonymous(make_event):
    event = make_event()
    hidden = make_event(state=EventState.PLANNED, title="内部计划活动")
    c = Client()
    html = c.get(reverse("events:public_list")).content.decode()
    assert event.title in html and hidden.title not in html
    assert c.get(reverse("events:public_detail", args=[event.pk])).status_code == 200
    assert c.get(reverse("events:public_detail", args=[hidden.pk])).status_code == 404


def test_register_through_the_page_then_ticket_and_cancel(make_event):
    event = make_event(capacity=1)
    c = Client()
    r = c.post(reverse("events:public_detail", args=[event.pk]), person(1))
    assert r.status_code == 302 and "/events/t/" in r["Location"]
    ticket = c.get(r["Location"])
    reg = Registration.objects.get(event=event)
    assert (
        ticket.status_code == 200
        and reg.code in ticket.content.decode()
        and b"data:image/svg+xml" in ticket.content
    )
    # Second person: waiting list; the first cancels from their link; the second moves up.
    r2 = c.post(reverse("events:public_detail", args=[event.pk]), person(2))
    assert "候补" in c.get(r2["Location"]).content.decode()
    c.post(reverse("events:ticket_cancel", args=[reg.token]))
    assert Registration.objects.get(event=event, email="p2@example.com").state == "confirmed"


def test_duplicate_registration_shows_message_and_changes_nothing(make_event):
    event = make_event()
    c = Client()
    c.post(reverse("events:public_detail", args=[event.pk]), person(3))
    r = c.post(reverse("events:public_detail", args=[event.pk]), person(3))
    assert r.status_code == 409 and "已报名" in r.content.decode()
    # One of the two repeated: that field's unique constraint refuses it, and the message names it.
    r = c.post(reverse("events:public_detail", args=[event.pk]), person(3) | {"email": "other@example.com"})
    assert r.status_code == 409 and "该手机号已报名" in r.content.decode()
    r = c.post(reverse("events:public_detail", args=[event.pk]), person(3) | {"phone": "13812345678"})
    assert r.status_code == 409 and "该电子邮箱已报名" in r.content.decode()
    assert event.registrations.count() == 1 and Event.objects.get(pk=event.pk).confirmed_count == 1


def test_registration_after_close_refused(make_event):
    event = make_event(state=EventState.REGISTRATION_CLOSED)
    r = Client().post(reverse("events:public_detail", args=[event.pk]), person(4), follow=True)
    assert "不接受报名" in r.content.decode() and not event.registrations.exists()


def test_posting_to_an_unpublished_or_unknown_event_is_404_and_stores_nothing(make_event):
    hidden = make_event(state=EventState.PLANNED, title="内部计划活动")
    c = Client()
    assert c.post(reverse("events:public_detail", args=[hidden.pk]), person(6)).status_code == 404
    assert c.post(reverse("events:public_detail", args=[hidden.pk + 999]), person(6)).status_code == 404
    assert not Registration.objects.exists()


def test_invalid_registration_form_is_shown_again_with_the_event(make_event):
    event = make_event()
    r = Client().post(reverse("events:public_detail", args=[event.pk]), person(7) | {"email": "not-an-email"})
    html = r.content.decode()
    assert r.status_code == 400 and event.title in html and "is-invalid" in html
    assert not event.registrations.exists()


def test_malicious_text_shown_escaped(make_event, client_for):
    event = make_event()
    services.registration_create(
        event_id=event.pk,
        **(person(5) | {"name": "<script>alert(1)</script>", "organisation": "<img src=x onerror=alert(1)>"}),
    )
    html = client_for("staff_exc").get(reverse("events:registrations", args=[event.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    # phone masked on staff pages
    assert "139****0005" in html and "13900000005" not in html


def test_ticket_with_forged_token_is_404():
    assert Client().get(reverse("events:ticket", args=["nope"])).status_code == 404


def test_staff_create_and_edit(org, client_for, event_type):
    c = client_for("staff_exc")
    data = {
        "type": event_type.pk,
        "title": "海智交流活动（上半年）",
        "starts_at": "2031-05-10T09:00",
        "ends_at": "2031-05-10T17:00",
        "capacity": 80,
        "planned_cost": "20000.00",
    }
    r = c.post(reverse("events:create"), data)
    assert r.status_code == 302
    event = Event.objects.get(title="海智交流活动（上半年）")
    assert event.department == org["staff_exc"].department and event.state == "planned"
    r = c.post(reverse("events:edit", args=[event.pk]), data | {"capacity": 100})
    event.refresh_from_db()
    assert event.capacity == 100
    # another department's staff: not their event
    assert client_for("staff_inn").get(reverse("events:edit", args=[event.pk])).status_code == 404
    # bad dates refused on the form
    r = c.post(reverse("events:edit", args=[event.pk]), data | {"ends_at": "2031-05-09T09:00"})
    assert "结束时间" in r.content.decode()


def test_create_denied_for_auditor_and_sysadmin(client_for):
    assert client_for("auditor").get(reverse("events:create")).status_code == 403
    assert client_for("sysadmin").get(reverse("events:manage_list")).status_code == 403


def test_transition_buttons_and_refusal(org, client_for, make_event):
    event = make_event(state=EventState.SUBMITTED)
    page = client_for("head_exc").get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="do-approve"' in page
    assert (
        'id="do-approve"'
        not in client_for("staff_exc").get(reverse("events:detail", args=[event.pk])).content.decode()
    )
    r = client_for("staff_exc").post(reverse("events:transition", args=[event.pk, "approve"]), follow=True)
    assert "不能批准" in r.content.decode()
    client_for("head_exc").post(reverse("events:transition", args=[event.pk, "approve"]))
    event.refresh_from_db()
    assert event.state == "approved"


def test_checkin_page_htmx_and_plain(org, client_for, make_event, register):
    event = make_event(days=0)
    reg = register(event)
    c = client_for("staff_exc")
    assert c.get(reverse("events:checkin", args=[event.pk])).status_code == 200
    r = c.post(
        reverse("events:checkin", args=[event.pk]),
        {"code": services.QR_PREFIX + reg.token},
        HTTP_HX_REQUEST="true",
    )
    body = r.content.decode()
    assert "签到成功" in body and reg.name in body and "<html" not in body
    r = c.post(reverse("events:checkin", args=[event.pk]), {"code": reg.code})
    assert "重复签到" in r.content.decode()
    counts = c.get(reverse("events:checkin_counts", args=[event.pk])).content.decode()
    assert re.search(r'id="count-checked-in">1<', counts)
    assert client_for("staff_inn").get(reverse("events:checkin", args=[event.pk])).status_code == 404
    assert client_for("auditor").get(reverse("events:checkin", args=[event.pk])).status_code == 403


def test_walkin_page(client_for, make_event):
    event = make_event(days=0)
    r = client_for("staff_exc").post(
        reverse("events:walkin", args=[event.pk]),
        {"name": "现场", "email": "x@example.com", "phone": "13700000009"},
    )
    assert "现场报名并签到成功" in r.content.decode()
    assert event.registrations.get().walk_in


def test_survey_pages(org, client_for, make_event, register):
    event = make_event(days=0)
    reg = register(event)
    services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=reg.code)
    Event.objects.filter(pk=event.pk).update(state=EventState.HELD)
    c = client_for("staff_exc")
    c.post(
        reverse("events:survey_manage", args=[event.pk]),
        {
            "action": "question",
            "kind": QuestionKind.RATING,
            "text": "总体满意度",
            "scale_max": 5,
            "required": "on",
            "counts_for_satisfaction": "on",
        },
    )
    c.post(reverse("events:survey_manage", args=[event.pk]), {"action": "open"})
    q = event.survey.questions.get()
    r = Client().post(reverse("events:survey", args=[reg.token]), {f"q{q.pk}": "5"})
    assert r.status_code == 302
    again = Client().get(reverse("events:survey", args=[reg.token])).content.decode()
    assert "已提交过问卷" in again
    event.refresh_from_db()
    assert event.satisfaction_rate == Decimal("100.00")
    results = client_for("auditor").get(reverse("events:survey_manage", args=[event.pk])).content.decode()
    assert "100.00%" in results and 'name="action" value="question"' not in results


def test_report_exports(org, client_for, make_event):
    event = make_event(state=EventState.HELD, days=-1)
    c = client_for("staff_exc")
    c.post(
        reverse("events:report", args=[event.pk]),
        {"action": "report", "summary": "圆满完成", "outcomes": "签约 2 项"},
    )
    c.post(
        reverse("events:report", args=[event.pk]),
        {"action": "cost", "name": "场地费", "planned": "8000", "actual": "7500.50"},
    )
    event.refresh_from_db()
    assert event.report_summary == "圆满完成" and event.cost_lines.get().actual == Decimal("7500.50")
    x = client_for("director").get(reverse("events:report_xlsx", args=[event.pk]))
    assert x.status_code == 200 and x.content[:2] == b"PK"
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(x.content))
    assert any(row[0] == "活动总结" and row[1] == "圆满完成" for row in wb.active.iter_rows(values_only=True))
    p = client_for("auditor").get(reverse("events:report_pdf", args=[event.pk]))
    assert p.status_code == 200 and p.content[:5] == b"%PDF-"
    assert client_for("head_inn").get(reverse("events:report_pdf", args=[event.pk])).status_code == 404
    # a non-image photo is refused with a message
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post(
        reverse("events:report", args=[event.pk]),
        {"action": "photo", "photo": SimpleUploadedFile("a.png", b"not a png")},
        follow=True,
    )
    assert "不符" in r.content.decode() and not event.photos.exists()


def test_dashboard_and_calendars(client_for, make_event):
    event = make_event()
    assert client_for("director").get(reverse("events:dashboard")).status_code == 200
    month = event.starts_at.strftime("%Y-%m")
    html = client_for("staff_exc").get(reverse("events:manage_calendar") + f"?month={month}").content.decode()
    assert event.title in html
    html = Client().get(reverse("events:public_calendar") + f"?month={month}&view=list").content.decode()
    assert event.title in html
    assert client_for("finance").get(reverse("events:dashboard")).status_code == 403


def test_roadshow_apply_score_select_outcome(org, client_for, make_event):
    rt = EventType.objects.create(code="roadshow-t", name="项目路演", is_roadshow=True)
    event = make_event(type=rt)
    r = Client().post(
        reverse("events:roadshow_apply", args=[event.pk]),
        {
            "project_name": "柔性电池",
            "organisation": "深港团队",
            "contact_name": "陈",
            "email": "c@example.com",
            "phone": "13600000000",
            "summary": "固态柔性电池",
            "stage": "prototype",
            "funding_sought": "5000000",
            "team": "5 人",
        },
    )
    assert r.status_code == 302
    app = event.roadshow_applications.get()
    url = reverse("events:roadshow_application", args=[app.pk])
    client_for("staff_exc").post(
        url,
        {
            "action": "score",
            "team": "80",
            "technology": "90",
            "market": "70",
            "finance": "60",
            "comment": "好",
        },
    )
    client_for("director").post(
        url, {"action": "score", "team": "90", "technology": "90", "market": "90", "finance": "90"}
    )
    app.refresh_from_db()
    assert app.score == Decimal("83.75") and app.score_count == 2  # (77.5 + 90) / 2
    client_for("head_exc").post(url, {"action": "select"})
    client_for("staff_exc").post(
        url, {"action": "outcome", "kind": "meeting", "occurred_on": "2031-06-01", "note": "与基金面谈"}
    )
    app.refresh_from_db()
    assert app.state == "selected" and app.outcomes.count() == 1
    assert client_for("staff_inn").get(url).status_code == 404


def test_event_types_admin(client_for):
    c = client_for("head_exc")
    c.post(reverse("events:types"), {"code": "carnival", "name": "AI 科普嘉年华", "active": "on", "sort": 9})
    assert EventType.objects.filter(code="carnival").exists()
    assert client_for("staff_exc").get(reverse("events:types")).status_code == 403


def test_api_checkin_and_progress(org, client_for, make_event, register):
    event = make_event(days=0)
    reg = register(event)
    c = client_for("staff_exc")
    r = c.post(f"/api/v1/events/{event.pk}/checkin", {"code": reg.code}, content_type="application/json")
    assert r.status_code == 200 and r.json()["name"] == reg.name
    r = c.post(f"/api/v1/events/{event.pk}/checkin", {"code": reg.code}, content_type="application/json")
    assert r.status_code == 409 and "重复签到" in r.json()["message"]
    assert (
        client_for("auditor")
        .post(f"/api/v1/events/{event.pk}/checkin", {"code": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert c.get("/api/v1/events/indicator-progress/2022").status_code == 200
    ids = [e["id"] for e in client_for("staff_inn").get("/api/v1/events/").json()]
    assert event.pk not in ids


def test_ticket_lists_the_same_persons_other_registrations(make_event, register):
    a, b, c = make_event(title="甲活动"), make_event(title="乙活动"), make_event(title="丙活动")
    reg = register(a, n=77)
    register(b, n=77)
    register(c, n=78)  # someone else
    html = Client().get(reverse("events:ticket", args=[reg.token])).content.decode()
    assert "乙活动" in html and "丙活动" not in html


@pytest.mark.parametrize("n", [2, 12])
def test_list_pages_queries_do_not_grow_with_rows(make_event, client_for, django_assert_max_num_queries, n):
    for i in range(n):
        make_event(title=f"活动{i}")
    c = client_for("director")
    with django_assert_max_num_queries(14):
        assert c.get(reverse("events:manage_list")).status_code == 200
    with django_assert_max_num_queries(6):
        assert Client().get(reverse("events:public_list")).status_code == 200


def test_workbench_todos_and_sidebar(org, client_for, make_event):
    make_event(state=EventState.SUBMITTED, title="待批的海智活动")
    html = client_for("head_exc").get(reverse("core:workbench")).content.decode()
    assert "待批的海智活动" in html and reverse("events:dashboard") in html  # a row of 待办
    assert "待批的海智活动" not in client_for("head_inn").get(reverse("core:workbench")).content.decode()
    assert (
        reverse("events:manage_list")
        not in client_for("sysadmin").get(reverse("core:workbench")).content.decode()
    )


def test_form_fields_page_add_remove_and_registration_decisions(org, client_for, make_event, register):
    event = make_event(state=EventState.PLANNED, requires_approval=True)
    c = client_for("staff_exc")
    c.post(reverse("events:fields", args=[event.pk]), {"label": "<b>职称</b>", "kind": "text"})
    field = event.form_fields.get()
    assert "&lt;b&gt;职称&lt;/b&gt;" in c.get(reverse("events:fields", args=[event.pk])).content.decode()
    assert client_for("staff_inn").post(reverse("events:field_remove", args=[field.pk])).status_code == 404
    r = c.post(reverse("events:field_remove", args=[field.pk]))
    assert r["Location"] == reverse("events:fields", args=[event.pk]) and not event.form_fields.exists()
    Event.objects.filter(pk=event.pk).update(state=EventState.REGISTRATION_OPEN)
    reg = register(event)
    assert (
        client_for("staff_inn")
        .post(reverse("events:registration_decide", args=[reg.pk, "approve"]))
        .status_code
        == 404
    )
    c.post(reverse("events:registration_decide", args=[reg.pk, "approve"]))
    reg.refresh_from_db()
    assert reg.state == "confirmed"


def test_ticket_of_cancelled_event_says_so_without_qr(org, make_event, register):
    event = make_event()
    reg = register(event)
    services.event_cancel(actor=org["staff_exc"], event_id=event.pk, reason="场地检修")
    html = Client().get(reverse("events:ticket", args=[reg.token])).content.decode()
    assert "场地检修" in html and "ticket-qr" not in html and "cancel-registration" not in html
