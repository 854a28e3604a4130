"""Budget control over JSON: the same services and rules as the pages. Every write accepts an
`Idempotency-Key` header: a retried request has exactly one effect and gets the first answer again."""

import base64
import binascii
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from center.control import approvals, rules, selectors, services
from center.control.models import Advance, Application, Reimbursement
from center.control.rules import CASHIERS, CONTROL_USERS
from center.core.errors import ApplicationError
from center.core.idempotency import fingerprint, run_once
from center.core.permissions import api_access
from center.core.rules import require

router = Router(tags=["control"])

# The header every write here reads (through `answer_once`), declared on exactly those operations.
IDEMPOTENT = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "description": "同一键的重复请求只生效一次，并得到第一次的答复（8–100 位字母、数字或 _.:-）。",
            "schema": {"type": "string", "pattern": r"^[A-Za-z0-9_.:-]{8,100}$"},
        }
    ]
}


class QuotaOut(Schema):
    id: int
    year: int
    name: str
    kind: str
    department: str
    functional_code: str
    economic_code: str
    source_code: str
    control_level: str
    approved: Decimal
    adjusted: Decimal
    frozen: Decimal
    executed: Decimal
    available: Decimal


def _quota(q) -> dict:
    return {
        "id": q.pk,
        "year": q.year,
        "name": q.name,
        "kind": q.kind,
        "department": q.department.name,
        "functional_code": q.functional.code,
        "economic_code": q.economic.code,
        "source_code": q.source.code,
        "control_level": q.control_level,
        "approved": q.approved,
        "adjusted": q.adjusted,
        "frozen": q.frozen,
        "executed": q.executed,
        "available": q.available,
    }


@router.get("/quotas", response=list[QuotaOut])
@api_access(CONTROL_USERS)
def quotas(request, year: int | None = None):
    return [_quota(q) for q in selectors.quotas_for(request.user, request.access_scope, year=year)]


class EntryOut(Schema):
    id: int
    kind: str
    amount: Decimal
    doc_type: str
    doc_id: int | None
    doc_no: str
    note: str
    created_at: datetime


@router.get("/quotas/{quota_id}/ledger", response=list[EntryOut])
@api_access(CONTROL_USERS)
def ledger(request, quota_id: int):
    return list(selectors.ledger_for(selectors.quota_get_for(request.user, request.access_scope, quota_id)))


class LineIn(Schema):
    quota_id: int
    amount: str  # a decimal string: "1234.50" (never a float)


class ApplicationIn(Schema):
    app_type: str
    title: str
    year: int | None = None
    lines: list[LineIn]
    details: dict = {}
    justification: str = ""
    letter_id: int | None = None
    minutes_id: int | None = None


class TaskOut(Schema):
    id: int
    round: int
    step: str
    assignee: str
    state: str
    acted_by: str | None
    comment: str


class DocumentOut(Schema):
    id: int
    number: str
    kind: str
    state: str
    title: str
    amount: Decimal
    applicant: str
    lines: list[dict]
    tasks: list[TaskOut]


def _doc(doc) -> dict:
    """A document as the API answers it (and as an idempotent request stores it): JSON-ready values only."""
    return {
        "id": doc.pk,
        "number": doc.number,
        "kind": doc._meta.model_name,
        "state": doc.state,
        "title": doc.title,
        "amount": str(doc.amount),
        "applicant": doc.applicant.username,
        "lines": [
            {"quota_id": quota_id, "amount": str(amount), "frozen": str(frozen)}
            for quota_id, amount, frozen in doc.lines.order_by("id").values_list(
                "quota_id", "amount", "frozen"
            )
        ],
        "tasks": [
            {
                "id": t.pk,
                "round": t.round,
                "step": t.step_name,
                "assignee": t.assignee.username,
                "state": t.state,
                "acted_by": t.acted_by.username if t.acted_by_id else None,
                "comment": t.comment,
            }
            for t in approvals.chain_tasks(doc)
        ],
    }


def answer_once(request, fn, status: int = 200, answer=None):
    """Run a write once per `Idempotency-Key` and answer with `answer(result)` (a document by default);
    a retry with the same key gets the stored answer and changes nothing."""
    key = request.headers.get("Idempotency-Key")
    fp = fingerprint(request.method, request.path, request.body.decode("utf-8", "replace"))
    code, body = run_once(
        user=request.user, key=key, fingerprint=fp, fn=lambda: (status, (answer or _doc)(fn()))
    )
    return Status(code, body)


@router.post("/applications", response={201: DocumentOut, 200: DocumentOut}, openapi_extra=IDEMPOTENT)
@api_access(CONTROL_USERS)
def application_submit(request, payload: ApplicationIn):
    data = payload.dict()
    lines = [(ln["quota_id"], ln["amount"]) for ln in data.pop("lines")]
    return answer_once(
        request, lambda: services.application_submit(actor=request.user, lines=lines, **data), status=201
    )


@router.get("/applications/{doc_id}", response=DocumentOut)
@api_access(CONTROL_USERS)
def application_get(request, doc_id: int):
    return _doc(selectors.document_get_for(request.user, Application, request.access_scope, doc_id))


class ActionIn(Schema):
    action: str  # approve | reject | return | add_signer | transfer
    comment: str = ""
    user_id: int | None = None
    to_step: int | None = None


def _act(request, model, doc_id, payload, service, key):
    from center.accounts.models import User

    doc = selectors.document_get_for(request.user, model, request.access_scope, doc_id)
    require(rules.may_act, request.user, doc)
    task = approvals.task_for_actor(doc, request.user)
    target = User.objects.filter(pk=payload.user_id).first() if payload.user_id else None
    return answer_once(
        request,
        lambda: service(
            actor=request.user,
            task_id=task.pk,
            action=payload.action,
            comment=payload.comment,
            target_user=target,
            to_step=payload.to_step,
            **{key: doc.pk},
        ),
    )


@router.post("/applications/{doc_id}/actions", response=DocumentOut, openapi_extra=IDEMPOTENT)
@api_access(CONTROL_USERS)
def application_act(request, doc_id: int, payload: ActionIn):
    return _act(request, Application, doc_id, payload, services.application_act, "application_id")


@router.post("/applications/{doc_id}/withdraw", response=DocumentOut, openapi_extra=IDEMPOTENT)
@api_access(CONTROL_USERS)
def application_withdraw(request, doc_id: int):
    doc = selectors.document_get_for(request.user, Application, request.access_scope, doc_id)
    return answer_once(
        request, lambda: services.application_withdraw(actor=request.user, application_id=doc.pk)
    )


class CancelIn(Schema):
    reason: str


@router.post("/applications/{doc_id}/cancel", response=DocumentOut, openapi_extra=IDEMPOTENT)
@api_access(CONTROL_USERS)
def application_cancel(request, doc_id: int, payload: CancelIn):
    """The matter will not happen: close the application and release what it froze (nothing claimed yet)."""
    doc = selectors.document_get_for(request.user, Application, request.access_scope, doc_id)
    return answer_once(
        request,
        lambda: services.application_cancel(actor=request.user, application_id=doc.pk, reason=payload.reason),
    )


class InvoiceIn(Schema):
    code: str
    number: str
    amount: str
    issued_on: date
    file_name: str
    file_base64: str


class ReimbursementIn(Schema):
    title: str
    application_id: int | None = None
    year: int | None = None
    lines: list[LineIn]
    invoices: list[InvoiceIn]


@router.post("/reimbursements", response={201: DocumentOut, 200: DocumentOut}, openapi_extra=IDEMPOTENT)
@api_access(CONTROL_USERS)
def reimbursement_submit(request, payload: ReimbursementIn):
    invoices = []
    for inv in payload.invoices:
        try:
            data = base64.b64decode(inv.file_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApplicationError(_("发票文件不是有效的 base64 编码。"), {"field": "invoices"}) from exc
        invoices.append({**inv.dict(exclude={"file_base64"}), "file_data": data})
    lines = [(ln.quota_id, ln.amount) for ln in payload.lines]
    return answer_once(
        request,
        lambda: services.reimbursement_submit(
            actor=request.user,
            title=payload.title,
            application_id=payload.application_id,
            year=payload.year,
            lines=lines,
            invoices=invoices,
        ),
        status=201,
    )


@router.get("/reimbursements/{doc_id}", response=DocumentOut)
@api_access(CONTROL_USERS)
def reimbursement_get(request, doc_id: int):
    return _doc(selectors.document_get_for(request.user, Reimbursement, request.access_scope, doc_id))


@router.post("/reimbursements/{doc_id}/actions", response=DocumentOut, openapi_extra=IDEMPOTENT)
@api_access(CONTROL_USERS)
def reimbursement_act(request, doc_id: int, payload: ActionIn):
    return _act(request, Reimbursement, doc_id, payload, services.reimbursement_act, "reimbursement_id")


class PaymentIn(Schema):
    method: str  # bank | card
    reference: str = ""


@router.post("/reimbursements/{doc_id}/payment", response=DocumentOut, openapi_extra=IDEMPOTENT)
@api_access(CASHIERS)
def payment(request, doc_id: int, payload: PaymentIn):
    doc = selectors.document_get_for(request.user, Reimbursement, request.access_scope, doc_id)

    def pay():
        services.payment_record(
            actor=request.user, reimbursement_id=doc.pk, method=payload.method, reference=payload.reference
        )
        doc.refresh_from_db()
        return doc

    return answer_once(request, pay)


class AdvanceIn(Schema):
    amount: str
    title: str = ""


@router.post(
    "/applications/{doc_id}/advance", response={201: DocumentOut, 200: DocumentOut}, openapi_extra=IDEMPOTENT
)
@api_access(CONTROL_USERS)
def advance_submit(request, doc_id: int, payload: AdvanceIn):
    doc = selectors.document_get_for(request.user, Application, request.access_scope, doc_id)
    return answer_once(
        request,
        lambda: services.advance_submit(
            actor=request.user, application_id=doc.pk, amount=payload.amount, title=payload.title
        ),
        status=201,
    )


@router.post("/advances/{doc_id}/actions", response=DocumentOut, openapi_extra=IDEMPOTENT)
@api_access(CONTROL_USERS)
def advance_act(request, doc_id: int, payload: ActionIn):
    return _act(request, Advance, doc_id, payload, services.advance_act, "advance_id")


@router.post("/advances/{doc_id}/payment", response=DocumentOut, openapi_extra=IDEMPOTENT)
@api_access(CASHIERS)
def advance_payment(request, doc_id: int, payload: PaymentIn):
    doc = selectors.document_get_for(request.user, Advance, request.access_scope, doc_id)

    def pay():
        services.advance_pay(
            actor=request.user, advance_id=doc.pk, method=payload.method, reference=payload.reference
        )
        doc.refresh_from_db()
        return doc

    return answer_once(request, pay)
