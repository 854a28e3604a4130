"""Scoped reads of budget control: a user sees what their role and data scope allow, nothing else."""

from datetime import date
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.accounts.services import acting_principals
from center.core.enums import Scope
from center.core.errors import NotFoundError

from .enums import THREE_PUBLIC_CODES, DocState, EntryKind, TaskState
from .models import Advance, Application, ApprovalTask, LedgerEntry, Quota, Reimbursement

UNIT_READERS = {Role.FINANCE, Role.DIRECTOR, Role.AUDITOR, Role.CASHIER}


def _doc_q(user, scope) -> Q:
    q = Q(applicant=user)
    if scope == Scope.DEPARTMENT:
        q |= Q(department__in=user.scoped_department_ids)
    return q


def _task_doc_ids(user, model):
    """The ids of the documents of `model` with a task of the user's (or a principal's): a subquery (without
    the tasks' default ordering, which would make DISTINCT keep every task)."""
    principals = [p.pk for p in acting_principals(user)]
    return (
        ApprovalTask.objects.filter(
            content_type__app_label="control",
            content_type__model=model._meta.model_name,
            assignee__in=principals,
        )
        .order_by()
        .values_list("object_id", flat=True)
        .distinct()
    )


def documents_for(user, model, scope, *, state: str = "", mine: bool = False):
    qs = model.objects.select_related("applicant", "department")
    if scope != Scope.UNIT:
        # (Q() | x) is just x in Django, so the unit scope must not be OR-ed: it filters nothing.
        qs = qs.filter(_doc_q(user, scope) | Q(pk__in=_task_doc_ids(user, model)))
    if mine:
        qs = qs.filter(applicant=user)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


def document_get_for(user, model, scope, pk: int):
    doc = documents_for(user, model, scope).filter(pk=pk).first()
    if doc is None:
        raise NotFoundError(_("单据不存在。"))
    return doc


def pending_tasks_for(user):
    """Tasks waiting for this person, directly or through an active delegation."""
    principals = [p.pk for p in acting_principals(user)]
    tasks = list(
        ApprovalTask.objects.filter(assignee__in=principals, state=TaskState.PENDING)
        .select_related("assignee", "content_type")
        .order_by("activated_at")
    )
    return [(t, doc) for t, doc in _with_documents(tasks) if doc.applicant_id != user.pk]


DOCUMENT_MODELS = (Application, Reimbursement, Advance)


def my_documents(user, states=None, *, where=None, limit: int = 500) -> list:
    """The documents `user` submitted (applications, claims, advances), optionally in `states` or matching
    `where(model)` (a Q), the newest `limit` of each kind."""
    out = []
    for model in DOCUMENT_MODELS:
        out.extend(_mine(user, model, states, where).select_related("department").order_by("-id")[:limit])
    return out


def my_documents_count(user, states=None, *, where=None) -> int:
    return sum(_mine(user, model, states, where).count() for model in DOCUMENT_MODELS)


def _mine(user, model, states, where):
    qs = model.objects.filter(applicant=user)
    if states is not None:
        qs = qs.filter(state__in=states)
    if where is not None:
        qs = qs.filter(where(model))
    return qs


def _task_actions(user):
    return ApprovalTask.objects.filter(
        acted_by=user,
        state__in=[TaskState.APPROVED, TaskState.REJECTED, TaskState.RETURNED, TaskState.TRANSFERRED],
    )


def my_task_actions(user, limit: int = 500) -> list[tuple]:
    """(task, document) for every approval action `user` took (themself or as a delegate), newest first."""
    tasks = list(_task_actions(user).select_related("content_type").order_by("-acted_at", "-id")[:limit])
    return _with_documents(tasks)


def my_task_actions_count(user) -> int:
    return _task_actions(user).count()


def _with_documents(tasks) -> list[tuple]:
    by_model = {m._meta.model_name: m for m in DOCUMENT_MODELS}
    docs = {
        name: model.objects.select_related("applicant", "department").in_bulk(
            [t.object_id for t in tasks if t.content_type.model == name]
        )
        for name, model in by_model.items()
    }
    return [
        (t, docs[t.content_type.model][t.object_id])
        for t in tasks
        if t.object_id in docs.get(t.content_type.model, {})
    ]


def pending_holders(docs) -> dict[tuple[str, int], tuple[str, list[str]]]:
    """For documents in approval: (model name, id) → (the current step's name, the names of who holds it)."""
    if not docs:
        return {}
    q = Q()
    for doc in docs:
        q |= Q(content_type__model=doc._meta.model_name, object_id=doc.pk)
    out: dict[tuple[str, int], tuple[str, list[str]]] = {}
    tasks = (
        ApprovalTask.objects.filter(q, content_type__app_label="control", state=TaskState.PENDING)
        .select_related("assignee", "content_type")
        .order_by("step_order", "id")
    )
    for t in tasks:
        key = (t.content_type.model, t.object_id)
        step, names = out.setdefault(key, (t.step_name, []))
        if t.step_name == step:
            names.append(t.assignee.full_name)
    return out


def quotas_for(
    user,
    scope,
    *,
    year: int | None = None,
    kind: str = "",
    department: int | None = None,
    near_limit: bool = False,
):
    qs = Quota.objects.select_related(
        "department", "economic__parent", "functional", "source", "project", "item"
    )
    if scope != Scope.UNIT:
        # Staff see their department's quotas (to apply against) and the basic quotas 归口-managed for everyone.
        depts = set(user.scoped_department_ids) | ({user.department_id} if user.department_id else set())
        qs = qs.filter(Q(department__in=depts) | Q(kind="basic"))
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if department:
        qs = qs.filter(department_id=department)
    quotas = list(qs.order_by("kind", "project__sort", "item__sort", "economic__code", "id"))
    if near_limit:
        quotas = [q for q in quotas if q.used_pct >= 80]
    return quotas


def quota_get_for(user, scope, pk: int) -> Quota:
    for q in quotas_for(user, scope):
        if q.pk == pk:
            return q
    raise NotFoundError(_("指标不存在。"))


def ledger_for(quota: Quota, limit: int | None = 200):
    """The quota's entries, newest first (the first `limit`; None: all, for a paginated page)."""
    qs = LedgerEntry.objects.filter(quota=quota).select_related("actor", "reverses").order_by("-id")
    return qs if limit is None else qs[:limit]


def time_elapsed_pct(year: int, today: date | None = None) -> float:
    """序时进度: the share of the year elapsed (100% after the year ends)."""
    today = today or timezone.localdate()
    if today.year < year:
        return 0.0
    if today.year > year:
        return 100.0
    start = date(year, 1, 1)
    return round(((today - start).days + 1) / ((date(year, 12, 31) - start).days + 1) * 100, 1)


def _group_rows(quotas, key, label):
    rows: dict = {}
    for q in quotas:
        k = key(q)
        row = rows.setdefault(
            k,
            {
                "label": label(q),
                "budget": Decimal(0),
                "frozen": Decimal(0),
                "executed": Decimal(0),
                "available": Decimal(0),
            },
        )
        row["budget"] += q.budgeted
        row["frozen"] += q.frozen
        row["executed"] += q.executed
        row["available"] += q.available
    for row in rows.values():
        row["pct"] = float(row["executed"] / row["budget"] * 100) if row["budget"] else 0.0
    return list(rows.values())


def execution_dashboard(user, scope, year: int, margin_pct: float) -> dict:
    """Execution vs the time-elapsed line, by project, item, department and economic class; 三公; trend.
    A fixed number of queries whatever the number of ledger entries (aggregation happens in the database)."""
    quotas = quotas_for(user, scope, year=year)
    ids = [q.pk for q in quotas]
    elapsed = time_elapsed_pct(year)

    def flag(row):
        row["behind"] = row["pct"] < elapsed - margin_pct
        row["ahead"] = row["pct"] > elapsed + margin_pct
        return row

    by_project = [
        flag(r)
        for r in _group_rows(
            quotas,
            lambda q: q.project_id or q.basic_category,
            lambda q: q.project.display_name() if q.project_id else q.basic_category_label,
        )
    ]
    by_item = [
        flag(r)
        for r in _group_rows(
            [q for q in quotas if q.item_id],
            lambda q: q.item_id,
            lambda q: f"{q.project.display_name()} · {q.item.display_name()}",
        )
    ]
    lang = get_language()
    by_dept = [
        flag(r)
        for r in _group_rows(quotas, lambda q: q.department_id, lambda q: q.department.display_name(lang))
    ]
    from center.budget.models import EconomicCode

    class_names = {
        c.code: c.display_name() for c in EconomicCode.objects.filter(fiscal_year__year=year, level=1)
    }
    by_econ = [
        flag(r)
        for r in _group_rows(
            quotas,
            lambda q: q.economic.code[:3],
            lambda q: f"{q.economic.code[:3]} {class_names.get(q.economic.code[:3], '')}".strip(),
        )
    ]
    three = [q for q in quotas if q.economic.code in THREE_PUBLIC_CODES]
    monthly = (
        LedgerEntry.objects.filter(quota_id__in=ids, kind=EntryKind.EXECUTE)
        .values("period")
        .annotate(total=Sum("amount"))
        .order_by("period")
    )
    trend = {m: Decimal(0) for m in range(1, 13)}
    for row in monthly:  # executions against this year's quotas, by accounting period (month)
        trend[row["period"]] += row["total"]
    total_budget = sum((q.budgeted for q in quotas), Decimal(0))
    total_exec = sum((q.executed for q in quotas), Decimal(0))
    return {
        "year": year,
        "elapsed": elapsed,
        "margin": margin_pct,
        "total_budget": total_budget,
        "total_frozen": sum((q.frozen for q in quotas), Decimal(0)),
        "total_executed": total_exec,
        "total_available": sum((q.available for q in quotas), Decimal(0)),
        "total_pct": float(total_exec / total_budget * 100) if total_budget else 0.0,
        "by_project": by_project,
        "by_item": by_item,
        "by_department": by_dept,
        "by_economic": by_econ,
        "three_public": _group_rows(three, lambda q: q.economic.code, lambda q: str(q.economic)),
        "near_limit": [q for q in quotas if q.used_pct >= 80],
        "trend": [(m, trend[m]) for m in range(1, 13)],
        "pending_applications": Application.objects.filter(state=DocState.PENDING, lines__quota__in=ids)
        .distinct()
        .count(),
    }


def application_execution(number: str) -> dict | None:
    """How far a prior application has been spent, for the area that raised it (an event's report): its
    state, the amount applied for, what is still frozen, claims in approval and claims paid (executed)."""
    app = Application.objects.filter(number=number).first() if number else None
    if app is None:
        return None
    claims = Reimbursement.objects.filter(application=app)
    cent = Decimal("0.01")

    def total(qs, field="amount") -> Decimal:
        return (qs.aggregate(s=Sum(field))["s"] or Decimal(0)).quantize(cent)

    return {
        "application": app,
        "applied": app.amount,
        "frozen": total(app.lines.all(), "frozen"),
        "in_approval": total(
            claims.filter(state__in=[DocState.PENDING, DocState.RETURNED, DocState.APPROVED])
        ),
        "paid": paid_through_control([app.number]).get(app.number, Decimal(0)).quantize(cent),
    }


def paid_through_control(numbers) -> dict[str, Decimal]:
    """Claims paid (executed) against each of these prior applications, by application number: one query."""
    rows = (
        Reimbursement.objects.filter(state=DocState.PAID, application__number__in=list(numbers))
        .values("application__number")
        .annotate(s=Sum("amount"))
    )
    return {r["application__number"]: r["s"] for r in rows}


def settings_for(year: int):
    """The year's control parameters (from the per-process configuration cache; a copy to change freely)."""
    from . import config_cache

    return config_cache.settings_for(year)


def execution_by_project(budget_id: int, through_month: int | None = None) -> dict:
    """预算执行率's figures for the performance area: for a budget's quotas, the adjusted budget (approved +
    adjusted) and the amount executed, by project (key: project id; None for basic spending) and for the unit
    (key "unit"). `through_month` (1–12): executions posted in accounting periods up to that month only
    (reversals of those executions netted out); None: everything executed so far. Two queries at most."""
    quotas = list(
        Quota.objects.filter(budget_id=budget_id).values(
            "pk", "project_id", "approved", "adjusted", "executed"
        )
    )
    executed = {q["pk"]: q["executed"] for q in quotas}
    if through_month is not None:
        executed = dict.fromkeys(executed, Decimal(0))
        rows = (
            LedgerEntry.objects.filter(
                quota_id__in=list(executed),  # the (quota, kind, period) index, no join
                period__lte=through_month,
                kind__in=[EntryKind.EXECUTE, EntryKind.REVERSE],
            )
            .values("quota_id", "kind", "reverses__kind")
            .annotate(total=Sum("amount"))
            .order_by()
        )  # summed in the database: one row per quota and kind
        for row in rows:
            if row["kind"] == EntryKind.EXECUTE:
                executed[row["quota_id"]] += row["total"]
            elif row["reverses__kind"] == EntryKind.EXECUTE:
                executed[row["quota_id"]] -= row["total"]
    out: dict = {"unit": (Decimal(0), Decimal(0))}
    for q in quotas:
        budgeted = q["approved"] + q["adjusted"]
        b, e = out.get(q["project_id"], (Decimal(0), Decimal(0)))
        out[q["project_id"]] = (b + budgeted, e + executed[q["pk"]])
        ub, ue = out["unit"]
        out["unit"] = (ub + budgeted, ue + executed[q["pk"]])
    return out


# --- internal-control evidence: what the internal-control evaluation (center/assessment) reads -------------
# Each answers for one budget year (documents and quotas of that year), counting from the records themselves.

REFUSAL_ACTIONS = (
    "control.approval.refused",  # an approval by the applicant, by someone without the task, twice in a chain
    "control.payment.incompatible_refused",  # a payment by the applicant or an approver of the document
    "control.payment.duplicate_refused",
    "control.invoice.duplicate_refused",
    "control.quota.overrun_refused",  # a movement that would have made a quota's available balance negative
)


def refusal_counts(year: int) -> dict[str, int]:
    """Refusals written to the audit trail about this year's documents and quotas, by action code."""
    from django.db.models import CharField, Count
    from django.db.models.functions import Cast

    from center.core.models import AuditEntry

    from .models import Invoice

    targets = {
        "control.application": Application.objects.filter(year=year),
        "control.reimbursement": Reimbursement.objects.filter(year=year),
        "control.advance": Advance.objects.filter(year=year),
        "control.quota": Quota.objects.filter(year=year),
        "control.invoice": Invoice.objects.filter(reimbursement__year=year),
    }
    q = Q()
    for target_type, qs in targets.items():
        ids = qs.annotate(key=Cast("pk", CharField())).values("key")
        q |= Q(target_type=target_type, target_id__in=ids)
    # a refusal about no stored row (an invoice listed twice on one new claim) counts in the year it happened
    q |= Q(target_id="", created_at__year=year)
    counts = dict.fromkeys(REFUSAL_ACTIONS, 0)
    rows = (
        AuditEntry.objects.filter(q, action__in=REFUSAL_ACTIONS)
        .values("action")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update({r["action"]: r["n"] for r in rows})
    return counts


def approval_flow_counts() -> dict[str, int]:
    """Active approval flows by document type (application, reimbursement)."""
    from .models import ApprovalFlow

    counts = {"application": 0, "reimbursement": 0}
    for doc_type in ApprovalFlow.objects.filter(active=True).values_list("doc_type", flat=True):
        counts[doc_type] = counts.get(doc_type, 0) + 1
    return counts


def _year_tasks(year: int):
    """Approval tasks of the year's applications, claims and advances."""
    q = Q()
    for model in (Application, Reimbursement, Advance):
        q |= Q(
            content_type__app_label="control",
            content_type__model=model._meta.model_name,
            object_id__in=model.objects.filter(year=year).values("pk"),
        )
    return ApprovalTask.objects.filter(q)


def separation_facts(year: int) -> dict[str, int]:
    """Incompatible duties in the year's records: approvals made by the document's own applicant, one person
    approving twice in one chain round, payments by the applicant or an approver. All three should be 0."""
    from django.db.models import Count

    self_approved = 0
    for model in (Application, Reimbursement, Advance):
        applicants = dict(model.objects.filter(year=year).values_list("pk", "applicant_id"))
        tasks = _year_tasks(year).filter(content_type__model=model._meta.model_name, state=TaskState.APPROVED)
        self_approved += sum(
            1 for oid, actor in tasks.values_list("object_id", "acted_by_id") if applicants.get(oid) == actor
        )
    twice = (
        _year_tasks(year)
        .filter(state=TaskState.APPROVED, acted_by__isnull=False)
        .values("content_type_id", "object_id", "round", "acted_by_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    # who approved what (any round; the payer check of `rules.may_pay`), read in one query
    from .models import Payment

    approvers: dict[tuple[str, int], set[int]] = {}
    rows = _year_tasks(year).filter(state=TaskState.APPROVED)
    for model_name, oid, actor, assignee in rows.values_list(
        "content_type__model", "object_id", "acted_by_id", "assignee_id"
    ):
        approvers.setdefault((model_name, oid), set()).update(pk for pk in (actor, assignee) if pk)
    payer_conflicts = 0
    payments = Payment.objects.filter(Q(reimbursement__year=year) | Q(advance__year=year)).select_related(
        "reimbursement", "advance"
    )
    for p in payments:
        doc = p.reimbursement or p.advance
        if p.paid_by_id == doc.applicant_id or p.paid_by_id in approvers.get(
            (doc._meta.model_name, doc.pk), ()
        ):
            payer_conflicts += 1
    return {
        "approved_tasks": rows.count(),
        "self_approved": self_approved,
        "approved_twice": twice,
        "payments": len(payments),
        "payer_conflicts": payer_conflicts,
    }


def delegated_approvals(year: int) -> dict[str, int]:
    """Approvals made on someone's behalf (the actor is not the task's assignee) and how many of them no recorded
    delegation covered at the moment of acting (should be 0: the approval rule refuses them)."""
    from center.accounts.models import Delegation

    acted = (
        _year_tasks(year)
        .filter(acted_by__isnull=False, acted_at__isnull=False)
        .exclude(acted_by=F("assignee"))
        .exclude(state=TaskState.TRANSFERRED)
    )
    uncovered = 0
    total = 0
    for assignee, actor, when in acted.values_list("assignee_id", "acted_by_id", "acted_at"):
        total += 1
        covered = Delegation.objects.filter(
            delegator_id=assignee, delegate_id=actor, starts_at__lte=when, ends_at__gt=when
        ).filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=when))
        if not covered.exists():
            uncovered += 1
    return {"delegated": total, "uncovered": uncovered}


def collective_decision_facts(year: int) -> dict:
    """Approved documents at or above the 三重一大 threshold and how many of them carry no minutes."""
    threshold = settings_for(year).collective_threshold
    done = [DocState.APPROVED, DocState.PAID, DocState.CLOSED]
    above = without = 0
    for model in (Application, Reimbursement):
        qs = model.objects.filter(year=year, state__in=done, amount__gte=threshold)
        above += qs.count()
        without += qs.filter(minutes__isnull=True).count()
    return {"threshold": threshold, "above": above, "without_minutes": without}


def three_public_facts(year: int) -> dict[str, int]:
    """三公 quotas of the year and how many are hard-controlled; reception spending standards set."""
    from .enums import ApplicationType, ControlLevel
    from .models import SpendingStandard

    quotas = Quota.objects.filter(year=year, economic__code__in=THREE_PUBLIC_CODES)
    return {
        "quotas": quotas.count(),
        "hard": quotas.filter(control_level=ControlLevel.HARD).count(),
        "reception_standards": SpendingStandard.objects.filter(
            year=year, app_type=ApplicationType.RECEPTION
        ).count(),
    }


def claim_facts(year: int) -> dict:
    """Claims of the year with and without a prior application; those without one above the small-claim
    threshold (should be 0: the claim service refuses them); invoice numbers accepted on two live claims."""
    from django.db.models import Count

    from .models import Invoice

    threshold = settings_for(year).small_reimbursement_threshold
    live = Reimbursement.objects.filter(year=year).exclude(state__in=[DocState.REJECTED, DocState.WITHDRAWN])
    duplicates = (
        Invoice.objects.filter(
            reimbursement__in=Reimbursement.objects.exclude(state__in=[DocState.REJECTED, DocState.WITHDRAWN])
        )
        .values("code", "number")
        .annotate(n=Count("id"))
        .filter(n__gt=1, number__in=Invoice.objects.filter(reimbursement__in=live).values("number"))
        .count()
    )
    return {
        "threshold": threshold,
        "with_application": live.filter(application__isnull=False).count(),
        "without_application": live.filter(application__isnull=True).count(),
        "large_without_application": live.filter(application__isnull=True, amount__gt=threshold).count(),
        "invoices": Invoice.objects.filter(reimbursement__in=live).count(),
        "duplicate_invoices": duplicates,
    }


def quota_facts(year: int) -> dict:
    """The year's quotas: how many were issued, the approved (年初), adjusted and executed totals."""
    quotas = Quota.objects.filter(year=year)
    sums = quotas.aggregate(approved=Sum("approved"), adjusted=Sum("adjusted"), executed=Sum("executed"))
    issued = (
        LedgerEntry.objects.filter(quota__year=year, kind=EntryKind.ISSUE)
        .values("quota_id")
        .distinct()
        .count()
    )
    return {
        "quotas": quotas.count(),
        "issued": issued,
        "departments": quotas.values("department_id").distinct().count(),
        "approved": sums["approved"] or Decimal(0),
        "adjusted": sums["adjusted"] or Decimal(0),
        "executed": sums["executed"] or Decimal(0),
    }


def adjustment_facts(year: int) -> dict[str, int]:
    """The year's adjustments: approved ones, pending ones, approved by their own requester (should be 0),
    approved without the finance bureau's number where one is required (should be 0)."""
    from .models import Adjustment

    adjustments = Adjustment.objects.filter(year=year)
    approved = adjustments.filter(state=DocState.APPROVED)
    return {
        "total": adjustments.count(),
        "approved": approved.count(),
        "pending": adjustments.filter(state=DocState.PENDING).count(),
        "self_approved": approved.filter(approved_by=F("created_by")).count(),
        "missing_bureau": approved.filter(needs_bureau=True, bureau_doc_no="").count(),
    }
