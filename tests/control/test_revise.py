"""Issue 18: returned documents corrected and resubmitted; forms that fit the type; several invoices and
数电票; application types bound to economic codes; a matter's dates in its quota's year; risky actions ask."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from center.control import approvals, configuration, services
from center.control.enums import DocState, TaskState
from center.control.models import Application, Invoice, LedgerEntry, Quota, Reimbursement, Revision
from center.core.errors import ApplicationError, ConflictError, ForbiddenError
from center.core.models import AuditEntry
from tests.control.factories import PDF, YEAR, approve_all, invoice, quotas_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(org):
    return quotas_ready(org)


def _meeting(org, q, amount="3000.00", **details):
    return services.application_submit(
        actor=org["staff_inn"],
        app_type="meeting",
        title="学术研讨会",
        year=YEAR,
        lines=[(q["30215"].pk, amount)],
        details={"start_date": f"{YEAR}-05-10", "end_date": f"{YEAR}-05-11", "attendees": 10, **details},
    )


def _return(org, doc, act=services.application_act, comment="请补充参会名单并核减金额"):
    task = approvals.chain_tasks(doc).filter(state=TaskState.PENDING).first()
    key = f"{doc._meta.model_name}_id"
    return act(actor=task.assignee, task_id=task.pk, action="return", comment=comment, **{key: doc.pk})


def _balances(quota):
    quota.refresh_from_db()
    return quota.frozen, quota.executed, quota.available


def _ledger_adds_up(quota):
    """The quota's frozen balance equals what its freeze/release/execute entries say."""
    quota.refresh_from_db()
    total = Decimal(0)
    for e in LedgerEntry.objects.filter(quota=quota):
        total += {"freeze": e.amount, "release": -e.amount, "execute": -e.amount}.get(e.kind, 0)
    return total == quota.frozen


# ------------------------------------------------------------------------------------ return and correct


def test_a_returned_application_is_corrected_and_the_freeze_follows_the_new_amount(org, q):
    meeting = q["30215"]
    app = _meeting(org, q, "3000.00")
    assert _balances(meeting)[0] == Decimal("3000.00")
    _return(org, app)
    app.refresh_from_db()
    assert app.state == DocState.RETURNED and _balances(meeting)[0] == 0
    services.application_resubmit(
        actor=org["staff_inn"],
        application_id=app.pk,
        title="学术研讨会（修改）",
        lines=[(meeting.pk, "4500.00")],
        details={"start_date": f"{YEAR}-05-10", "end_date": f"{YEAR}-05-12", "attendees": 12, "city": "深圳"},
        letter_file=("议程.pdf", PDF),
    )
    app.refresh_from_db()
    assert app.state == DocState.PENDING and app.amount == Decimal("4500.00")
    assert _balances(meeting)[0] == Decimal("4500.00") and _ledger_adds_up(meeting)
    assert [(ln.quota_id, ln.amount, ln.frozen) for ln in app.lines.all()] == [
        (meeting.pk, Decimal("4500.00"), Decimal("4500.00"))
    ]
    # a new round from the first step
    assert approvals.current_round(app) == 2
    pending = approvals.chain_tasks(app, 2).get(state=TaskState.PENDING)
    assert pending.step_order == 1 and pending.assignee == org["head_inn"]
    rev = Revision.objects.get(object_id=app.pk)
    changed = {c["field"]: (c["old"], c["new"]) for c in rev.changes}
    assert changed["amount"] == ("3,000.00", "4,500.00")
    assert changed["title"] == ("学术研讨会", "学术研讨会（修改）")
    assert changed["end_date"] == (f"{YEAR}-05-11", f"{YEAR}-05-12")
    assert changed["attendees"] == ("10", "12") and changed["city"] == ("", "深圳")
    assert changed["letter"] == ("", "议程.pdf")
    assert AuditEntry.objects.filter(action="control.application.resubmit", target_id=str(app.pk)).exists()
    # approved in the new round, then withdrawn money is exact
    approve_all(org, app)
    assert app.state == DocState.APPROVED and _balances(meeting)[0] == Decimal("4500.00")


def test_a_higher_amount_that_no_longer_fits_is_refused_and_nothing_changes(org, q):
    meeting = q["30215"]  # 100,000.00
    app = _meeting(org, q, "3000.00")
    _return(org, app)
    before = (_balances(meeting), LedgerEntry.objects.count(), Revision.objects.count())
    with pytest.raises(ApplicationError, match="可用"):
        services.application_resubmit(
            actor=org["staff_inn"], application_id=app.pk, lines=[(meeting.pk, "100000.01")]
        )
    app.refresh_from_db()
    assert app.state == DocState.RETURNED and app.amount == Decimal("3000.00")
    assert [ln.amount for ln in app.lines.all()] == [Decimal("3000.00")]
    assert (_balances(meeting), LedgerEntry.objects.count(), Revision.objects.count()) == before
    assert approvals.current_round(app) == 1


def test_only_the_applicant_resubmits_and_only_a_returned_document(org, q):
    app = _meeting(org, q)
    with pytest.raises(ConflictError):
        services.application_resubmit(actor=org["staff_inn"], application_id=app.pk, title="x")
    _return(org, app)
    with pytest.raises(ApplicationError):
        services.application_resubmit(actor=org["head_inn"], application_id=app.pk, title="x")
    # the corrected application still follows every submission rule (here: the type's economic codes)
    with pytest.raises(ApplicationError, match="会议费"):
        services.application_resubmit(
            actor=org["staff_inn"], application_id=app.pk, lines=[(q["30227"].pk, "3000.00")]
        )


def _approved_event(org, q, amount="20000.00"):
    app = services.application_submit(
        actor=org["staff_inn"], app_type="event", title="路演", year=YEAR, lines=[(q["30227"].pk, amount)]
    )
    return approve_all(org, app)


def test_a_returned_claim_keeps_its_invoices_and_is_corrected_with_new_ones(org, q):
    week = q["30227"]
    app = _approved_event(org, q, "20000.00")
    r = services.reimbursement_submit(
        actor=org["staff_inn"],
        title="报销",
        application_id=app.pk,
        lines=[(week.pk, "21000.00")],  # 1,000 over the application: frozen by the claim itself
        invoices=invoice(org, number="10000001", amount="12000.00")
        + invoice(org, number="10000002", amount="9000.00"),
    )
    assert _balances(week)[0] == Decimal("21000.00")
    _return(org, r, act=services.reimbursement_act, comment="第二张发票抬头有误")
    r.refresh_from_db()
    assert r.state == DocState.RETURNED
    assert _balances(week)[0] == Decimal("20000.00")  # its own 1,000 released; the application's freeze stays
    assert Invoice.objects.filter(reimbursement=r).count() == 2
    first, second = r.invoices.order_by("number")
    digital = "".join(["2544", "2000", "0000", "0012", "3456"])  # a 数电票: 20 digits, no code
    services.reimbursement_resubmit(
        actor=org["staff_inn"],
        reimbursement_id=r.pk,
        lines=[(week.pk, "19500.00")],
        keep_invoice_ids=[first.pk],
        invoices=[
            {
                "code": "",
                "number": digital,
                "amount": "7500.00",
                "issued_on": date(YEAR, 6, 1),
                "seller": "深圳会展服务有限公司",
                "file_name": "数电票.pdf",
                "file_data": PDF,
            }
        ],
    )
    r.refresh_from_db()
    assert r.state == DocState.PENDING and r.amount == Decimal("19500.00") and r.over_amount == 0
    assert sorted(i.number for i in r.invoices.all()) == sorted(["10000001", digital])
    assert _balances(week)[0] == Decimal("20000.00") and _ledger_adds_up(week)
    assert approvals.current_round(r) == 2
    changed = {c["field"]: (c["old"], c["new"]) for c in Revision.objects.get(object_id=r.pk).changes}
    assert changed["amount"] == ("21,000.00", "19,500.00")
    assert digital in changed["invoices"][1] and "10000002" not in changed["invoices"][1]
    # the removed invoice may be claimed again; the 数电票 may not, whether or not a code is given
    with pytest.raises(ConflictError, match="重复报销"):
        services.reimbursement_submit(
            actor=org["staff_inn"],
            title="小额",
            year=YEAR,
            lines=[(q["30201_basic"].pk, "100.00")],
            invoices=[{**invoice(org, amount="100.00")[0], "code": digital[:12], "number": digital}],
        )
    approve_all(org, r, act=services.reimbursement_act)
    services.payment_record(actor=org["cashier"], reimbursement_id=r.pk, method="bank")
    assert _balances(week)[:2] == (Decimal("0.00"), Decimal("19500.00")) and _ledger_adds_up(week)


def test_invoice_numbers_are_checked_by_kind(org, q):
    def submit(code, number):
        return services.reimbursement_submit(
            actor=org["staff_inn"],
            title="小额",
            year=YEAR,
            lines=[(q["30201_basic"].pk, "100.00")],
            invoices=[{**invoice(org, amount="100.00")[0], "code": code, "number": number}],
        )

    with pytest.raises(ApplicationError, match="缺少发票代码"):
        submit("", "12345678")
    digital = "1" * 20
    r = submit("", digital)
    assert r.invoices.get().code == "" and str(r.invoices.get()) == digital


# ----------------------------------------------------------------------------- types ↔ economic codes


def test_a_meeting_cannot_be_charged_to_another_economic_code(org, q):
    with pytest.raises(ApplicationError) as refused:
        services.application_submit(
            actor=org["staff_inn"],
            app_type="meeting",
            title="会议",
            year=YEAR,
            lines=[(q["30227"].pk, "1000.00")],
        )
    assert refused.value.message == "会议类申请只能使用会议费（30215）额度，所选额度为 30227 委托业务费。"
    assert Application.objects.count() == 0 and Quota.objects.filter(frozen__gt=0).count() == 0


def test_finance_edits_the_mapping_and_submissions_follow_it(org, q):
    configuration.type_codes_update(actor=org["finance"], year=YEAR, mapping={"meeting": "30215, 30227"})
    app = services.application_submit(
        actor=org["staff_inn"], app_type="meeting", title="会", year=YEAR, lines=[(q["30227"].pk, "500.00")]
    )
    assert app.state == DocState.PENDING
    entry = AuditEntry.objects.get(action="control.settings.type_codes_updated")
    assert entry.changes == {"meeting": [["30215"], ["30215", "30227"]]}
    with pytest.raises(ApplicationError, match="不是经济分类编码"):
        configuration.type_codes_update(actor=org["finance"], year=YEAR, mapping={"meeting": "会议费"})
    with pytest.raises(ForbiddenError):
        configuration.type_codes_update(actor=org["staff_inn"], year=YEAR, mapping={"meeting": "301"})


def test_the_form_offers_only_compatible_quotas_and_no_default(client_for, org, q):
    page = client_for("staff_inn").get(reverse("control:application_new") + f"?year={YEAR}").content.decode()
    select = re.search(r'<select name="quota".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option[^>]*>", select)
    assert 'value=""' in options[0]  # "请选择指标" first
    assert not any("selected" in o for o in options[1:])  # nothing preselected
    meeting = next(o for o in options if f'value="{q["30215"].pk}"' in o)
    week = next(o for o in options if f'value="{q["30227"].pk}"' in o)
    assert "meeting" in meeting.split('data-types="')[1].split('"')[0]
    assert "meeting" not in week.split('data-types="')[1].split('"')[0]
    # the type groups: headings for all (no script needed), each naming its types
    assert 'data-types="travel"' in page and "出差人员和行程" in page and "control/forms.js" in page


# ------------------------------------------------------------------------------------ dates in the year


def test_a_matter_outside_its_quotas_year_is_refused(org, q):
    with pytest.raises(ApplicationError, match=f"不在所用指标的预算年度（{YEAR} 年）内"):
        _meeting(org, q, start_date=f"{YEAR + 1}-03-01", end_date=f"{YEAR + 1}-03-02")
    with pytest.raises(ApplicationError, match="结束日期不能早于开始日期"):
        _meeting(org, q, start_date=f"{YEAR}-03-02", end_date=f"{YEAR}-03-01")
    # a document that got through before the rule is stopped at approval
    app = _meeting(org, q)
    Application.objects.filter(pk=app.pk).update(details={"start_date": f"{YEAR + 1}-01-05"})
    task = approvals.chain_tasks(app).get(state=TaskState.PENDING)
    with pytest.raises(ApplicationError, match="预算年度"):
        services.application_act(
            actor=task.assignee, application_id=app.pk, task_id=task.pk, action="approve"
        )
    app.refresh_from_db()
    assert app.state == DocState.PENDING


# ---------------------------------------------------------------------------------------------- pages


def test_the_application_form_validates_only_the_chosen_types_fields(client_for, org, q):
    c = client_for("staff_inn")
    url = reverse("control:application_new") + f"?year={YEAR}"
    data = {
        "idempotency_key": "m" * 16,
        "app_type": "meeting",
        "title": "研讨会",
        "quota": q["30215"].pk,
        "amount": "2000.00",
        "travellers": "not a number",  # another type's field: ignored
        "purchase": "笔记本电脑",
    }
    page = c.post(url, data).content.decode()
    assert "会议须填写此项。" in page and Application.objects.count() == 0
    data.update(start_date=f"{YEAR}-05-10", end_date=f"{YEAR}-05-10", city="深圳", attendees="20")
    assert c.post(url, data).status_code == 302
    app = Application.objects.get()
    assert app.details == {
        "start_date": f"{YEAR}-05-10",
        "end_date": f"{YEAR}-05-10",
        "city": "深圳",
        "attendees": 20,
    }


def test_return_edit_resubmit_from_the_pages(client_for, org, q):
    app = _meeting(org, q, "3000.00")
    _return(org, app)
    staff = client_for("staff_inn")
    detail = staff.get(reverse("control:application_detail", args=[app.pk])).content.decode()
    revise_url = reverse("control:application_revise", args=[app.pk])
    assert revise_url in detail
    form = staff.get(revise_url).content.decode()
    assert "请补充参会名单并核减金额" in form and 'value="3000.00"' in form
    response = staff.post(
        revise_url,
        {
            "idempotency_key": "v" * 16,
            "title": "学术研讨会",
            "quota": q["30215"].pk,
            "amount": "2600.00",
            "start_date": f"{YEAR}-05-10",
            "end_date": f"{YEAR}-05-11",
            "city": "深圳",
            "attendees": 8,
            "minutes": SimpleUploadedFile("名单.pdf", PDF),
        },
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == DocState.PENDING and app.amount == Decimal("2600.00")
    head = client_for("head_inn").get(reverse("control:application_detail", args=[app.pk])).content.decode()
    assert "修改记录" in head and "3,000.00" in head and "2,600.00" in head and "名单.pdf" in head
    # someone else's revise page is not found; a document that is not returned sends back to its page
    assert client_for("staff_exp").get(revise_url).status_code == 404
    assert staff.get(revise_url).status_code == 302


def test_a_claim_with_several_invoices_from_the_page(client_for, org, q):
    app = _approved_event(org, q, "20000.00")
    c = client_for("staff_inn")
    url = reverse("control:reimbursement_new") + f"?application={app.pk}"
    assert 'name="invoices-TOTAL_FORMS"' in c.get(url).content.decode()
    digital = "3" * 20
    data = {
        "idempotency_key": "i" * 16,
        "application": app.pk,
        "title": "路演会务",
        "quota": q["30227"].pk,
        "amount": "15000.00",
        "invoices-TOTAL_FORMS": "3",
        "invoices-INITIAL_FORMS": "0",
        "invoices-0-number": "20000001",
        "invoices-0-code": "044001900111",
        "invoices-0-issued_on": f"{YEAR}-06-01",
        "invoices-0-amount": "10000.00",
        "invoices-0-seller": "会展公司",
        "invoices-0-file": SimpleUploadedFile("a.pdf", PDF),
        "invoices-1-number": digital,
        "invoices-1-issued_on": f"{YEAR}-06-02",
        "invoices-1-amount": "3000.00",
        "invoices-1-file": SimpleUploadedFile("b.pdf", PDF),
    }
    # the invoices total 13,000 < 15,000: refused, and the chosen files stay chosen
    page = c.post(url, data).content.decode()
    assert "超过发票合计" in page and page.count("已选择的附件") == 2
    kept = dict(re.findall(r'name="(invoices-\d-kept)"[^>]*value="(\d+)"', page))
    if not kept:  # attribute order may differ
        kept = {m[1]: m[0] for m in re.findall(r'value="(\d+)"[^>]*name="(invoices-\d-kept)"', page)}
    assert set(kept) == {"invoices-0-kept", "invoices-1-kept"}
    del data["invoices-0-file"], data["invoices-1-file"]
    data.update(kept, amount="13000.00", idempotency_key="j" * 16)
    assert c.post(url, data).status_code == 302
    r = Reimbursement.objects.get()
    assert sorted((i.code, i.number) for i in r.invoices.all()) == [
        ("", digital),
        ("044001900111", "20000001"),
    ]


def test_paying_and_cancelling_ask_first_naming_amount_and_payee(client_for, org, q):
    app = _approved_event(org, q, "20000.00")
    cancel = (
        client_for("staff_inn").get(reverse("control:application_detail", args=[app.pk])).content.decode()
    )
    assert re.search(r'data-confirm="[^"]*20,000.00[^"]*"', cancel)
    r = services.reimbursement_submit(
        actor=org["staff_inn"],
        title="报销",
        application_id=app.pk,
        lines=[(q["30227"].pk, "900.00")],
        invoices=invoice(org, number="30000001", amount="900.00"),
    )
    approve_all(org, r, act=services.reimbursement_act)
    page = client_for("cashier").get(reverse("control:reimbursement_detail", args=[r.pk])).content.decode()
    confirm = re.search(r'<form method="post" action="[^"]*/pay/" data-confirm="([^"]*)"', page).group(1)
    assert "900.00" in confirm and org["staff_inn"].full_name in confirm
