"""Pages for the control configuration: the year's parameters, spending standards, approval flows, and a
quota's control level. Finance and the system administrator edit; the director and auditor read."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from center.accounts.models import Department
from center.core.errors import ApplicationError
from center.core.permissions import access
from center.core.views import apply_errors

from . import configuration as config
from . import selectors, services
from .forms import ApprovalFlowForm, ControlSettingsForm, SpendingStandardForm, approval_step_formset
from .models import ApprovalFlow, SpendingStandard
from .rules import CONFIG_EDITORS, CONFIG_READERS, LEVEL_SETTERS  # noqa: F401 (also read by the API)
from .views import _year


def _config_url(year: int, anchor: str = "") -> str:
    return reverse("control:config") + f"?year={year}" + (f"#{anchor}" if anchor else "")


def _overview(request, year: int, settings_form, status: int = 200):
    return render(
        request,
        "control/config.html",
        {
            "year": year,
            "settings_form": settings_form,
            "standards": SpendingStandard.objects.filter(year=year),
            "copy_from": config.latest_standard_year(year),
            "flows": config.flows_overview(),
            "type_codes": config.type_codes_overview(year),
            "can_edit": config.can_edit(request.user),
        },
        status=status,
    )


@access(CONFIG_READERS)
def config_overview(request):
    year = _year(request)
    return _overview(request, year, ControlSettingsForm(instance=selectors.settings_for(year)))


@require_POST
@access(CONFIG_EDITORS)
def settings_save(request):
    year = _year(request)
    form = ControlSettingsForm(request.POST, instance=selectors.settings_for(year))
    if form.is_valid():
        try:
            config.settings_update(actor=request.user, year=year, **form.cleaned_data)
            messages.success(request, _("%(y)d 年度控制参数已保存。") % {"y": year})
            return redirect(_config_url(year, "settings"))
        except ApplicationError as exc:
            apply_errors(form, exc)
    return _overview(request, year, form, status=400)


@require_POST
@access(CONFIG_EDITORS)
def type_codes_save(request):
    """Which economic codes each application type may use (one field per type: codes or prefixes)."""
    year = _year(request)
    from .enums import ApplicationType

    mapping = {
        t: request.POST.get(f"codes_{t}", "") for t in ApplicationType.values if f"codes_{t}" in request.POST
    }
    try:
        config.type_codes_update(actor=request.user, year=year, mapping=mapping)
        messages.success(request, _("%(y)d 年度事项类型与经济分类对应关系已保存。") % {"y": year})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(_config_url(year, "type-codes"))


@access(CONFIG_EDITORS)
def standard_edit(request, pk: int | None = None):
    std = get_object_or_404(SpendingStandard, pk=pk) if pk is not None else None
    year = std.year if std else _year(request)
    form = SpendingStandardForm(request.POST or None, instance=std)
    if request.method == "POST" and form.is_valid():
        try:
            config.standard_save(actor=request.user, standard_id=pk, year=year, **form.cleaned_data)
            messages.success(request, _("费用标准已保存。"))
            return redirect(_config_url(year, "standards"))
        except ApplicationError as exc:
            apply_errors(form, exc)
    return render(request, "control/standard_form.html", {"form": form, "standard": std, "year": year})


@require_POST
@access(CONFIG_EDITORS)
def standard_delete(request, pk: int):
    std = get_object_or_404(SpendingStandard, pk=pk)
    config.standard_delete(actor=request.user, standard_id=pk)
    messages.success(request, _("费用标准“%(n)s”已删除。") % {"n": std.name})
    return redirect(_config_url(std.year, "standards"))


@require_POST
@access(CONFIG_EDITORS)
def standards_copy(request):
    year = _year(request)
    try:
        n = config.standards_copy(actor=request.user, from_year=request.POST.get("from_year"), to_year=year)
        messages.success(request, _("已复制 %(n)d 条费用标准。") % {"n": n})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(_config_url(year, "standards"))


def _step_rows(flow: ApprovalFlow | None) -> list[dict]:
    if flow is None:
        return []
    return [
        {
            "name": s.name,
            "name_en": s.name_en,
            "rule": s.rule,
            "kind": s.kind,
            "users": [u.pk for u in s.users.all()],
        }
        for s in flow.steps.order_by("order").prefetch_related("users")
    ]


@access(CONFIG_EDITORS)
def flow_edit(request, pk: int | None = None):
    flow = get_object_or_404(ApprovalFlow, pk=pk) if pk is not None else None
    departments = Department.objects.order_by("pk")
    people = config.approver_candidates().order_by("department_id", "pk")
    initial = (
        {
            "name": flow.name,
            "name_en": flow.name_en,
            "doc_type": flow.doc_type,
            "app_types": flow.app_types,
            "min_amount": flow.min_amount,
            "max_amount": flow.max_amount,
            "department": flow.department_id,
            "owner_department": flow.owner_department_id,
            "priority": flow.priority,
            "active": flow.active,
        }
        if flow
        else None
    )
    rows = _step_rows(flow)
    steps_class = approval_step_formset(max(2, 4 - len(rows)))
    form = ApprovalFlowForm(request.POST or None, initial=initial, departments=departments)
    steps = steps_class(request.POST or None, initial=rows, prefix="steps", form_kwargs={"people": people})
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        d = form.cleaned_data

        def save() -> str:
            saved = config.flow_save(
                actor=request.user,
                flow_id=pk,
                name=d["name"],
                name_en=d["name_en"],
                doc_type=d["doc_type"],
                app_types=d["app_types"],
                min_amount=d["min_amount"],
                max_amount=d["max_amount"],
                department_id=d["department"],
                owner_department_id=d["owner_department"],
                priority=d["priority"],
                active=d["active"],
                steps=[s for s in (f.step() for f in steps.forms) if s],
            )
            messages.success(request, _("审批流程“%(n)s”已保存。") % {"n": saved.name})
            return reverse("control:config") + "#flows"

        try:
            # A double click on "save" of a new flow must not create it twice: the form carries a one-time key.
            return redirect(save())
        except ApplicationError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "control/flow_form.html",
        {"form": form, "steps": steps, "flow": flow},
    )


@require_POST
@access(LEVEL_SETTERS)
def quota_level(request, pk: int):
    try:
        services.quota_set_control_level(actor=request.user, quota_id=pk, level=request.POST.get("level", ""))
        messages.success(request, _("控制方式已更新。"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("control:quota_detail", pk=pk)
