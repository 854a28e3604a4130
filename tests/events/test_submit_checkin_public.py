"""Submitting an event for approval (its head notified); the check-in window and the counters refreshed by
each scan; consent on public registration; public states only on public pages; questions before risky acts."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from center.core.errors import ApplicationError, ConflictError
from center.core.models import Notification
from center.events import services
from center.events.enums import EventState
from center.events.models import Event, Registration
from center.events.selectors import public_status

from .conftest import person

pytestmark = pytest.mark.django_db


# --- 5. submit for approval ---------------------------------------------------------------------------------


def test_a_new_event_is_submitted_and_its_head_notified(org, make_event, client_for):
    event = make_event(state=EventState.PLANNED)  # 交流合作部, owner staff_exc
    page = client_for("staff_exc").get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="do-submit"' in page and "提交审批" in page
    assert "预算控制模块接入后自动生成" not in page
    # Approval needs the submission first.
    with pytest.raises(ConflictError):
        services.event_approve(actor=org["head_exc"], event_id=event.pk)
    r = client_for("staff_exc").post(reverse("events:transition", args=[event.pk, "submit"]))
    assert r.status_code == 302
    event.refresh_from_db()
    assert event.state == EventState.SUBMITTED
    note = Notification.objects.get(recipient=org["head_exc"])
    assert event.title in note.title and note.link == reverse("events:detail", args=[event.pk])
    assert not Notification.objects.filter(recipient=org["staff_exc"]).exists()  # not the owner
    head_page = client_for("head_exc").get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="do-approve"' in head_page
    services.event_approve(actor=org["head_exc"], event_id=event.pk)
    event.refresh_from_db()
    assert event.state == EventState.APPROVED
    note.refresh_from_db()
    assert note.resolved_at is not None and note.read_at is not None  # the task is done: off the unread count


def test_a_cancelled_submission_resolves_its_notification(org, make_event):
    event = make_event(state=EventState.PLANNED)
    services.event_submit(actor=org["staff_exc"], event_id=event.pk)
    services.event_cancel(actor=org["staff_exc"], event_id=event.pk, reason="改期")
    assert Notification.objects.get(recipient=org["head_exc"]).resolved_at is not None


def test_the_head_is_told_even_when_the_owner_is_the_head(org, make_event):
    event = make_event(state=EventState.PLANNED, owner="head_exc")
    services.event_submit(actor=org["head_exc"], event_id=event.pk)
    # The owner may not approve their own event: the deputy overseeing the department is asked.
    assert Notification.objects.filter(recipient=org["deputy2"]).exists()
    assert not Notification.objects.filter(recipient=org["head_exc"]).exists()


def test_publish_and_cancel_ask_first(org, make_event, client_for):
    event = make_event(state=EventState.APPROVED)
    page = client_for("staff_exc").get(reverse("events:detail", args=[event.pk])).content.decode()
    assert re.search(r'<form [^>]*/publish/"[^>]*data-confirm="[^"]+"', page)
    assert re.search(r'<form [^>]*/cancel/"[^>]*data-confirm="[^"]+"', page)


# --- 6. check-in window and counters ---------------------------------------------------------------------------


def test_checkin_opens_on_the_events_day_not_before(org, make_event, register):
    event = make_event(days=14)
    reg = register(event)
    with pytest.raises(ApplicationError) as exc:
        services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=reg.code)
    assert "签到尚未开始" in exc.value.message
    reg.refresh_from_db()
    assert reg.checked_in_at is None
    opens, closes = services.checkin_window(event)
    local_start = timezone.localtime(event.starts_at)
    assert timezone.localtime(opens) == local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    assert closes - opens >= timedelta(days=1)


def test_checkin_window_is_configurable_per_event(org, make_event, register):
    event = make_event(days=0)
    start = timezone.now() + timedelta(hours=5)
    Event.objects.filter(pk=event.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=2), checkin_opens_hours=2, checkin_closes_hours=1
    )
    event.refresh_from_db()
    reg = register(event)
    with pytest.raises(ApplicationError, match="签到尚未开始"):
        services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=reg.code)
    Event.objects.filter(pk=event.pk).update(checkin_opens_hours=6)
    assert services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=reg.code).pk == reg.pk
    # After the window: closed, said with the time.
    past = timezone.now() - timedelta(hours=5)
    Event.objects.filter(pk=event.pk).update(starts_at=past, ends_at=past + timedelta(hours=2))
    event.refresh_from_db()
    assert "签到已于" in services.checkin_closed_reason(event)
    with pytest.raises(ApplicationError, match="签到已于"):
        services.walkin_register(
            actor=org["staff_exc"], event_id=event.pk, name="现场", email="w@example.com", phone="13700000001"
        )


def test_the_window_hours_are_bounded(org, make_event):
    event = make_event(state=EventState.PLANNED)
    with pytest.raises(ApplicationError):
        services.event_update(actor=org["staff_exc"], event_id=event.pk, checkin_opens_hours=500)


def test_checkin_page_says_why_outside_the_window(org, make_event, client_for):
    event = make_event(days=14)
    page = client_for("staff_exc").get(reverse("events:checkin", args=[event.pk])).content.decode()
    assert 'id="checkin-closed"' in page and "签到尚未开始" in page and 'id="checkin-window"' in page


def test_each_scan_answers_with_the_new_counts(org, make_event, register, client_for):
    event = make_event(days=0)
    a, b = register(event), register(event)
    c = client_for("staff_exc")
    r = c.post(reverse("events:checkin", args=[event.pk]), {"code": a.code}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "签到成功" in body
    counts = re.search(
        r'<div id="checkin-counts"[^>]*hx-swap-oob="true"[^>]*>.*?</div>\s*</div>\s*</div>', body, re.S
    )
    assert counts and re.search(r'id="count-checked-in">1<', counts.group(0))
    assert re.search(r'id="count-not-arrived">1<', body)
    assert 'id="checkin-recent" hx-swap-oob="true"' in body and a.name in body
    r = c.post(reverse("events:checkin", args=[event.pk]), {"code": b.code}, HTTP_HX_REQUEST="true")
    assert re.search(r'id="count-checked-in">2<', r.content.decode())


# --- 7. public registration and public states -------------------------------------------------------------------


def test_registration_needs_consent_which_is_recorded(make_event):
    event = make_event()
    c = Client()
    page = c.get(reverse("events:public_detail", args=[event.pk])).content.decode()
    assert 'id="privacy-statement"' in page and "保存期限" in page and "用途" in page
    assert 'name="consent"' in page and 'id="register-deadline"' in page
    data = person(41)
    data.pop("consent")
    r = c.post(reverse("events:public_detail", args=[event.pk]), data)
    assert r.status_code == 400 and "勾选同意" in r.content.decode()
    assert not Registration.objects.filter(event=event).exists()
    with pytest.raises(ApplicationError, match="勾选同意"):
        services.registration_create(event_id=event.pk, **data)
    r = c.post(reverse("events:public_detail", args=[event.pk]), person(42))
    assert r.status_code == 302
    reg = Registration.objects.get(event=event)
    assert reg.consented_at and reg.consent_version


def test_public_pages_show_public_states_only(make_event):
    now = timezone.now()
    open_ = make_event(title="报名中的活动")
    closed = make_event(state=EventState.REGISTRATION_CLOSED, title="截止的活动")
    upcoming = make_event(state=EventState.PUBLISHED, title="即将举行的活动")
    ended = make_event(state=EventState.HELD, days=-3, title="结束的活动")
    past_deadline = make_event(title="过了截止时间")
    Event.objects.filter(pk=past_deadline.pk).update(registration_closes_at=now - timedelta(hours=1))
    past_deadline.refresh_from_db()
    assert [public_status(e) for e in (open_, closed, upcoming, ended, past_deadline)] == [
        "open",
        "closed",
        "upcoming",
        "ended",
        "closed",
    ]
    c = Client()
    html = c.get(reverse("events:public_list")).content.decode()
    for internal in ("已发布", "已举办", "已总结", "已关闭"):
        assert internal not in html
    assert "即将举行" in html and "报名中" in html and "报名截止" in html
    detail = c.get(reverse("events:public_detail", args=[ended.pk])).content.decode()
    assert 'data-status="ended"' in detail and "已举办" not in detail
    c.cookies["django_language"] = "en"
    english = c.get(reverse("events:public_detail", args=[open_.pk])).content.decode()
    assert re.search(r'data-status="open">[A-Za-z][^<]*<', english)
    cal = c.get(reverse("events:public_calendar") + "?view=list").content.decode()
    assert "已发布" not in cal and "即将举行" in cal


def test_calendar_gives_full_titles_to_assistive_technology_and_an_agenda_on_phones(make_event):
    title = "深港澳人工智能大赛暨科普嘉年华开幕式与主题论坛"
    event = make_event(title=title)
    month = timezone.localtime(event.starts_at).strftime("%Y-%m")
    html = Client().get(reverse("events:public_calendar") + f"?month={month}").content.decode()
    assert re.search(rf'class="ev-chip[^"]*"[^>]*aria-label="[^"]*{title}"', html)
    assert (
        'class="list-unstyled d-sm-none ev-agenda"' in html
        and f'<span class="ev-agenda-title">{title}</span>' in html
    )


def test_personal_data_is_erased_after_the_stated_retention(org, make_event, register, settings):
    settings.EVENTS_DATA_RETENTION_DAYS = 30
    old, recent = make_event(days=-40), make_event(days=-10)
    a, b = register(old), register(recent)
    Event.objects.filter(pk__in=[old.pk, recent.pk]).update(state=EventState.HELD)
    assert services.registrations_erase_expired() == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.erased_at and a.email == "" and a.phone == "" and a.name != person()["name"] and not a.answers
    assert b.erased_at is None and b.email
    assert services.registrations_erase_expired() == 0  # once
