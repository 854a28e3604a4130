"""Pages of the mid-year monitoring (双监控): the rounds, a round's reports, a report with the pre-filled
figures and the statements form (or its frozen snapshot), the steps, and the printable table (PDF, xlsx).
Thin: validate → selector → service → render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.core.errors import ApplicationError
from center.core.permissions import access
from center.core.rules import allowed
from center.core.views import apply_errors, attempt

from . import exports_monitoring as exports
from . import monitoring
from . import selectors_monitoring as selectors
from .enums import STATUS_COLOURS
from .forms import ReturnForm
from .forms_monitoring import RoundForm, RoundOpenForm, StatementForm
from .monitoring_enums import EDITABLE_REPORT_STATES, MONITORING, MONITORING_VERB_LABELS, REPORT_COLOURS
from .rules_monitoring import (
    MONITORING_DECIDERS,
    MONITORING_FILLERS,
    MONITORING_READERS,
    ROUND_MANAGERS,
    VERB_RULES,
)
from .services import monitoring as services
from .views import _download


def _open_form(data=None):
    return RoundOpenForm(data, years=selectors.years_without_round(), prefix="open")


@access(MONITORING_READERS)
def rounds(request):
    """Every year's monitoring round, with the reports the reader may see by state."""
    rows = []
    for rnd in selectors.rounds():
        reports = selectors.reports_for(request.user, request.access_scope, rnd)
        rows.append(
            {
                "round": rnd,
                "reports": len(reports),
                "submitted": sum(1 for r in reports if r.frozen),
                "overdue": rnd.due_on < timezone.localdate() and any(not r.frozen for r in reports),
            }
        )
    return _rounds_page(request, rows)


def _rounds_page(request, rows, form=None, status=200):
    return render(
        request,
        "performance/monitoring/rounds.html",
        {
            "rows": rows,
            "open_form": form or _open_form(),
            "may_manage": allowed("performance.monitoring_manage", request.user),
            "today": timezone.localdate(),
        },
        status=status,
    )


@require_POST
@access(ROUND_MANAGERS)
def round_open(request):
    form = _open_form(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        budget = selectors.budget_of_year(d["year"])
        if budget is None:
            raise Http404
        rnd = attempt(
            request,
            lambda: services.round_open(
                actor=request.user, budget_id=budget.pk, period_end=d["period_end"], due_on=d["due_on"]
            ),
            _("已开启绩效运行监控，各部门已收到通知。"),
        )
        if rnd:
            return redirect("performance:monitoring_round", pk=rnd.pk)
        return redirect("performance:monitoring")
    messages.error(request, _("请检查填写的内容。"))
    return redirect("performance:monitoring")


def _round_page(request, rnd, form=None, status=200):
    reports = selectors.reports_for(request.user, request.access_scope, rnd)
    return render(
        request,
        "performance/monitoring/round.html",
        {
            "rnd": rnd,
            "lines": selectors.round_lines(rnd, reports),
            "as_of": monitoring.as_of_of(rnd),
            "form": form or RoundForm(initial={"period_end": rnd.period_end, "due_on": rnd.due_on}),
            "may_manage": allowed("performance.monitoring_manage", request.user)
            and all(r.state in EDITABLE_REPORT_STATES for r in rnd.reports.all()),
            "colours": REPORT_COLOURS,
            "status_colours": STATUS_COLOURS,
        },
        status=status,
    )


@access(MONITORING_READERS)
def round_page(request, pk: int):
    return _round_page(request, selectors.round_get(pk))


@require_POST
@access(ROUND_MANAGERS)
def round_edit(request, pk: int):
    rnd = selectors.round_get(pk)
    form = RoundForm(request.POST)
    if form.is_valid():
        try:
            services.round_update(actor=request.user, round_id=rnd.pk, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("performance:monitoring_round", pk=rnd.pk)
    return _round_page(request, rnd, form, status=400)


def _statement_forms(view, data=None) -> list:
    """One prefixed form per row that needs a statement or has one (all posted together)."""
    out = []
    for row in [view.spending, *view.rows]:
        if not (row.needs_statement or row.statement):
            continue
        st = row.statement
        initial = (
            {"causes": st.causes, "likelihood": st.likelihood, "forecast": st.forecast, "action": st.action}
            if st
            else {}
        )
        out.append(
            (row, StatementForm(data, initial=initial, needed=row.needs_statement, prefix=f"s{row.key}"))
        )
    return out


def _report_page(request, report, *, forms=None, return_form=None, status=200):
    view = monitoring.report_view(report)
    may_fill = allowed("performance.monitoring_fill_now", request.user, report)
    actions = [
        (verb, MONITORING_VERB_LABELS[verb])
        for verb in MONITORING.allowed_verbs(report)
        if verb != "return" and VERB_RULES[verb](request.user, report)
    ]
    return render(
        request,
        "performance/monitoring/report.html",
        {
            "report": report,
            "rnd": report.round,
            "view": view,
            "forms": forms if forms is not None else (_statement_forms(view) if may_fill else []),
            "may_fill": may_fill,
            "actions": actions,
            "may_return": MONITORING.allows(report, "return") and VERB_RULES["return"](request.user, report),
            "return_form": return_form or ReturnForm(),
            "period_over": timezone.localdate() > report.round.period_end,
            "colours": REPORT_COLOURS,
        },
        status=status,
    )


@access(MONITORING_READERS)
def report(request, pk: int):
    return _report_page(request, selectors.report_get_for(request.user, request.access_scope, pk))


@require_POST
@access(MONITORING_FILLERS)
def report_statements(request, pk: int):
    rep = selectors.report_get_for(request.user, request.access_scope, pk)
    view = monitoring.report_view(rep)
    forms = _statement_forms(view, request.POST)
    if all(f.is_valid() for _row, f in forms):
        try:
            services.statements_save(
                actor=request.user, report_id=rep.pk, entries={row.key: f.entry() for row, f in forms}
            )
        except ApplicationError as exc:
            field = str(exc.extra.get("field", ""))
            key, _dash, name = field.partition("-")
            target = next((f for row, f in forms if row.key == key), None)
            if target is not None and name in target.fields:
                target.add_error(name, exc.message)
            else:
                messages.error(request, exc.message)
                return redirect("performance:monitoring_report", pk=rep.pk)
        else:
            messages.success(request, _("偏差说明已保存。"))
            return redirect("performance:monitoring_report", pk=rep.pk)
    return _report_page(request, rep, forms=forms, status=400)


@require_POST
@access(MONITORING_DECIDERS)
def report_action(request, pk: int, verb: str):
    rep = selectors.report_get_for(request.user, request.access_scope, pk)
    if verb == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            return _report_page(request, rep, return_form=form, status=400)
        attempt(
            request,
            lambda: services.report_return(
                actor=request.user, report_id=rep.pk, comment=form.cleaned_data["comment"]
            ),
            _("已退回部门修改。"),
        )
        return redirect("performance:monitoring_report", pk=rep.pk)
    actions = {
        "head_review": (services.report_head_review, _("已审核，已转财务审核。")),
        "finance_review": (services.report_finance_review, _("已审核，已转单位负责人审定。")),
        "submit": (services.report_submit, _("已报送，监控表已冻结。")),
    }
    if verb not in actions:
        raise Http404
    fn, ok = actions[verb]
    attempt(request, lambda: fn(actor=request.user, report_id=rep.pk), ok)
    return redirect("performance:monitoring_report", pk=rep.pk)


def _filename(rep, ext: str) -> str:
    return f"monitoring-{rep.round.year}-{rep.pk}.{ext}"


@access(MONITORING_READERS)
def report_pdf(request, pk: int):
    rep = selectors.report_get_for(request.user, request.access_scope, pk)
    return _download(exports.report_pdf(rep), _filename(rep, "pdf"), "application/pdf")


@access(MONITORING_READERS)
def report_xlsx(request, pk: int):
    rep = selectors.report_get_for(request.user, request.access_scope, pk)
    return _download(
        exports.report_xlsx(rep),
        _filename(rep, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
