"""Budget pages: list, overview (charts), the disclosure (tables + text), drill-down, check, versions,
workflow actions, exports and import. Thin: selector → service → render."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.models import AuditEntry
from center.core.pagecache import public_page
from center.core.permissions import PUBLIC, access

from . import charts, exports, services
from .checks import RULES, run_checks
from .enums import ExpenditureKind, Severity, VersionStep
from .models import BudgetVersion, EconomicCode, FiscalYear, FunctionalCode, IncomeSource, ProcurementKind
from .narrative import compose
from .pages import PUBLISHED
from .rounding import fmt_wan, pct_change
from .rules import (
    BUDGET_ACTORS,
    BUDGET_EDITORS,
    BUDGET_READERS,
    CHECK_RUNNERS,
    can_create_project,
    can_edit_budget,
    can_edit_line,
    can_edit_project,
    can_import,
    can_manage_budgets,
    can_submit_project,
)
from .selectors import (
    ZERO,
    budget_data,
    budget_get_for,
    budget_list_for,
    previous_figure,
    project_list_for,
    publication_deadline,
    published_budget_get,
    published_budgets,
    version_diff,
)
from .table_html import drill_link_maker, rendered_tables
from .tables import all_tables, table_by_number


def _drill_url(budget, drill: dict | None) -> str:
    return drill_link_maker(budget.pk)(drill)


@access(BUDGET_READERS)
def budget_list(request):
    budgets = list(budget_list_for(request.user, request.access_scope)[:200])
    totals = exports.totals_for_budgets(budgets)
    rows = [{"b": b, "total_wan": fmt_wan(totals.get(b.pk, ZERO))} for b in budgets]
    years = FiscalYear.objects.all()
    return render(
        request,
        "budget/list.html",
        {"rows": rows, "years": years, "can_edit": can_manage_budgets(request.user)},
    )


@access(BUDGET_READERS)
def overview(request, pk: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    data = budget_data(budget)
    total = data.total()
    basic, project = data.total(ExpenditureKind.BASIC), data.total(ExpenditureKind.PROJECT)
    by_class: dict[str, Decimal] = {}
    by_econ: dict[str, Decimal] = {}
    for ln in data.lines:
        by_class[ln.functional.code[:3]] = by_class.get(ln.functional.code[:3], ZERO) + ln.amount
        by_econ[ln.economic.code[:3]] = by_econ.get(ln.economic.code[:3], ZERO) + ln.amount
    fn_chart = charts.donut(
        [
            charts.Bar(data.functional_name(c), v, _drill_url(budget, {"functional": c}))
            for c, v in sorted(by_class.items())
        ],
        title=_("按功能分类"),
    )
    econ_chart = charts.donut(
        [
            charts.Bar(data.economic_name(c), v, _drill_url(budget, {"economic": c}))
            for c, v in sorted(by_econ.items())
        ],
        title=_("按经济分类"),
    )
    proj_chart = charts.hbar(
        [
            charts.Bar(
                p.display_name(),
                data.project_amount(p),
                _drill_url(budget, {"project": p.pk}),
                previous_figure(data, f"project:{p.name}")
                if p.previous_year_amount is None
                else p.previous_year_amount,
            )
            for p in data.projects
        ],
        title=_("按项目"),
        legend=(str(data.year), str(data.year - 1)),
    )
    prev_total = previous_figure(data, "expenditure_total")
    yoy = [
        charts.Bar(_("支出总计"), total, "", prev_total),
        charts.Bar(
            _("基本支出"), basic, _drill_url(budget, {"kind": "basic"}), previous_figure(data, "basic_total")
        ),
        charts.Bar(
            _("项目支出"),
            project,
            _drill_url(budget, {"kind": "project"}),
            previous_figure(data, "project_total"),
        ),
    ]
    yoy_chart = charts.hbar(yoy, title=_("与上年比较"), legend=(str(data.year), str(data.year - 1)))
    due = publication_deadline(budget)
    context = {
        "budget": budget,
        "data": data,
        "publication_due": {"deadline": due[0], "days_left": due[1], "overdue": -due[1]} if due else None,
        "kpis": [
            (_("支出总计"), fmt_wan(total), prev_total, pct_change(total, prev_total)),
            (_("基本支出"), fmt_wan(basic), None, None),
            (_("项目支出"), fmt_wan(project), None, None),
            (_("“三公”经费"), fmt_wan(data.three_public.total if data.three_public else ZERO), None, None),
        ],
        "prev_total": fmt_wan(prev_total) if prev_total is not None else "",
        "charts": [
            (_("按功能分类（类）"), fn_chart),
            (_("按经济分类（类）"), econ_chart),
            (_("项目支出"), proj_chart),
            (_("与上年比较"), yoy_chart),
        ],
        "projects": [
            (p, fmt_wan(data.project_amount(p), 2))
            for p in project_list_for(request.user, request.access_scope, budget).order_by("sort", "id")
        ],
        "table_links": [(n, _("表%(number)s") % {"number": n}) for n in range(1, 12)],
        "may_import": can_import(request.user, budget),
        "may_create_project": can_create_project(request.user, budget),
    }
    return render(request, "budget/overview.html", context)


@access(BUDGET_READERS)
def disclosure(request, pk: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    return _disclosure_page(request, budget, public=False)


@access(PUBLIC)
@public_page(tags=[PUBLISHED], query=("part",))
def public_disclosure(request, pk: int):
    budget = published_budget_get(pk)
    return _disclosure_page(request, budget, public=True)


@access(PUBLIC)
@public_page(tags=[PUBLISHED])
def public_budgets(request):
    """信息公开 › 部门预算: every published year (older years stay listed) with its downloads."""
    return render(request, "budget/public_list.html", {"budgets": published_budgets()})


def _public_name(budget, ext: str) -> str:
    return f"budget-{budget.year}-{budget.unit.code}.{ext}"


@access(PUBLIC)
def public_pdf(request, pk: int):
    budget = published_budget_get(pk)
    return _download(exports.pdf_bytes(budget_data(budget)), _public_name(budget, "pdf"), "application/pdf")


@access(PUBLIC)
def public_xlsx(request, pk: int):
    budget = published_budget_get(pk)
    return _download(
        exports.workbook_bytes(budget_data(budget)),
        _public_name(budget, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@access(PUBLIC)
def public_json(request, pk: int):
    budget = published_budget_get(pk)
    return _download(
        exports.disclosure_json_bytes(budget_data(budget)), _public_name(budget, "json"), "application/json"
    )


@access(PUBLIC)
def public_fdp(request, pk: int):
    budget = published_budget_get(pk)
    content = exports.fiscal_data_package_zip(budget_data(budget, with_previous=False))
    return _download(content, f"budget-{budget.year}-{budget.unit.code}-fdp.zip", "application/zip")


def _disclosure_page(request, budget, *, public: bool):
    data = budget_data(budget)
    only = request.GET.get("part", "")
    context = {
        "budget": budget,
        "sections": compose(data) if only != "tables" else [],
        "tables": rendered_tables(budget, all_tables(data, get_language()), drill=not public)
        if only != "text"
        else [],
        "public": public,
    }
    return render(request, "budget/public_disclosure.html" if public else "budget/disclosure.html", context)


@access(BUDGET_READERS)
def table_page(request, pk: int, number: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    try:
        table = table_by_number(budget_data(budget), f"表{number}", get_language())
    except KeyError:
        raise NotFoundError(_("没有这张表。")) from None
    return render(
        request,
        "budget/table.html",
        {"budget": budget, "tables": rendered_tables(budget, [table], drill=True)},
    )


DRILL_KEYS = ("functional", "economic", "kind", "project", "source", "source_group", "gov")


@access(BUDGET_READERS)
def drill(request, pk: int):
    """The lines behind a table cell."""
    budget = budget_get_for(request.user, request.access_scope, pk)
    data = budget_data(budget, with_previous=False)
    f = {k: request.GET.get(k, "") for k in DRILL_KEYS}
    lines = data.lines
    if f["functional"]:
        lines = [ln for ln in lines if ln.functional.code.startswith(f["functional"])]
    if f["economic"]:
        lines = [ln for ln in lines if ln.economic.code.startswith(f["economic"])]
    if f["kind"] in ExpenditureKind.values:
        lines = [ln for ln in lines if ln.kind == f["kind"]]
    if f["project"].isdigit():
        lines = [ln for ln in lines if ln.project_id == int(f["project"])]
    if f["source"]:
        lines = [ln for ln in lines if ln.source.code == f["source"]]
    if f["source_group"]:
        lines = [ln for ln in lines if ln.source.code.startswith(f["source_group"])]
    if f["gov"]:
        lines = [ln for ln in lines if ln.source.code.split(".")[0] in ("gpb", "gfb", "socb")]
    total = sum((ln.amount for ln in lines), ZERO)
    filters = [(k, v) for k, v in f.items() if v]
    return render(
        request,
        "budget/drill.html",
        {
            "budget": budget,
            "lines": lines,
            "total": total,
            "total_wan": fmt_wan(total, 2),
            "filters": filters,
            "data": data,
        },
    )


@access(CHECK_RUNNERS)
def check(request, pk: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    if request.method == "POST":
        run, result = services.budget_check(actor=request.user, budget=budget)
        messages.info(
            request, _("校验完成：%(e)s 个错误，%(w)s 个警告。") % {"e": run.errors, "w": run.warnings}
        )
        return redirect("budget:check", pk=budget.pk)
    result = run_checks(budget)
    last = budget.check_runs.first()
    return render(
        request,
        "budget/check.html",
        {"budget": budget, "result": result, "rules": RULES, "last": last, "Severity": Severity},
    )


@access(BUDGET_READERS)
def versions(request, pk: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    vs = list(budget.versions.select_related("author").order_by("-number"))
    diff = a = b = None
    if len(vs) >= 2:
        numbers = {v.number: v for v in vs}
        try:
            a = numbers.get(int(request.GET.get("a", vs[1].number)))
            b = numbers.get(int(request.GET.get("b", vs[0].number)))
        except ValueError:
            a, b = vs[1], vs[0]
        if a and b:
            diff = version_diff(a, b)
    return render(
        request, "budget/versions.html", {"budget": budget, "versions": vs, "diff": diff, "a": a, "b": b}
    )


# The workflow form's actions: one per verb of the BUDGET machine (enums.py), each calling its service.
WORKFLOW_ACTIONS = {
    "consolidate": lambda actor, budget, post: services.budget_consolidate(actor=actor, budget=budget),
    "return": lambda actor, budget, post: services.budget_return(
        actor=actor, budget=budget, reason=post.get("reason", "")
    ),
    "submit_first": lambda actor, budget, post: services.budget_submit_first(actor=actor, budget=budget),
    "record_control": lambda actor, budget, post: services.budget_record_control(
        actor=actor,
        budget=budget,
        total=post.get("total"),
        basic=post.get("basic"),
        project=post.get("project"),
        doc_no=post.get("doc_no", ""),
    ),
    "submit_second": lambda actor, budget, post: services.budget_submit_second(actor=actor, budget=budget),
    "record_approval": lambda actor, budget, post: services.budget_record_approval(
        actor=actor, budget=budget, doc_no=post.get("doc_no", ""), approved_on=_date(post.get("approved_on"))
    ),
    "publish": lambda actor, budget, post: services.budget_publish(
        actor=actor, budget=budget, confirm_warnings=post.get("confirm_warnings") == "1"
    ),
}


def _date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ApplicationError(_("日期格式应为 YYYY-MM-DD。"), {"field": "approved_on"}) from None


@require_POST
@access(BUDGET_ACTORS)
def workflow(request, pk: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    action = WORKFLOW_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("未知操作。"))
        return redirect("budget:overview", pk=budget.pk)
    try:
        budget = action(request.user, budget, request.POST)
        messages.success(request, _("已完成：%(s)s。") % {"s": budget.get_state_display()})
    except ApplicationError as exc:
        messages.error(request, exc.message)
        if exc.extra.get("errors") or exc.extra.get("warnings"):
            return redirect("budget:check", pk=budget.pk)
    return redirect("budget:overview", pk=budget.pk)


@access(BUDGET_READERS)
def export_xlsx(request, pk: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    content = exports.workbook_bytes(budget_data(budget))
    return _download(
        content,
        f"budget-{budget.year}-{budget.unit.code}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@access(BUDGET_READERS)
def export_pdf(request, pk: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    content = exports.pdf_bytes(budget_data(budget))
    return _download(content, f"budget-{budget.year}-{budget.unit.code}.pdf", "application/pdf")


@access(BUDGET_READERS)
def export_fdp(request, pk: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    content = exports.fiscal_data_package_zip(budget_data(budget, with_previous=False))
    return _download(content, f"budget-{budget.year}-{budget.unit.code}-fdp.zip", "application/zip")


@access(BUDGET_READERS)
def export_template(request, pk: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    content = exports.import_template_bytes(budget_data(budget, with_previous=False))
    return _download(
        content,
        f"budget-{budget.year}-template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access(BUDGET_EDITORS)
def import_xlsx(request, pk: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [{"sheet": "", "row": "", "column": "", "message": _("请选择 .xlsx 文件。")}]
        else:
            try:
                exports.import_workbook(actor=request.user, budget=budget, content=upload.read())
                messages.success(request, _("导入成功。"))
                return redirect("budget:overview", pk=budget.pk)
            except ApplicationError as exc:
                errors = exc.extra.get("errors") or [
                    {"sheet": "", "row": "", "column": "", "message": exc.message}
                ]
    return render(request, "budget/import.html", {"budget": budget, "errors": errors})


@access(BUDGET_READERS)
def catalogue(request, year: int):
    fy = FiscalYear.objects.filter(year=year).first()
    if fy is None:
        raise NotFoundError(_("目录不存在。"))
    kind = request.GET.get("kind", "functional")
    entries = (fy.economic_codes if kind == "economic" else fy.functional_codes).order_by("code")
    return render(
        request,
        "budget/catalogue.html",
        {
            "fy": fy,
            "kind": kind,
            "entries": entries,
            "sources": fy.income_sources.all(),
            "kinds": fy.procurement_kinds.all(),
            "can_edit": can_manage_budgets(request.user),
            "years": FiscalYear.objects.all(),
        },
    )


@require_POST
@access(BUDGET_EDITORS)
def catalogue_copy(request, year: int):
    try:
        fy = services.catalogue_copy_year(actor=request.user, from_year=year, to_year=year + 1)
        messages.success(request, _("已复制为 %(y)s 年目录。") % {"y": fy.year})
        return redirect("budget:catalogue", year=fy.year)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("budget:catalogue", year=year)


@access(BUDGET_READERS)
def version_snapshot(request, pk: int, number: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    version = BudgetVersion.objects.filter(budget=budget, number=number).select_related("author").first()
    if version is None:
        raise NotFoundError(_("版本不存在。"))
    return render(request, "budget/version.html", {"budget": budget, "version": version})


# --------------------------------------------------------------------------- projects (department drafting)


def _project_for(request, pk: int, project_id: int):
    budget = budget_get_for(request.user, request.access_scope, pk)
    project = project_list_for(request.user, request.access_scope, budget).filter(pk=project_id).first()
    if project is None:
        raise NotFoundError(_("项目不存在。"))
    project.budget = budget
    return budget, project


@access(BUDGET_READERS)
def project_detail(request, pk: int, project_id: int):
    budget, project = _project_for(request, pk, project_id)
    lines = list(
        project.lines.select_related("functional", "economic", "source", "item").order_by("sort", "id")
    )
    total = sum((ln.amount for ln in lines), ZERO)
    context = {
        "budget": budget,
        "project": project,
        "items": project.items.all(),
        "lines": lines,
        "total": total,
        "total_wan": fmt_wan(total, 2),
        "indicators": project.indicators.order_by("sort", "id"),
        "framework": _framework_choices(),
        "can_draft": can_edit_project(request.user, project),
        "can_submit": can_submit_project(request.user, project),
    }
    return render(request, "budget/project.html", context)


@require_POST
@access(BUDGET_READERS)
def project_line_add(request, pk: int, project_id: int):
    budget, project = _project_for(request, pk, project_id)
    post = request.POST
    item = project.items.filter(pk=post.get("item")).first() if post.get("item", "").isdigit() else None
    back = reverse("budget:project", args=[budget.pk, project.pk])

    def add() -> str:
        services.line_add(
            actor=request.user,
            budget=budget,
            project=project,
            item=item,
            functional=post.get("functional", ""),
            economic=post.get("economic", ""),
            source=post.get("source", ""),
            amount=post.get("amount", ""),
        )
        messages.success(request, _("已添加预算行。"))
        return back

    try:
        return redirect(add())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(back)


@require_POST
@access(BUDGET_READERS)
def project_submit(request, pk: int, project_id: int):
    budget, project = _project_for(request, pk, project_id)
    try:
        services.project_submit(actor=request.user, project=project)
        messages.success(request, _("项目已提交财务。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("budget:project", pk=budget.pk, project_id=project.pk)


@require_POST
@access(BUDGET_EDITORS)
def budget_create(request):
    from center.accounts.models import Unit

    try:
        year = int(request.POST.get("year", ""))
        unit = Unit.objects.order_by("pk").first()
        budget = services.budget_create(actor=request.user, unit=unit, year=year)
        messages.success(request, _("已新建 %(y)s 年预算。") % {"y": year})
        return redirect("budget:overview", pk=budget.pk)
    except ValueError:
        messages.error(request, _("请填写年度。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("budget:list")


@require_POST
@access(BUDGET_EDITORS)
def catalogue_entry(request, year: int):
    kind = request.POST.get("kind", "functional")
    if kind not in ("functional", "economic"):
        kind = "functional"
    try:
        services.catalogue_entry_save(
            actor=request.user,
            year=year,
            kind=kind,
            code=request.POST.get("code", ""),
            name=request.POST.get("name", ""),
        )
        messages.success(request, _("目录已保存。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("budget:catalogue", args=[year]) + f"?kind={kind}")


# --------------------------------------------------------------------------- disclosure inputs and targets


@access(BUDGET_EDITORS)
def details(request, pk: int):
    """Finance edits the structured inputs of the disclosure: staffing, assets, 三公, narrative, unit targets."""
    from .forms import AssetsForm, NarrativeForm, ProcurementForm, StaffingForm, ThreePublicForm

    budget = budget_get_for(request.user, request.access_scope, pk)
    data = budget_data(budget, with_previous=False)
    forms = {
        "staffing": StaffingForm(instance=data.staffing, prefix="staffing"),
        "assets": AssetsForm(instance=data.assets, prefix="assets"),
        "three_public": ThreePublicForm(instance=data.three_public, prefix="three_public"),
        "narrative": NarrativeForm(initial=NarrativeForm.initial_from(data.narrative), prefix="narrative"),
    }
    procurement_error = ""
    if request.method == "POST":
        section = request.POST.get("section", "")
        cls = {
            "staffing": StaffingForm,
            "assets": AssetsForm,
            "three_public": ThreePublicForm,
            "narrative": NarrativeForm,
        }.get(section)
        if section in ("income", "procurement", "procurement_remove"):
            back = reverse("budget:details", args=[budget.pk]) + f"#{section.split('_')[0]}"

            def save() -> str:
                _procurement_or_income(request, budget, section)
                messages.success(request, _("已保存。"))
                return back

            try:
                return redirect(save())
            except ApplicationError as exc:
                if section == "procurement":
                    procurement_error = exc.message
                else:
                    messages.error(request, exc.message)
                    return redirect(back)
        if section == "indicator":
            back = reverse("budget:details", args=[budget.pk])
            try:
                return redirect(_indicator_add(request, budget, None, back))
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return redirect(back)
        if cls is not None:
            form = (
                cls(request.POST, prefix=section)
                if cls is NarrativeForm
                else cls(request.POST, prefix=section, instance=getattr(data, section))
            )
            forms[section] = form
            if form.is_valid():
                payload = (
                    form.to_data() if cls is NarrativeForm else {k: v for k, v in form.cleaned_data.items()}
                )
                try:
                    services.budget_details_save(
                        actor=request.user, budget=budget, section=section, data=payload
                    )
                    messages.success(request, _("已保存。"))
                    return redirect("budget:details", pk=budget.pk)
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
    unit_indicators = [i for i in data.indicators if i.project_id is None]
    procurement_form = ProcurementForm(
        request.POST if procurement_error else None,
        kinds=ProcurementKind.objects.filter(fiscal_year=budget.fiscal_year),
        projects=budget.projects.order_by("pk"),
    )
    if procurement_error:
        procurement_form.is_valid()
        procurement_form.add_error(None, procurement_error)
    income = {row.source_id: row.amount for row in budget.income_lines.all()}
    return render(
        request,
        "budget/details.html",
        {
            "budget": budget,
            "forms": forms,
            "editable": can_edit_budget(request.user, budget),
            "unit_indicators": unit_indicators,
            "framework": _framework_choices(),
            "income_rows": [
                (src, income.get(src.pk))
                for src in IncomeSource.objects.filter(fiscal_year=budget.fiscal_year, is_leaf=True)
            ],
            "procurements": budget.procurements.select_related("kind", "project"),
            "procurement_form": procurement_form,
        },
    )


def _procurement_or_income(request, budget, section: str) -> None:
    """收入预算 and 政府采购预算 on the details page (finance only: the services refuse anyone else)."""
    post = request.POST
    if section == "income":
        amounts = {k.removeprefix("income-"): v for k, v in post.items() if k.startswith("income-")}
        services.income_set(actor=request.user, budget=budget, amounts=amounts)
    elif section == "procurement":
        project_id = post.get("project") or None
        project = budget.projects.filter(pk=project_id).first() if project_id else None
        if project_id and project is None:
            raise ApplicationError(_("项目不存在。"), {"field": "project"})
        services.procurement_add(
            actor=request.user,
            budget=budget,
            project=project,
            kind=post.get("kind", ""),
            amount=post.get("amount", ""),
            sme_amount=post.get("sme_amount") or 0,
            small_micro_amount=post.get("small_micro_amount") or 0,
            description=post.get("description", ""),
        )
    else:
        raw = post.get("procurement", "")
        services.procurement_remove(
            actor=request.user, budget=budget, procurement_id=int(raw) if raw.isdigit() else 0
        )


def _framework_choices():
    from .enums import INDICATOR_FRAMEWORK

    return [(l1, l2) for l1, _s, l2s in INDICATOR_FRAMEWORK for l2, _s2 in l2s]


def _indicator_post(post) -> dict:
    level1, _sep, level2 = post.get("levels", "").partition("|")
    return {
        "level1": level1,
        "level2": level2,
        "name": post.get("name", ""),
        "kind": post.get("kind", "quantitative"),
        "comparator": post.get("comparator", "="),
        "value": post.get("value", ""),
        "unit": post.get("unit", ""),
    }


@require_POST
@access(BUDGET_READERS)
def project_indicator_add(request, pk: int, project_id: int):
    budget, project = _project_for(request, pk, project_id)
    back = reverse("budget:project", args=[budget.pk, project.pk])
    try:
        return redirect(_indicator_add(request, budget, project, back))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(back)


def _indicator_add(request, budget, project, back: str) -> str:
    services.indicator_add(
        actor=request.user, budget=budget, project=project, data=_indicator_post(request.POST)
    )
    messages.success(request, _("已添加指标。"))
    return back


@require_POST
@access(BUDGET_READERS)
def project_create(request, pk: int):
    """A department (or finance) starts a project in a budget being drafted."""
    budget = budget_get_for(request.user, request.access_scope, pk)
    try:
        project = services.project_create(
            actor=request.user,
            budget=budget,
            name=request.POST.get("name", ""),
            purpose=request.POST.get("purpose", ""),
            department=request.user.department,
            state="draft",
        )
        project_item = request.POST.get("item", "").strip()
        if project_item:
            services.project_item_create(actor=request.user, project=project, name=project_item)
        messages.success(request, _("已新建项目。"))
        return redirect("budget:project", pk=budget.pk, project_id=project.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("budget:overview", pk=budget.pk)


# --------------------------------------------------------------------------- one line: edit, delete, history


def _line_for(request, pk: int, line_id: int):
    """A line of a budget the reader sees; a project line only to those who see its project."""
    budget = budget_get_for(request.user, request.access_scope, pk)
    line = (
        budget.lines.select_related("functional", "economic", "source", "project", "item")
        .filter(pk=line_id)
        .first()
    )
    if line is None or (
        line.project_id
        and not project_list_for(request.user, request.access_scope, budget)
        .filter(pk=line.project_id)
        .exists()
    ):
        raise NotFoundError(_("预算行不存在。"))
    line.budget = budget
    if line.project is not None:
        line.project.budget = budget
    return budget, line


def _line_back(budget, line) -> str:
    if line.project_id:
        return reverse("budget:project", args=[budget.pk, line.project_id])
    return reverse("budget:drill", args=[budget.pk]) + f"?kind=basic&economic={line.economic.code[:3]}"


def _line_form(budget, line) -> dict:
    return {
        "functional": line.functional.code,
        "economic": line.economic.code,
        "source": line.source.code,
        "amount": f"{line.amount:.2f}",
        "note": line.note,
        "version": budget.version,
    }


@access(BUDGET_READERS)
def line_edit(request, pk: int, line_id: int):
    """Correct one line (amount, codes, source, note) without a re-import; its history below. The form carries
    the budget's version: if another officer saved meanwhile, the save is refused and the page shows what
    the other saved (409)."""
    budget, line = _line_for(request, pk, line_id)
    form = _line_form(budget, line)
    error, status = "", 200
    if request.method == "POST":
        post = request.POST
        form.update(
            {k: post.get(k, "") for k in ("functional", "economic", "source", "amount", "note", "version")}
        )
        try:
            services.line_update(
                actor=request.user,
                line=line,
                amount=form["amount"],
                functional=form["functional"],
                economic=form["economic"],
                source=form["source"],
                note=form["note"],
                expected_version=form["version"],
            )
            messages.success(request, _("预算行已保存，形成新版本。"))
            return redirect("budget:line_edit", pk=budget.pk, line_id=line.pk)
        except ApplicationError as exc:
            error, status = exc.message, 400
            if isinstance(exc, ConflictError):  # show what the other officer saved, at the current version
                budget, line = _line_for(request, pk, line_id)
                form, status = _line_form(budget, line), 409
    fy = budget.fiscal_year
    entries = AuditEntry.objects.filter(action__startswith="budget.line.", extra__line=line.pk).order_by(
        "-seq"
    )
    history = [_history_row(e) for e in entries[:20]]
    versions = budget.versions.filter(step=VersionStep.EDIT).select_related("author").order_by("-number")[:10]
    return render(
        request,
        "budget/line_edit.html",
        {
            "budget": budget,
            "line": line,
            "form": form,
            "error": error,
            "may_edit": can_edit_line(request.user, line),
            "back": _line_back(budget, line),
            "functional_codes": FunctionalCode.objects.filter(fiscal_year=fy, level=3).order_by("code"),
            "economic_codes": EconomicCode.objects.filter(fiscal_year=fy, level=2).order_by("code"),
            "sources": IncomeSource.objects.filter(fiscal_year=fy, is_leaf=True).order_by("sort", "code"),
            "history": history,
            "versions": versions,
        },
        status=status,
    )


def _history_row(entry) -> dict:
    """One audit entry of a line, in words (field labels, not the stored keys)."""
    labels = {
        "functional": _("功能科目（项）"),
        "economic": _("经济科目（款）"),
        "source": _("资金来源"),
        "amount": _("金额（元）"),
    }
    if entry.action == "budget.line.created":
        parts = [_("新增") + " " + _("%(a)s 元") % {"a": entry.extra.get("amount", "")}]
    elif entry.action == "budget.line.deleted":
        parts = [pgettext("change", "删除")]
    elif entry.action == "budget.line.refused":
        parts = [_("修改被拒绝（版本已变）")]
    else:
        parts = [
            f"{labels.get(k, k)} {v[0]} → {v[1]}" for k, v in (entry.changes or {}).items() if len(v) == 2
        ] or [_("备注")]
    return {"at": entry.created_at, "who": entry.actor_repr, "parts": parts}


@require_POST
@access(BUDGET_READERS)
def line_delete(request, pk: int, line_id: int):
    budget, line = _line_for(request, pk, line_id)
    back = _line_back(budget, line)
    try:
        services.line_delete(actor=request.user, line=line, expected_version=request.POST.get("version", ""))
        messages.success(request, _("预算行已删除，形成新版本。"))
        return redirect(back)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("budget:line_edit", pk=budget.pk, line_id=line.pk)


# --------------------------------------------------------------------------- next year


@access(BUDGET_EDITORS)
def prepare_next(request, pk: int):
    """Finance prepares next year's budget from this one: what is carried over, an optional percentage."""
    budget = budget_get_for(request.user, request.access_scope, pk)
    data = budget_data(budget, with_previous=False)
    year = data.year + 1
    existing = budget.unit.budgets.filter(fiscal_year__year=year).first()
    # the years it may prepare: the next one, up to this calendar year (a unit whose latest closed year is a
    # few years back prepares the current one from it), those without a budget yet
    taken = set(budget.unit.budgets.values_list("fiscal_year__year", flat=True))
    choices = [y for y in range(year, max(year, timezone.localdate().year) + 1) if y not in taken]
    scale, error = "", ""
    if request.method == "POST" and choices:
        scale = request.POST.get("scale", "")
        try:
            new = services.budget_prepare_next(
                actor=request.user, source=budget, scale=scale, year=request.POST.get("year", "")
            )
            messages.success(
                request,
                _("已由%(a)s年预算准备%(b)s年预算，各项目已退回编报部门。")
                % {"a": data.year, "b": new.fiscal_year.year},
            )
            return redirect("budget:overview", pk=new.pk)
        except ApplicationError as exc:
            error = exc.message
    carried = [
        (_("收入与支出预算行"), len(data.lines)),
        (_("项目（退回编报部门）"), len(data.projects)),
        (_("绩效指标（项目与整体）"), len(data.indicators)),
        (_("政府采购预算"), len(data.procurements)),
    ]
    inputs = [
        (_("人员编制"), data.staffing is not None),
        (_("“三公”经费"), data.three_public is not None),
        (_("国有资产占用"), data.assets is not None),
        (_("文字说明（职责、机构、目标、名词解释等）"), data.narrative is not None),
    ]
    return render(
        request,
        "budget/prepare_next.html",
        {
            "budget": budget,
            "year": year,
            "existing": existing,
            "choices": choices,
            "carried": carried,
            "inputs": inputs,
            "total_wan": fmt_wan(data.total(), 2),
            "scale": scale,
            "error": error,
        },
    )
