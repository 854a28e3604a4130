"""Browser journey: register on the public page → QR ticket → staff check-in (typed code, HTMX) → survey."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from center.events import services
from center.events.enums import EventState, QuestionKind
from center.events.models import Event, EventType, Registration
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_ticket_checkin_survey(page, org):
    seminar = EventType.objects.get_or_create(code="seminar", defaults={"name": "学术研讨会"})[0]
    start = timezone.now() + timedelta(hours=1)
    event = services.event_create(
        actor=org["staff_exc"],
        type=seminar,
        title="深港澳青年科学家研讨会",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=30,
        planned_cost=Decimal("8000"),
    )
    # Check-in opens 2 hours before the start (the default, the event's day, would make the test depend on
    # the hour it runs at).
    Event.objects.filter(pk=event.pk).update(state=EventState.REGISTRATION_OPEN, checkin_opens_hours=2)

    # 1. Register without an account (consent to the use of personal data is asked and required).
    page.goto(f"{page.base}/events/{event.pk}/")
    page.fill("#id_name", "陈小明")
    page.fill("#id_email", "xiaoming@example.com")
    page.fill("#id_phone", "13912340000")
    page.fill("#id_organisation", "<b>香港大学</b>")
    assert page.is_visible("#privacy-statement") and page.is_visible("#register-deadline")
    page.click("#register-submit")
    page.wait_for_selector("#id_consent.is-invalid, #id_consent[aria-invalid=true]")
    assert not Registration.objects.filter(event=event).exists()
    page.check("#id_consent")
    page.click("#register-submit")
    page.wait_for_selector("#registered-notice")
    assert page.is_visible("#ticket-qr")
    code = page.inner_text("#ticket-code").strip()
    ticket_url = page.url
    reg = Registration.objects.get(event=event)
    assert reg.code == code and reg.state == "confirmed"

    # 2. Staff check the attendee in by typing the code (HTMX answer in place), then try again.
    login(page, "staff_exc")
    page.goto(f"{page.base}/events/manage/{event.pk}/checkin/")
    page.fill("#id_code", code.lower())
    page.click("#checkin-submit")
    page.wait_for_selector("#checkin-result .alert-success")
    assert "陈小明" in page.inner_text("#checkin-result")
    # The scan's answer brings the counters with it (out-of-band swap), not the next 3-second poll.
    assert page.inner_text("#count-checked-in").strip() == "1"
    assert "陈小明" in page.inner_text("#checkin-recent")
    assert page.input_value("#id_code") == ""  # ready for the next person in the queue
    page.fill("#id_code", code)
    page.click("#checkin-submit")
    page.wait_for_selector("#checkin-result .alert-danger")
    assert "重复签到" in page.inner_text("#checkin-result")
    expect(page.locator("#count-checked-in")).to_have_text("1", timeout=10000)  # live counts (HTMX polling)

    # 3. After the event: the survey is sent; the attendee answers from the ticket link, once.
    Event.objects.filter(pk=event.pk).update(state=EventState.HELD)
    services.survey_question_add(
        actor=org["staff_exc"],
        event_id=event.pk,
        kind=QuestionKind.RATING,
        text="总体满意度",
        counts_for_satisfaction=True,
    )
    services.survey_open(actor=org["staff_exc"], event_id=event.pk)
    page.goto(ticket_url)
    page.click("#survey-link")
    page.check("input[type=radio][value='5']")
    page.click("#survey-submit")
    page.wait_for_load_state("networkidle")
    assert "感谢您的反馈" in page.content()
    event.refresh_from_db()
    assert event.satisfaction_rate == Decimal("100.00")
    page.goto(ticket_url.split("?")[0] + "survey/")
    assert "已提交过问卷" in page.content()
