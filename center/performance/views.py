"""Pages of the performance area: live progress (unit and projects), an indicator's source, values and
records, the scoring rules, the self-evaluations and their exports. Thin: validate → selector → service."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.core.errors import ApplicationError
from center.core.forms import int_or
from center.core.permissions import access
from center.core.rules import allowed
from center.core.views import apply_errors, attempt

from . import exports, progress, selectors, services
from .enums import (
    EVALUATION_VERB_LABELS,
    MANUAL_SOURCES,
    RECORD_SOURCES,
    SOURCE_DEFINITIONS,
    STATUS_COLOURS,
    Category,
    SourceKind,
    Status,
)
from .forms import (
    AcceptForm,
    BindingForm,
    LineForm,
    RecordForm,
    ReturnForm,
    RuleForm,
    TextsForm,
    ValueForm,
    file_pairs,
)
from .rules import EVALUATION_ACTORS, PERFORMANCE_READERS, PERFORMANCE_WRITERS, RULE_EDITORS
from .scoring import DEFAULTS, GRADE_LABELS


def _year(request) -> int | None:
    y = int_or(request.GET.get("year"), 0)
    return y if y in selectors.budget_years() else selectors.default_year()


def _section(title, rows, execution=None, project=None) -> dict:
    return {
        "title": title,
        "project": project,
        "rows": rows,
        "counts": progress.summarise(rows),
        "execution": execution,
    }


def _status_legend():
    return [(s, s.label, STATUS_COLOURS[s]) for s in Status]


@access(PERFORMANCE_READERS)
def home(request):
    """The unit's live progress: every indicator of the year's 表11, by project, with traffic lights."""
    year = _year(request)
    budget = selectors.budget_for_year(year)
    sections, counts, unit_exec = [], {}, None
    if budget is not None:
        rows = progress.unit_progress(budget)
        counts = progress.summarise(rows)
        unit_exec = progress.execution_figures(budget)
        for p in selectors.projects_of(budget):
            mine = [r for r in rows if r.indicator.project_id == p.pk]
            if mine:
                sections.append(_section(p.display_name(), mine, progress.execution_figures(budget, p), p))
        unit_rows = [r for r in rows if r.indicator.project_id is None]
        if unit_rows:
            sections.append(_section(_("单位整体指标"), unit_rows, unit_exec))
    return render(
        request,
        "performance/home.html",
        {
            "year": year,
            "years": selectors.budget_years(),
            "budget": budget,
            "sections": sections,
            "counts": counts,
            "unit_exec": unit_exec,
            "as_of": timezone.localdate(),
            "rule": progress.STATUS_RULE,
            "legend": _status_legend(),
            "colours": STATUS_COLOURS,
            "may_bind": allowed("performance.bind", request.user),
        },
    )


@access(PERFORMANCE_READERS)
def project(request, pk: int):
    p = selectors.project_get(pk)
    rows = progress.project_progress(p)
    evaluation = selectors.evaluations_of(p.budget).get(p.pk)
    return render(
        request,
        "performance/project.html",
        {
            "project": p,
            "budget": p.budget,
            "year": p.budget.fiscal_year.year,
            "section": _section(p.display_name(), rows, progress.execution_figures(p.budget, p), p),
            "evaluation": evaluation,
            "rule": progress.STATUS_RULE,
            "legend": _status_legend(),
            "colours": STATUS_COLOURS,
            "as_of": timezone.localdate(),
        },
    )


def _event_type_choices():
    from center.events.faces import event_type_labels

    return event_type_labels()


def _binding_form(indicator, binding, data=None):
    initial = {}
    if binding is not None:
        initial = {
            "source": binding.source,
            "event_types": binding.event_types,
            "base": binding.base_id,
            "deadline": binding.deadline,
            "note": binding.note,
        }
    return BindingForm(
        data,
        initial=initial,
        event_types=_event_type_choices(),
        bases=selectors.bases_for(indicator),
        prefix="b",
    )


def _default_day(indicator):
    """Today, or the budget year's last day for a closed year."""
    from datetime import date

    return min(timezone.localdate(), date(indicator.budget.fiscal_year.year, 12, 31))


def _indicator_page(request, indicator, *, binding_form=None, value_form=None, record_form=None, status=200):
    binding = selectors.binding_of(indicator)
    rows = (
        progress.project_progress(indicator.project)
        if indicator.project_id
        else progress.unit_progress(indicator.budget)
    )
    row = next((r for r in rows if r.indicator.pk == indicator.pk), None)
    source = binding.source if binding else ""
    return render(
        request,
        "performance/indicator.html",
        {
            "indicator": indicator,
            "binding": binding,
            "row": row,
            "year": indicator.budget.fiscal_year.year,
            "colours": STATUS_COLOURS,
            "binding_form": binding_form or _binding_form(indicator, binding),
            "value_form": value_form
            or (
                ValueForm(
                    rated=source == SourceKind.RATING, prefix="v", initial={"as_of": _default_day(indicator)}
                )
                if source in MANUAL_SOURCES
                else None
            ),
            "record_form": record_form or (RecordForm(prefix="r") if source in RECORD_SOURCES else None),
            "accept_form": AcceptForm(prefix="a", initial={"accepted_on": _default_day(indicator)}),
            "values": selectors.values_of(binding),
            "records": selectors.records_of(binding),
            "may_bind": allowed("performance.bind", request.user, indicator),
            "may_enter": allowed("performance.enter", request.user, indicator),
            "sources": [(k, v) for k, v in SourceKind.choices],
            "definitions": {k: str(v) for k, v in SOURCE_DEFINITIONS.items()},
        },
        status=status,
    )


@access(PERFORMANCE_READERS)
def indicator(request, pk: int):
    return _indicator_page(request, selectors.indicator_get(pk))


@require_POST
@access(PERFORMANCE_WRITERS)
def indicator_bind(request, pk: int):
    ind = selectors.indicator_get(pk)
    form = _binding_form(ind, selectors.binding_of(ind), request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.binding_set(
                actor=request.user,
                indicator_id=ind.pk,
                source=d["source"],
                event_types=d["event_types"],
                base_id=d["base"],
                deadline=d["deadline"],
                note=d["note"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("数据来源已保存。"))
            return redirect("performance:indicator", pk=ind.pk)
    return _indicator_page(request, ind, binding_form=form, status=400)


@require_POST
@access(PERFORMANCE_WRITERS)
def indicator_value(request, pk: int):
    ind = selectors.indicator_get(pk)
    binding = selectors.binding_of(ind)
    if binding is None:
        raise Http404
    form = ValueForm(request.POST, request.FILES, rated=binding.source == SourceKind.RATING, prefix="v")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.value_add(
                actor=request.user,
                binding_id=binding.pk,
                value=d.get("value"),
                rating=d.get("rating", ""),
                as_of=d["as_of"],
                note=d["note"],
                files=file_pairs(d["files"]),
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已填报。"))
            return redirect("performance:indicator", pk=ind.pk)
    return _indicator_page(request, ind, value_form=form, status=400)


@require_POST
@access(PERFORMANCE_WRITERS)
def indicator_record(request, pk: int):
    ind = selectors.indicator_get(pk)
    binding = selectors.binding_of(ind)
    if binding is None:
        raise Http404
    form = RecordForm(request.POST, prefix="r")
    if form.is_valid():
        try:
            services.record_add(actor=request.user, binding_id=binding.pk, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记，待验收。"))
            return redirect("performance:indicator", pk=ind.pk)
    return _indicator_page(request, ind, record_form=form, status=400)


@require_POST
@access(PERFORMANCE_WRITERS)
def record_accept(request, pk: int):
    from .models import Record

    rec = Record.objects.select_related("binding").filter(pk=pk).first()
    if rec is None:
        raise Http404
    form = AcceptForm(request.POST, request.FILES, prefix="a")
    if form.is_valid():
        d = form.cleaned_data
        attempt(
            request,
            lambda: services.record_accept(
                actor=request.user,
                record_id=rec.pk,
                accepted_on=d["accepted_on"],
                note=d["note"],
                files=file_pairs(d["files"]),
            ),
            _("已验收。"),
        )
    else:
        messages.error(request, _("请填写验收日期、验收意见并上传证明材料。"))
    return redirect("performance:indicator", pk=rec.binding.indicator_id)


@require_POST
@access(PERFORMANCE_WRITERS)
def bindings_suggest(request, year: int):
    budget = selectors.budget_for_year(year)
    if budget is None:
        raise Http404
    n = attempt(request, lambda: services.bindings_suggest(actor=request.user, budget_id=budget.pk), "")
    if n is not None:
        messages.success(request, _("已为 %(n)d 个指标按建议设置数据来源，请逐项核对。") % {"n": n})
    return redirect(f"{_url('performance:home')}?year={year}")


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


def _rules_page(request, year, form=None, status=200):
    rule = services.rule_for_year(year)
    return render(
        request,
        "performance/rules.html",
        {
            "year": year,
            "years": selectors.budget_years(),
            "form": form or RuleForm(initial={k: getattr(rule, k) for k in DEFAULTS}),
            "may_edit": allowed("performance.edit_rules", request.user),
            "rule": rule,
        },
        status=status,
    )


@access(PERFORMANCE_READERS)
def rules_page(request):
    return _rules_page(request, _year(request) or timezone.localdate().year)


@require_POST
@access(RULE_EDITORS)
def rules_save(request, year: int):
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            services.rule_save(actor=request.user, year=year, **form.cleaned_data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("评分规则已保存。"))
            return redirect(f"{_url('performance:rules')}?year={year}")
    return _rules_page(request, year, form, status=400)


@access(PERFORMANCE_READERS)
def evaluations(request):
    year = _year(request)
    budget = selectors.budget_for_year(year)
    rows = []
    if budget is not None:
        existing = selectors.evaluations_of(budget)
        for p in selectors.projects_of(budget):
            rows.append({"project": p, "name": p.display_name(), "evaluation": existing.get(p.pk)})
        rows.append({"project": None, "name": _("单位整体"), "evaluation": existing.get(None)})
    return render(
        request,
        "performance/evaluations.html",
        {
            "year": year,
            "years": selectors.budget_years(),
            "budget": budget,
            "rows": rows,
            "grades": GRADE_LABELS,
        },
    )


@require_POST
@access(EVALUATION_ACTORS)
def evaluation_open(request, year: int):
    budget = selectors.budget_for_year(year)
    if budget is None:
        raise Http404
    project_id = int_or(request.POST.get("project"), 0) or None
    ev = attempt(
        request,
        lambda: services.evaluation_open(actor=request.user, budget_id=budget.pk, project_id=project_id),
        "",
    )
    if ev is None:
        return redirect(f"{_url('performance:evaluations')}?year={year}")
    return redirect("performance:evaluation", pk=ev.pk)


def _evaluation_page(request, ev, *, texts_form=None, return_form=None, status=200):
    lines = selectors.evaluation_lines(ev)
    return render(
        request,
        "performance/evaluation.html",
        {
            "ev": ev,
            "year": ev.budget.fiscal_year.year,
            "lines": lines,
            "total": selectors.total_how(ev, lines),
            "categories": Category,
            "grade_label": GRADE_LABELS.get(ev.grade, ""),
            "texts_form": texts_form
            or TextsForm(
                initial={
                    "execution_explanation": ev.execution_explanation,
                    "conclusion": ev.conclusion,
                    "problems": ev.problems,
                }
            ),
            "return_form": return_form or ReturnForm(),
            "verbs": EVALUATION_VERB_LABELS,
            "may_edit": allowed("performance.edit_evaluation", request.user, ev),
            "may_decide": allowed("performance.decide", request.user, ev),
            "may_submit": allowed("performance.prepare", request.user, ev)
            and ev.state in ("draft", "returned"),
        },
        status=status,
    )


@access(PERFORMANCE_READERS)
def evaluation(request, pk: int):
    return _evaluation_page(request, selectors.evaluation_get(pk))


@require_POST
@access(EVALUATION_ACTORS)
def evaluation_action(request, pk: int, verb: str):
    ev = selectors.evaluation_get(pk)
    actions = {
        "score": (
            lambda: services.evaluation_score(actor=request.user, evaluation_id=ev.pk),
            _("已按最新数据重新评分。"),
        ),
        "submit": (
            lambda: services.evaluation_submit(actor=request.user, evaluation_id=ev.pk),
            _("已提交审定。"),
        ),
        "approve": (
            lambda: services.evaluation_approve(actor=request.user, evaluation_id=ev.pk),
            _("已审定，结果已锁定。"),
        ),
    }
    if verb == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            return _evaluation_page(request, ev, return_form=form, status=400)
        attempt(
            request,
            lambda: services.evaluation_return(
                actor=request.user, evaluation_id=ev.pk, comment=form.cleaned_data["comment"]
            ),
            _("已退回。"),
        )
        return redirect("performance:evaluation", pk=ev.pk)
    if verb == "texts":
        form = TextsForm(request.POST)
        if form.is_valid():
            try:
                services.evaluation_update(actor=request.user, evaluation_id=ev.pk, **form.cleaned_data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("说明已保存。"))
                return redirect("performance:evaluation", pk=ev.pk)
        return _evaluation_page(request, ev, texts_form=form, status=400)
    if verb not in actions:
        raise Http404
    fn, ok = actions[verb]
    attempt(request, fn, ok)
    return redirect("performance:evaluation", pk=ev.pk)


@require_POST
@access(EVALUATION_ACTORS)
def evaluation_line(request, pk: int, line_id: int):
    ev = selectors.evaluation_get(pk)
    form = LineForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        attempt(
            request,
            lambda: services.evaluation_line_set(
                actor=request.user,
                evaluation_id=ev.pk,
                line_id=line_id,
                applicable=d["applicable"],
                reason=d["reason"],
                rating_pct=d["rating_pct"],
            ),
            _("已更新，并重新评分。"),
        )
    else:
        messages.error(request, _("请检查填写的内容。"))
    return redirect(f"{_url('performance:evaluation', ev.pk)}#line-{line_id}")


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access(PERFORMANCE_READERS)
def evaluation_pdf(request, pk: int):
    ev = selectors.evaluation_get(pk)
    content = exports.evaluation_pdf(ev, selectors.evaluation_lines(ev))
    return _download(content, f"self-evaluation-{ev.budget.fiscal_year.year}-{ev.pk}.pdf", "application/pdf")


@access(PERFORMANCE_READERS)
def evaluation_xlsx(request, pk: int):
    ev = selectors.evaluation_get(pk)
    content = exports.evaluation_xlsx(ev, selectors.evaluation_lines(ev))
    return _download(
        content,
        f"self-evaluation-{ev.budget.fiscal_year.year}-{ev.pk}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
