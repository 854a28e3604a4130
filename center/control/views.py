from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.accounts.enums import Role
from center.accounts.models import User
from center.core.enums import Scope
from center.core.errors import ApplicationError, NotFoundError
from center.core.idempotency import once_per_item
from center.core.paging import IdPaginator
from center.core.permissions import access
from center.core.rules import require
from center.core.views import apply_errors
from center.core.workbench import TODO, work_for

from . import approvals, revisions, rules, selectors, services
from .enums import ApplicationType, ControlLevel, DocState, TaskState
from .forms import (
    ApplicationForm,
    ApprovalActionForm,
    PaymentForm,
    ReimbursementForm,
    invoice_formset,
)
from .models import Advance, Application, Reimbursement

# The policies live in rules.py; imported here under their old names for the areas that still read them here.
from .rules import ADJUSTERS, APPLICANTS, CASHIERS, CONTROL_USERS, MONITOR_READERS  # noqa: F401

LIST_PAGE = 50  # rows a page on the document lists


def _year(request) -> int:
    """?year=, else the latest year that has quotas, else this calendar year."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    from .models import Quota

    latest = Quota.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


@access(MONITOR_READERS)
def dashboard(request):
    year = _year(request)
    cfg = selectors.settings_for(year)
    data = selectors.execution_dashboard(
        request.user, request.access_scope, year, float(cfg.progress_margin_pct)
    )
    peak = max([v for _m, v in data["trend"]] + [Decimal(1)])
    data["trend_bars"] = [
        {
            "month": m,
            "value": v,
            "x": (m - 1) * 21 + 4,
            "cx": (m - 1) * 21 + 11.5,
            "h": round(float(v / peak) * 95, 1),
            "y": round(100 - float(v / peak) * 95, 1),
        }
        for m, v in data["trend"]
    ]
    return render(request, "control/dashboard.html", data)


@access(CONTROL_USERS)
def quota_list(request):
    year = _year(request)
    quotas = selectors.quotas_for(
        request.user,
        request.access_scope,
        year=year,
        kind=request.GET.get("kind", ""),
        near_limit=request.GET.get("near") == "1",
    )
    return render(request, "control/quota_list.html", {"quotas": quotas, "year": year})


@access(CONTROL_USERS)
def quota_detail(request, pk: int):
    quota = selectors.quota_get_for(request.user, request.access_scope, pk)
    return render(
        request,
        "control/quota_detail.html",
        {
            "quota": quota,
            "entries": Paginator(selectors.ledger_for(quota, limit=None), LIST_PAGE).get_page(
                request.GET.get("page")
            ),
            "can_set_level": request.user.has_role(Role.FINANCE),
            "levels": ControlLevel.choices,
        },
    )


@access(CONTROL_USERS)
def application_list(request):
    """Both lists paginated (50 rows a page each: "page" for the applications, "rpage" for the claims)."""
    mine = request.GET.get("mine") == "1"
    state = request.GET.get("state", "")
    docs = selectors.documents_for(request.user, Application, request.access_scope, state=state, mine=mine)
    reims = selectors.documents_for(request.user, Reimbursement, request.access_scope, mine=mine)
    applications = IdPaginator(docs, LIST_PAGE).get_page(request.GET.get("page"))
    reimbursements = IdPaginator(reims, LIST_PAGE).get_page(request.GET.get("rpage"))
    return render(
        request,
        "control/application_list.html",
        {
            "applications": applications,
            "reimbursements": reimbursements,
            "states": DocState.choices,
            "query": _query_without(request, "page"),
            "rquery": _query_without(request, "rpage"),
        },
    )


def _query_without(request, name: str) -> str:
    params = request.GET.copy()
    params.pop(name, None)
    return params.urlencode()


@access(CONTROL_USERS)
def approvals_inbox(request):
    """待我审批: my documents' tasks (with bulk approval of the simple ones) and the other areas' approvals
    (events), read from the workbench registry."""
    years = {}  # the year settings, read once a year rather than once a row
    rows = [
        (
            task,
            doc,
            services.bulk_refusal(
                doc, task, years.get(doc.year) or years.setdefault(doc.year, selectors.settings_for(doc.year))
            ),
            approvals.doc_link(doc),
        )
        for task, doc in selectors.pending_tasks_for(request.user)
    ]
    others = [w for w in work_for(request.user, TODO) if w.approval and w.area != "control"]
    return render(
        request,
        "control/approvals.html",
        {"rows": rows, "others": others, "bulk_possible": any(r[2] is None for r in rows)},
    )


@once_per_item
@require_POST
@access(CONTROL_USERS)
def approvals_bulk(request):
    """批量审批: each selected document approved with the one opinion, as its own unit of work."""
    ids = [int(v) for v in request.POST.getlist("task") if v.isdigit()][:100]
    if not ids:
        messages.error(request, _("请至少选择一件单据。"))
        return redirect("control:approvals")
    results = services.approvals_bulk_approve(
        actor=request.user,
        task_ids=ids,
        comment=request.POST.get("comment", ""),
        once_key=request.POST.get("idempotency_key", ""),
    )
    done = [r.number for r in results if r.ok]
    if done:
        messages.success(
            request, _("已批准 %(n)d 件：%(list)s") % {"n": len(done), "list": _("、").join(done)}
        )
    for r in results:
        if not r.ok:
            messages.error(request, _("%(no)s 未批准：%(why)s") % {"no": r.number, "why": r.message})
    return redirect("control:approvals")


_CHASE_MODELS = {"application": Application, "reimbursement": Reimbursement, "advance": Advance}


@require_POST
@access(CONTROL_USERS)
def document_chase(request, kind: str, pk: int):
    """催办 the current step of a document in approval (the applicant or the department head)."""
    model = _CHASE_MODELS.get(kind)
    if model is None:
        raise NotFoundError(_("单据不存在。"))
    doc = selectors.document_get_for(request.user, model, request.access_scope, pk)
    try:
        holders = services.document_chase(actor=request.user, kind=kind, document_id=doc.pk)
    except ApplicationError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(
            request, _("已催办：%(names)s。") % {"names": _("、").join(u.full_name for u in holders)}
        )
    return redirect(approvals.doc_link(doc))


def _quota_types(year: int, quotas) -> dict[int, list[str]]:
    """quota id → the application types it may fund (the form shows only those for the chosen type)."""
    out: dict[int, list[str]] = {q.pk: [] for q in quotas}
    for app_type in ApplicationType.values:
        for q in services.compatible_quotas(year, app_type, quotas):
            out[q.pk].append(app_type)
    return out


def _keep_uploads(request, names, purpose: str = "general"):
    """Store the files chosen on a posted form at once (each its own part of the request's unit), so a form
    refused afterwards keeps them: returns the form data with `<name>_kept` (or a formset row's `kept`) naming
    each stored file, the kept files by name, and the refusals of unacceptable files by name."""
    from center.core.files import attachment_create
    from center.core.models import Attachment

    data = request.POST.copy()
    errors = {}
    for name in names:
        upload = request.FILES.get(name)
        kept_key = name[: -len("file")] + "kept" if name.endswith("-file") else f"{name}_kept"
        if upload is not None:
            try:
                att = attachment_create(
                    actor=request.user, name=upload.name, data=upload.read(), purpose=purpose
                )
                data[kept_key] = str(att.pk)
            except ApplicationError as exc:
                errors[name] = exc.message
                data.pop(kept_key, None)
    ids = {
        name: data.get(name[: -len("file")] + "kept" if name.endswith("-file") else f"{name}_kept", "")
        for name in names
    }
    owned = Attachment.objects.filter(
        owner=request.user, pk__in=[int(v) for v in ids.values() if str(v).isdigit()]
    ).in_bulk()
    kept = {name: owned.get(int(v)) for name, v in ids.items() if str(v).isdigit() and int(v) in owned}
    return data, kept, errors


def _application_form_context(form, kept, **extra):
    return {"form": form, "kept": kept, **extra}


@access(APPLICANTS)
def application_new(request):
    user = request.user
    year = _year(request)
    quotas = [q for q in selectors.quotas_for(user, Scope.OWN, year=year) if q.available > 0]
    data, kept, upload_errors = (
        _keep_uploads(request, ("letter", "minutes")) if request.method == "POST" else (None, {}, {})
    )
    initial = (
        {"app_type": request.GET.get("type")} if request.GET.get("type") in ApplicationType.values else {}
    )
    form = ApplicationForm(data, quotas=quotas, quota_types=_quota_types(year, quotas), initial=initial)
    if request.method == "POST" and form.is_valid() and not upload_errors:
        d = form.cleaned_data

        def submit():
            app = services.application_submit(
                actor=user,
                app_type=d["app_type"],
                title=d["title"],
                year=year,
                lines=[(d["quota"], d["amount"])],
                details=form.details(),
                justification=d.get("justification", ""),
                letter_id=kept["letter"].pk
                if kept.get("letter") and "letter" in form.fields_of(d["app_type"])
                else None,
                minutes_id=kept["minutes"].pk if kept.get("minutes") else None,
            )
            messages.success(request, _("事前申请 %(no)s 已提交，金额已冻结。") % {"no": app.number})
            return reverse("control:application_detail", args=[app.pk])

        try:
            return redirect(submit())
        except ApplicationError as exc:
            apply_errors(form, exc)
    for name, message in upload_errors.items():
        form.add_error(name, message)
    return render(request, "control/application_form.html", _application_form_context(form, kept, year=year))


@access(APPLICANTS)
def application_revise(request, pk: int):
    """The applicant corrects a returned application and resubmits it (a new approval round)."""
    app = selectors.document_get_for(request.user, Application, Scope.OWN, pk)
    require(rules.is_applicant, request.user, app)  # its approvers see it, but only its applicant edits it
    if not rules.may_resubmit(request.user, app):
        messages.error(request, str(rules.may_resubmit.message))
        return redirect(approvals.doc_link(app))
    lines = list(app.lines.select_related("quota__economic", "quota__department"))
    own = selectors.quotas_for(request.user, Scope.OWN, year=app.year)
    quotas = list({q.pk: q for q in [*own, *(ln.quota for ln in lines)]}.values())
    data, kept, upload_errors = (
        _keep_uploads(request, ("letter", "minutes")) if request.method == "POST" else (None, {}, {})
    )
    initial = {
        "app_type": app.app_type,
        "title": app.title,
        "justification": app.justification,
        **app.details,
    }
    if len(lines) == 1:
        initial.update(quota=lines[0].quota_id, amount=lines[0].amount)
    form = ApplicationForm(
        data,
        quotas=quotas,
        quota_types=_quota_types(app.year, quotas),
        fixed_type=app.app_type,
        initial=initial,
    )
    if len(lines) != 1:  # several quota lines (from the API): the amounts are kept as they are
        del form.fields["quota"], form.fields["amount"]
    if request.method == "POST" and form.is_valid() and not upload_errors:
        d = form.cleaned_data
        letter = kept.get("letter") if "letter" in form.fields_of(app.app_type) else None

        def resubmit():
            services.application_resubmit(
                actor=request.user,
                application_id=app.pk,
                title=d["title"],
                lines=[(d["quota"], d["amount"])] if "quota" in form.fields else None,
                details=form.details(),
                justification=d.get("justification", ""),
                letter_id=letter.pk if letter else None,
                remove_letter=bool(request.POST.get("remove_letter")),
                minutes_id=kept["minutes"].pk if kept.get("minutes") else None,
                remove_minutes=bool(request.POST.get("remove_minutes")),
            )
            messages.success(request, _("已修改并重新提交，进入新一轮审批。"))
            return approvals.doc_link(app)

        try:
            return redirect(resubmit())
        except ApplicationError as exc:
            apply_errors(form, exc)
    for name, message in upload_errors.items():
        form.add_error(name, message)
    return render(
        request,
        "control/application_form.html",
        _application_form_context(form, kept, year=app.year, doc=app, returned=_return_reason(app)),
    )


def _return_reason(doc):
    """The task that returned the document to its applicant (its comment is the approver's opinion)."""
    return approvals.chain_tasks(doc).filter(state=TaskState.RETURNED).order_by("-acted_at").first()


def _file(upload) -> tuple[str, bytes] | None:
    """An uploaded file as a service takes it: (name, content)."""
    return None if upload is None else (upload.name, upload.read())


def _detail_context(request, doc, kind: str):
    task = approvals.task_for_actor(doc, request.user) if doc.state == DocState.PENDING else None
    chain = list(approvals.chain_tasks(doc))
    return {
        "doc": doc,
        "kind": kind,
        "lines": list(doc.lines.select_related("quota__economic", "quota__department")),
        "chain": chain,
        "task": task,
        "action_form": ApprovalActionForm(),
        "earlier_steps": sorted(
            {
                t.step_order: t.step_name
                for t in chain
                if task and t.round == task.round and t.step_order < task.step_order
            }.items()
        ),
        "colleagues": User.objects.filter(kind="staff", is_active=True)
        .exclude(pk=doc.applicant_id)
        .order_by("department__sort", "full_name"),
        "is_applicant": rules.is_applicant(request.user, doc),
        "revisions": revisions.for_document(doc),
        "can_revise": kind != "advance" and rules.may_resubmit(request.user, doc),
        # the buttons: shown from the same rules the services require (center/control/rules.py)
        "can_withdraw": rules.may_withdraw(request.user, doc),
        # documents that are paid out (claims, advances): the payment, and the cashier's form
        "payment": getattr(doc, "payment", None),
        "can_pay": rules.may_pay(request.user, doc),
        "payment_form": PaymentForm(),
        "urls": {
            name: reverse(f"control:{kind}_{name}", args=[doc.pk])
            for name in ("act", "withdraw") + (("pay",) if kind != "application" else ())
        },
        **_flow_context(request, doc, chain),
    }


def _flow_context(request, doc, chain) -> dict:
    """The flow diagram of the chain, and whether the user may chase (催办) its current step now."""
    party = rules.may_chase(request.user, doc)
    ok, why = services.chase_state(doc, services.pending_step(doc)) if party else (False, "")
    return {
        "flow": approvals.flow_rounds(doc, chain),
        "chase_allowed_party": party,
        "chase_ok": ok,
        "chase_why": why,
    }


@access(CONTROL_USERS)
def application_detail(request, pk: int):
    app = selectors.document_get_for(request.user, Application, request.access_scope, pk)
    ctx = _detail_context(request, app, "application")
    labels = revisions.DETAIL_LABELS
    ctx["details"] = [(labels[k], v) for k, v in app.details.items() if k in labels]
    ctx["reimbursements"] = app.reimbursements.all()
    ctx["can_cancel"] = rules.may_cancel(request.user, app)
    ctx["can_reimburse"] = rules.may_reimburse(request.user, app)
    ctx["can_advance"] = rules.may_advance(request.user, app)
    ctx["can_resubmit"] = rules.may_resubmit(request.user, app)
    ctx["can_attach_minutes"] = rules.may_attach_minutes(request.user, app)
    return render(request, "control/document_detail.html", ctx)


def _act(request, model, pk, service, key):
    doc = selectors.document_get_for(request.user, model, request.access_scope, pk)
    form = ApprovalActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审批操作。"))
        return redirect(request.path.rsplit("/act/", 1)[0] + "/")
    data = form.cleaned_data
    # Someone without a task still goes to the service, which refuses and audits the attempt (rule 5).
    task = approvals.task_for_actor(doc, request.user) or approvals.pending_task(doc)
    if task is None:
        messages.error(request, _("该单据不在您的待审批范围内。"))
        return redirect(approvals.doc_link(doc))
    target = User.objects.filter(pk=data["user"]).first() if data.get("user") else None

    def act():
        service(
            actor=request.user,
            task_id=task.pk,
            action=data["action"],
            comment=data["comment"],
            target_user=target,
            to_step=data.get("to_step"),
            **{key: doc.pk},
        )
        messages.success(request, _("已处理。"))
        return approvals.doc_link(doc)

    try:
        return redirect(act())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(approvals.doc_link(doc))


@require_POST
@access(CONTROL_USERS)
def application_act(request, pk: int):
    return _act(request, Application, pk, services.application_act, "application_id")


@require_POST
@access(CONTROL_USERS)
def application_withdraw(request, pk: int):
    return _on_document(
        request,
        Application,
        pk,
        lambda doc: services.application_withdraw(actor=request.user, application_id=doc.pk),
        _("已撤回，冻结金额已释放。"),
    )


@require_POST
@access(CONTROL_USERS)
def application_cancel(request, pk: int):
    reason = request.POST.get("reason", "")
    return _on_document(
        request,
        Application,
        pk,
        lambda doc: services.application_cancel(actor=request.user, application_id=doc.pk, reason=reason),
        _("申请已作废，冻结金额已释放。"),
    )


def _on_document(request, model, pk, call, success: str):
    """A one-click action on a document the user may see: run it, say how it went, back to the document."""
    doc = selectors.document_get_for(request.user, model, request.access_scope, pk)
    try:
        call(doc)
        messages.success(request, success)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(approvals.doc_link(doc))


@require_POST
@access(CONTROL_USERS)
def application_resubmit(request, pk: int):
    app = selectors.document_get_for(request.user, Application, request.access_scope, pk)
    try:
        minutes = _file(request.FILES.get("minutes"))
        if app.state == DocState.RETURNED:
            services.application_resubmit(actor=request.user, application_id=app.pk, minutes_file=minutes)
            messages.success(request, _("已重新提交。"))
        elif minutes:
            services.application_attach_minutes(
                actor=request.user, application_id=app.pk, minutes_file=minutes
            )
            messages.success(request, _("会议纪要已上传。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(approvals.doc_link(app))


def _invoice_rows(formset, kept) -> list[dict]:
    """The filled invoice rows of a valid formset as the service takes them (their files already stored)."""
    rows = []
    for i, f in enumerate(formset.forms):
        d = getattr(f, "cleaned_data", None)
        if not d:
            continue
        att = kept.get(f"{formset.prefix}-{i}-file")
        rows.append(
            {
                "code": d["code"],
                "number": d["number"],
                "amount": d["amount"],
                "issued_on": d["issued_on"],
                "seller": d.get("seller", ""),
                "attachment_id": att.pk if att else None,
            }
        )
    return rows


def _invoice_files(request) -> list[str]:
    total = request.POST.get("invoices-TOTAL_FORMS", "0")
    n = min(int(total), 30) if total.isdigit() else 0
    return [f"invoices-{i}-file" for i in range(n)]


def _claim_forms(request, quotas, initial, extra=2):
    """The claim form and its invoice rows; on a POST the chosen files are stored first (kept on refusal)."""
    data, kept, upload_errors = (
        _keep_uploads(request, _invoice_files(request), purpose="invoice")
        if request.method == "POST"
        else (None, {}, {})
    )
    form = ReimbursementForm(data, quotas=quotas, initial=initial)
    formset = invoice_formset(extra)(data, prefix="invoices")
    valid = request.method == "POST" and form.is_valid() and formset.is_valid() and not upload_errors
    for name, message in upload_errors.items():
        i = int(name.split("-")[1])
        if i < len(formset.forms):
            formset.forms[i].add_error("file", message)
    for i, f in enumerate(formset.forms):
        f.kept_file = kept.get(f"invoices-{i}-file")
    return form, formset, kept, valid


@access(APPLICANTS)
def reimbursement_new(request):
    user = request.user
    app = None
    raw = request.GET.get("application") or request.POST.get("application")
    if raw:
        app = selectors.document_get_for(user, Application, Scope.OWN, int(raw) if str(raw).isdigit() else 0)
        quotas = [ln.quota for ln in app.lines.select_related("quota__department", "quota__economic")]
    else:  # a small claim without an application: the quotas the type "other" may use
        year = _year(request)
        own = [q for q in selectors.quotas_for(user, Scope.OWN, year=year) if q.available > 0]
        quotas = services.compatible_quotas(year, ApplicationType.OTHER, own)
    initial = {"title": app.title, "quota": quotas[0].pk} if app and quotas else {}
    form, formset, kept, valid = _claim_forms(request, quotas, initial)
    if valid:
        d = form.cleaned_data

        def submit():
            r = services.reimbursement_submit(
                actor=user,
                title=d["title"],
                application_id=app.pk if app else None,
                year=app.year if app else _year(request),
                lines=[(d["quota"], d["amount"])],
                invoices=_invoice_rows(formset, kept),
            )
            messages.success(request, _("报销单 %(no)s 已提交。") % {"no": r.number})
            return reverse("control:reimbursement_detail", args=[r.pk])

        try:
            return redirect(submit())
        except ApplicationError as exc:
            apply_errors(form, exc)  # a refusal on the invoices shows above the form
    return render(
        request,
        "control/reimbursement_form.html",
        {"form": form, "formset": formset, "application": app},
    )


@access(APPLICANTS)
def reimbursement_revise(request, pk: int):
    """The applicant corrects a returned claim (amount, invoices) and resubmits it (a new approval round)."""
    r = selectors.document_get_for(request.user, Reimbursement, Scope.OWN, pk)
    require(rules.is_applicant, request.user, r)
    if not rules.may_resubmit(request.user, r):
        messages.error(request, str(rules.may_resubmit.message))
        return redirect(approvals.doc_link(r))
    lines = list(r.lines.select_related("quota__economic", "quota__department"))
    if r.application_id:
        quotas = [
            ln.quota for ln in r.application.lines.select_related("quota__department", "quota__economic")
        ]
    else:
        quotas = list(
            {
                q.pk: q
                for q in [
                    *selectors.quotas_for(request.user, Scope.OWN, year=r.year),
                    *(ln.quota for ln in lines),
                ]
            }.values()
        )
    initial = {"title": r.title}
    if len(lines) == 1:
        initial.update(quota=lines[0].quota_id, amount=lines[0].amount)
    form, formset, kept, valid = _claim_forms(request, quotas, initial, extra=1)
    if len(lines) != 1:
        del form.fields["quota"], form.fields["amount"]
    invoices = list(r.invoices.select_related("attachment"))
    keep = (
        {int(v) for v in request.POST.getlist("keep_invoice") if v.isdigit()}
        if request.method == "POST"
        else {i.pk for i in invoices}
    )
    if valid:
        d = form.cleaned_data

        def resubmit():
            services.reimbursement_resubmit(
                actor=request.user,
                reimbursement_id=r.pk,
                title=d["title"],
                lines=[(d["quota"], d["amount"])] if "quota" in form.fields else None,
                keep_invoice_ids=keep,
                invoices=_invoice_rows(formset, kept),
            )
            messages.success(request, _("已修改并重新提交，进入新一轮审批。"))
            return approvals.doc_link(r)

        try:
            return redirect(resubmit())
        except ApplicationError as exc:
            apply_errors(form, exc)  # a refusal on the invoices shows above the form
    return render(
        request,
        "control/reimbursement_form.html",
        {
            "form": form,
            "formset": formset,
            "application": r.application,
            "doc": r,
            "invoices": invoices,
            "keep": keep,
            "returned": _return_reason(r),
        },
    )


@access(CONTROL_USERS)
def reimbursement_detail(request, pk: int):
    r = selectors.document_get_for(request.user, Reimbursement, request.access_scope, pk)
    ctx = _detail_context(request, r, "reimbursement")
    ctx["invoices"] = list(r.invoices.all())
    return render(request, "control/document_detail.html", ctx)


@require_POST
@access(APPLICANTS)
def advance_new(request, pk: int):
    app = selectors.document_get_for(request.user, Application, Scope.OWN, pk)

    def submit():
        adv = services.advance_submit(
            actor=request.user, application_id=app.pk, amount=request.POST.get("amount", "")
        )
        messages.success(request, _("借款单 %(no)s 已提交。") % {"no": adv.number})
        return reverse("control:advance_detail", args=[adv.pk])

    try:
        return redirect(submit())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(approvals.doc_link(app))


@access(CONTROL_USERS)
def advance_detail(request, pk: int):
    adv = selectors.document_get_for(request.user, Advance, request.access_scope, pk)
    return render(request, "control/document_detail.html", _detail_context(request, adv, "advance"))


@require_POST
@access(CONTROL_USERS)
def advance_act(request, pk: int):
    return _act(request, Advance, pk, services.advance_act, "advance_id")


@require_POST
@access(CONTROL_USERS)
def advance_withdraw(request, pk: int):
    return _on_document(
        request,
        Advance,
        pk,
        lambda doc: services.advance_withdraw(actor=request.user, advance_id=doc.pk),
        _("已撤回。"),
    )


@require_POST
@access(CASHIERS)
def advance_pay(request, pk: int):
    return _pay(
        request,
        Advance,
        pk,
        lambda doc, data: services.advance_pay(actor=request.user, advance_id=doc.pk, **data),
    )


@require_POST
@access(CONTROL_USERS)
def reimbursement_act(request, pk: int):
    return _act(request, Reimbursement, pk, services.reimbursement_act, "reimbursement_id")


@require_POST
@access(CONTROL_USERS)
def reimbursement_withdraw(request, pk: int):
    return _on_document(
        request,
        Reimbursement,
        pk,
        lambda doc: services.reimbursement_withdraw(actor=request.user, reimbursement_id=doc.pk),
        _("已撤回。"),
    )


@require_POST
@access(CASHIERS)
def reimbursement_pay(request, pk: int):
    return _pay(
        request,
        Reimbursement,
        pk,
        lambda doc, data: services.payment_record(actor=request.user, reimbursement_id=doc.pk, **data),
    )


def _pay(request, model, pk, pay_fn):
    doc = selectors.document_get_for(request.user, model, request.access_scope, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择支付方式。"))
        return redirect(approvals.doc_link(doc))

    def pay():
        pay_fn(doc, {"method": form.cleaned_data["method"], "reference": form.cleaned_data["reference"]})
        messages.success(request, _("已登记支付。"))
        return approvals.doc_link(doc)

    try:
        return redirect(pay())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(approvals.doc_link(doc))


def _doc_model(kind: str):
    from django.http import Http404

    models = {"application": Application, "reimbursement": Reimbursement, "advance": Advance}
    if kind not in models:
        raise Http404
    return models[kind]


@access(CONTROL_USERS)
def document_pdf(request, kind: str, pk: int):
    from django.http import HttpResponse

    from .printing import document_pdf as build

    doc = selectors.document_get_for(request.user, _doc_model(kind), request.access_scope, pk)
    response = HttpResponse(
        build(kind, doc, request.build_absolute_uri("/").rstrip("/")), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{doc.number}.pdf"'
    return response


@access(CONTROL_USERS)
def verify(request, kind: str, pk: int, token: str):
    """Opened from the QR code on a printed form: is this form genuine, and what is the record's state now?"""
    import hmac

    from .printing import verification_token

    doc = _doc_model(kind).objects.select_related("applicant", "department").filter(pk=pk).first()
    genuine = doc is not None and any(
        hmac.compare_digest(token, verification_token(kind, _with_state(doc, s))) for s in DocState.values
    )
    printed_state = next(
        (
            s
            for s in DocState.values
            if doc and hmac.compare_digest(token, verification_token(kind, _with_state(doc, s)))
        ),
        None,
    )
    context = {
        "doc": doc if genuine else None,
        "kind": kind,
        "genuine": genuine,
        "printed_state": DocState(printed_state).label if printed_state else "",
    }
    if genuine:
        context["chain"] = list(approvals.chain_tasks(doc))
    return render(request, "control/verify.html", context, status=200 if genuine else 404)


def _with_state(doc, state):
    """The document as it was when printed in `state` (the token binds number, amount and state)."""
    from copy import copy

    snapshot = copy(doc)
    snapshot.state = state
    return snapshot


@access(ADJUSTERS)
def adjustment_list(request):
    """调剂: finance requests, the director approves (with the finance bureau's number when required)."""
    from .forms import AdjustmentForm
    from .models import Adjustment

    year = _year(request)
    quotas = selectors.quotas_for(request.user, Scope.UNIT, year=year)
    form = AdjustmentForm(request.POST or None, quotas=quotas)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def create():
            adj = services.adjustment_create(
                actor=request.user,
                from_quota_id=d["from_quota"],
                to_quota_id=d["to_quota"],
                amount=d["amount"],
                reason=d["reason"],
                doc_no=d["doc_no"],
            )
            messages.success(request, _("调剂单 %(no)s 已提交，待单位负责人审批。") % {"no": adj.doc_no})
            return reverse("control:adjustment_list") + f"?year={year}"

        try:
            return redirect(create())
        except ApplicationError as exc:
            apply_errors(form, exc)
    adjustments = Adjustment.objects.filter(year=year).select_related(
        "from_quota", "to_quota", "created_by", "approved_by"
    )
    return render(
        request,
        "control/adjustments.html",
        {
            "form": form,
            "adjustments": adjustments,
            "year": year,
            "can_request": request.user.has_role(Role.FINANCE),
        },
    )


@require_POST
@access(ADJUSTERS)
def adjustment_approve(request, pk: int):
    try:
        adj = services.adjustment_approve(
            actor=request.user, adjustment_id=pk, bureau_doc_no=request.POST.get("bureau_doc_no", "")
        )
        messages.success(request, _("调剂单 %(no)s 已批准，指标已调整。") % {"no": adj.doc_no})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("control:adjustment_list")
