"""Registration list export (masked unless an organiser's audited reveal; typed text never runs as a
formula), photos in the PDF report, and the report's money side as budget control keeps it."""

import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from center.control import services as control
from center.core.models import AuditEntry
from center.events import selectors, services
from center.events.enums import EventState
from tests.control.factories import YEAR, approve_all, claim, quotas_ready

pytestmark = pytest.mark.django_db


def _client(org, who):
    c = Client()
    c.force_login(org[who])
    return c


def _rows(content: bytes):
    ws = load_workbook(io.BytesIO(content)).active
    return ws, list(ws.iter_rows(values_only=True))


def test_registration_export_masks_contacts_unless_the_organiser_reveals_them(org, make_event, register):
    event = make_event()
    register(event, 1)
    register(event, 2, name='=HYPERLINK("http://evil.example","点我")', organisation="+SUM(A1:A9)")
    url = reverse("events:registrations_xlsx", args=[event.pk])

    ws, rows = _rows(_client(org, "director").get(url).content)
    assert rows[0][:5] == ("签到码", "姓名", "单位", "手机号", "电子邮箱")
    phones = {r[3] for r in rows[1:]}
    assert phones == {"139****0001", "139****0002"}
    evil = next(r for r in rows[1:] if r[1].startswith("="))
    assert evil[1] == '=HYPERLINK("http://evil.example","点我")'
    assert all(c.data_type == "s" for c in ws[3][:3])  # text, never a formula
    assert AuditEntry.objects.get(action="events.registrations.exported").extra == {
        "rows": 2,
        "full_contacts": False,
    }

    refused = _client(org, "director").get(url + "?contacts=full")
    assert refused.status_code == 403
    assert AuditEntry.objects.filter(action="security.access.denied", actor=org["director"]).exists()

    _ws, rows = _rows(_client(org, "staff_exc").get(url + "?contacts=full").content)
    assert {r[3] for r in rows[1:]} == {"13900000001", "13900000002"}
    assert {r[4] for r in rows[1:]} == {"p1@example.com", "p2@example.com"}
    revealed = AuditEntry.objects.filter(action="events.registrations.exported").latest("seq")
    assert revealed.extra["full_contacts"] is True and revealed.actor == org["staff_exc"]
    # another department's organiser does not see the event at all
    assert _client(org, "staff_inn").get(url).status_code == 404


def _png(color) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buf, format="PNG")
    return buf.getvalue()


def test_report_pdf_carries_the_photos(org, make_event):
    event = make_event(state=EventState.HELD)
    url = reverse("events:report_pdf", args=[event.pk])
    before = _client(org, "director").get(url).content
    assert before.count(b"/Subtype /Image") == 0
    for i, color in enumerate(("red", "blue", "green")):
        services.photo_add(
            actor=org["staff_exc"], event_id=event.pk, name=f"p{i}.png", data=_png(color), caption=f"现场{i}"
        )
    pdf = _client(org, "director").get(url).content
    assert pdf[:5] == b"%PDF-"
    assert len(re.findall(rb"/Subtype /Image", pdf)) == 3


def test_report_shows_what_budget_control_executed(org, make_event):
    q = quotas_ready(org)
    event = make_event(state=EventState.HELD)
    assert selectors.event_report_data(event)["control"] is None
    app = control.application_submit(
        actor=org["staff_inn"],
        app_type="event",
        title="研讨会",
        year=YEAR,
        lines=[(q["30227"].pk, "30000.00")],
    )
    event.application_ref = app.number
    event.save(update_fields=["application_ref"])
    app = approve_all(org, app)
    reimbursement = claim(org, app, q["30227"], "12000.00")
    ctl = selectors.event_report_data(event)["control"]
    assert (ctl["applied"], ctl["in_approval"], ctl["paid"], ctl["frozen"]) == (
        Decimal("30000.00"),
        Decimal("12000.00"),
        Decimal("0"),
        Decimal("30000.00"),
    )
    reimbursement = approve_all(org, reimbursement, control.reimbursement_act)
    control.payment_record(
        actor=org["cashier"], reimbursement_id=reimbursement.pk, method="bank", reference="B-1"
    )
    ctl = selectors.event_report_data(event)["control"]
    assert (ctl["paid"], ctl["in_approval"], ctl["frozen"]) == (
        Decimal("12000.00"),
        Decimal("0"),
        Decimal("0.00"),
    )
    row = next(r for r in selectors.type_summary(event.starts_at.year) if r["type"] == event.type)
    assert row["paid"] == Decimal("12000.00")
    html = _client(org, "director").get(reverse("events:report", args=[event.pk])).content.decode()
    assert app.number in html and "12,000.00" in html
    _ws, rows = _rows(_client(org, "director").get(reverse("events:report_xlsx", args=[event.pk])).content)
    assert ("报销已支付（元）", 12000) in [(r[0], r[1]) for r in rows]
