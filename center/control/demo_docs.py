"""Walking documents through budget control for the demos (the control, events and reviews demos): approve a
chain, a matter from application to payment, and give what was walked today the dates of the story. Kept apart
from `demo.py` so that the areas' demos use it without importing each other."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from . import approvals, services
from .models import Application, ApprovalTask, LedgerEntry, Payment, Quota, Reimbursement

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def approve_all(doc, act, key):
    """Approve each pending step as its assignee until the document leaves "pending" (also used by the
    events demo for the events' own prior applications)."""
    while True:
        doc.refresh_from_db()
        task = next(
            (t for t in approvals.chain_tasks(doc, approvals.current_round(doc)) if t.state == "pending"),
            None,
        )
        if task is None or doc.state != "pending":
            return doc
        act(actor=task.assignee, task_id=task.pk, action="approve", comment="同意", **{key: doc.pk})


# --------------------------------------------------------------------------- walking a matter to payment


def _at(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock on `day`, or now if that is still to come."""
    return min(timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0)), timezone.now())


def redate(doc, start: date, end: date) -> None:
    """Give a document walked today the dates of the story: submitted on `start`, decided on `end`; its
    approval tasks acted in between, its ledger entries posted on those days (and in that month's period)."""
    model = type(doc)
    model.objects.filter(pk=doc.pk).update(
        created_at=_at(start, 9), submitted_at=_at(start, 9), decided_at=_at(end, 16)
    )
    if isinstance(doc, Application):
        Application.objects.filter(pk=doc.pk, closed_at__isnull=False).update(closed_at=_at(end, 17))
    ct = ContentType.objects.get_for_model(model)
    ApprovalTask.objects.filter(content_type=ct, object_id=doc.pk).update(
        created_at=_at(start, 9), activated_at=_at(start, 9), acted_at=_at(end, 15)
    )
    if isinstance(doc, Reimbursement):
        Payment.objects.filter(reimbursement=doc).update(paid_at=_at(end, 11))
    kind = "application" if isinstance(doc, Application) else "reimbursement"
    LedgerEntry.objects.filter(doc_type=kind, doc_id=doc.pk).update(created_at=_at(end, 16), period=end.month)
    if isinstance(doc, Application):  # its freeze was posted when it was submitted
        LedgerEntry.objects.filter(doc_type=kind, doc_id=doc.pk, kind="freeze").update(
            created_at=_at(start, 9), period=start.month
        )


def spend(
    u,
    *,
    applicant: str,
    app_type: str,
    title: str,
    year: int,
    lines: list[tuple[Quota, Decimal]],
    day: date,
    details: dict | None = None,
    letter: str = "",
    stop: str = "paid",
    claim_share: Decimal = Decimal(1),
    seller: str = "",
) -> Application:
    """One matter through the control services: the prior application (with the 三重一大 minutes above the
    collective threshold), approved; the claim with its invoice, approved; paid by the cashier — each step
    `stop` allows. The matter on `day`, applied for then (or today, for a matter still to come), claimed five
    days later (its invoice dated then), paid three days after that — never after today or the year's end."""
    from center.core.files import attachment_create

    today = timezone.localdate()
    who = u[applicant]
    amount = sum((a for _q, a in lines), Decimal(0))
    extra = {}
    if app_type == "reception":
        extra["letter_id"] = attachment_create(actor=who, name=f"{letter}来访公函.pdf", data=PDF).pk
    if amount >= services.settings_for(year).collective_threshold:
        extra["minutes_id"] = attachment_create(
            actor=who, name="主任办公会会议纪要.pdf", data=PDF, purpose="general"
        ).pk
    dated = {"start_date": day.isoformat(), "end_date": day.isoformat(), **(details or {})}
    app = services.application_submit(
        actor=who,
        app_type=app_type,
        title=title,
        year=year,
        lines=[(q.pk, a) for q, a in lines],
        details=dated,
        **extra,
    )
    if stop == "pending":
        return app
    app = approve_all(app, services.application_act, "application_id")
    submitted = min(day, today)  # a matter still to come was applied for today
    claim_day = min(day + timedelta(days=5), date(year, 12, 31), today)
    redate(app, submitted, min(submitted + timedelta(days=2), claim_day))
    if stop == "approved":
        return app
    claim_and_pay(u, app, claim_day, claim_share=claim_share, seller=seller, pay=stop == "paid")
    return app


def claim_and_pay(u, app, claim_day: date, *, claim_share=Decimal(1), seller: str = "", pay: bool = True):
    """The claim of an approved application (its amount × `claim_share`, one invoice dated `claim_day`),
    approved, and paid by the cashier three days later (never after today or the year's end) when `pay`; the
    claim and the application carry those dates. Also used by the reviews demo for its expert fees."""
    year = app.year
    who = app.applicant
    claimed = [(ln.quota, (ln.amount * claim_share).quantize(Decimal("0.01"))) for ln in app.lines.all()]
    total = sum((a for _q, a in claimed), Decimal(0))
    r = services.reimbursement_submit(
        actor=who,
        title=app.title,
        application_id=app.pk,
        lines=[(q.pk, a) for q, a in claimed],
        invoices=[
            {
                "code": "",
                "number": f"{year}{claim_day:%m%d}{app.pk:06d}{int(total) % 1000000:06d}",
                "amount": total,
                "issued_on": claim_day,
                "seller": seller,
                "file_name": "发票.pdf",
                "file_data": PDF,
            }
        ],
    )
    r = approve_all(r, services.reimbursement_act, "reimbursement_id")
    pay_day = min(claim_day + timedelta(days=3), date(year, 12, 31), timezone.localdate())
    if pay:
        services.payment_record(
            actor=u["cashier"],
            reimbursement_id=r.pk,
            method="bank",
            reference=f"ICBC-{pay_day:%Y%m%d}-{r.pk:04d}",
        )
    redate(r, claim_day, pay_day)
    app.refresh_from_db()
    if app.closed_at:  # paid: the application closed and released what the claim did not use
        Application.objects.filter(pk=app.pk).update(closed_at=_at(pay_day, 11))
        LedgerEntry.objects.filter(doc_type="application", doc_id=app.pk, kind="release").update(
            created_at=_at(pay_day, 16), period=pay_day.month
        )
    return r
