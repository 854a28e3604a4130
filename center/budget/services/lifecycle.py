"""The budget's lifecycle (二上二下): creation, versions, one service per verb of `enums.BUDGET`, the
pre-publication check and the publication."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError
from center.core.rules import require
from center.core.services import service

from ..enums import BUDGET, VERB_STEP, ProjectState, VersionStep
from ..models import Budget, BudgetVersion, CheckRun, FiscalYear
from ..rules import VERB_RULES, can_manage_budgets, can_run_check
from ..selectors import budget_snapshot, budget_totals, pending_project_names
from .common import _lock, _lock_year, parse_amount

# --------------------------------------------------------------------------- budget lifecycle


@service
def budget_create(*, actor, unit, year: int) -> Budget:
    require(can_manage_budgets, actor)
    fy = FiscalYear.objects.filter(year=year).first()
    if fy is None:
        raise ApplicationError(_("%(y)s年目录尚未建立，请先复制或导入目录。") % {"y": year})
    if Budget.objects.filter(unit=unit, fiscal_year=fy).exists():
        raise ConflictError(_("%(u)s %(y)s年预算已存在。") % {"u": unit, "y": year})
    budget = Budget.objects.create(unit=unit, fiscal_year=fy)
    audit_log("budget.budget.created", actor=actor, target=budget)
    version_record(actor=actor, budget=budget, step=VersionStep.EDIT, note=_("新建"))
    return budget


@service
def version_record(*, actor, budget: Budget, step: str, note: str = "") -> BudgetVersion:
    """Append an immutable snapshot of the budget (under its lock) and bump its version number. The snapshot
    (author, step, note) is the record of the step: the action that asks for it writes the audit entry."""
    locked = _lock(budget)
    budget.version = locked.version + 1
    Budget.objects.filter(pk=budget.pk).update(version=budget.version, updated_at=timezone.now())
    return BudgetVersion.objects.create(
        budget=budget,
        number=budget.version,
        step=step,
        state=locked.state,
        author=actor if getattr(actor, "pk", None) else None,
        note=note[:300],
        snapshot=budget_snapshot(budget),
    )


def _transition(*, actor, budget, verb: str, note: str = "", check=None, **fields) -> Budget:
    """Move the budget through `verb` of the BUDGET machine: lock, starting state (ConflictError), the verb's
    rule (rules.VERB_RULES), the verb's own `check(budget)`, the fields it records, the audit entry
    `budget.budget.<verb>` and a new BudgetVersion."""
    budget = _lock(budget)
    BUDGET.check(budget, verb)
    require(VERB_RULES[verb], actor, budget)
    if check is not None:
        check(budget)
    for k, v in fields.items():
        setattr(budget, k, v)
    extra = {k: str(v) for k, v in fields.items()}
    if note:
        extra["note"] = note
    BUDGET.apply(budget, verb, actor=actor, fields=["updated_at", *fields], extra=extra or None)
    version_record(actor=actor, budget=budget, step=VERB_STEP[verb], note=note)
    return budget


def _all_projects_submitted(budget: Budget) -> None:
    pending = pending_project_names(budget)
    if pending:
        raise ApplicationError(
            _("以下项目尚未由部门提交：%(p)s。") % {"p": "、".join(pending)}, {"projects": pending}
        )


@service
def budget_consolidate(*, actor, budget: Budget) -> Budget:
    """Finance consolidates the departments' drafts for review; every project must have been submitted."""
    return _transition(actor=actor, budget=budget, verb="consolidate", check=_all_projects_submitted)


@service
def budget_return(*, actor, budget: Budget, reason: str) -> Budget:
    """Finance sends the budget back to drafting; every submitted project reopens for its department."""
    if not reason.strip():
        raise ApplicationError(_("请填写退回原因。"), {"field": "reason"})
    budget = _transition(actor=actor, budget=budget, verb="return", note=reason)
    budget.projects.filter(state=ProjectState.SUBMITTED).update(state=ProjectState.DRAFT)
    return budget


def _balanced(actor, verb: str):
    """收支平衡: every submission (一上, 二上) and the approval (二下) needs income = expenditure (+ 结转下年).
    A refusal is audited (`budget.budget.<verb>_refused`, with both totals)."""

    def check(budget: Budget) -> None:
        totals = budget_totals(budget)
        expenditure = totals["expenditure"] + (budget.carry_out or 0)
        if totals["income"] != expenditure:
            figures = {
                "income": f"{totals['income']:,.2f}",
                "expenditure": f"{expenditure:,.2f}",
                "diff": f"{totals['income'] - expenditure:,.2f}",
            }
            raise ApplicationError(
                _(
                    "收支不平衡，不能报送：收入合计 %(income)s 元，支出合计（含结转下年）%(expenditure)s 元，"
                    "相差 %(diff)s 元。请先调整收入或支出。"
                )
                % figures,
                {"field": "balance", **figures},
                audit={
                    "action": f"budget.budget.{verb}_refused",
                    "actor": actor,
                    "target": budget,
                    "extra": {"reason": "unbalanced", **figures},
                },
            )

    return check


@service
def budget_submit_first(*, actor, budget: Budget) -> Budget:
    """一上: the director approves the submission to the finance bureau; income must equal expenditure."""
    return _transition(
        actor=actor, budget=budget, verb="submit_first", check=_balanced(actor, "submit_first")
    )


@service
def budget_record_control(
    *, actor, budget: Budget, total, basic=None, project=None, doc_no: str = ""
) -> Budget:
    """一下: record the finance bureau's control figures; the budget opens for the revision."""
    fields = {"control_total": parse_amount(total, label=_("控制数")), "control_doc_no": doc_no.strip()[:100]}
    if basic not in (None, ""):
        fields["control_basic"] = parse_amount(basic, label=_("基本支出控制数"))
    if project not in (None, ""):
        fields["control_project"] = parse_amount(project, label=_("项目支出控制数"))
    return _transition(actor=actor, budget=budget, verb="record_control", **fields)


def _within_control(budget: Budget) -> None:
    totals = budget_totals(budget)
    if budget.control_total is not None and totals["expenditure"] > budget.control_total:
        raise ApplicationError(
            _("支出合计 %(t)s 元超过控制数 %(c)s 元。")
            % {"t": totals["expenditure"], "c": budget.control_total}
        )


@service
def budget_submit_second(*, actor, budget: Budget) -> Budget:
    """二上: the revised submission, approved by the director; balanced and within the control figure."""
    balanced = _balanced(actor, "submit_second")

    def check(locked: Budget) -> None:
        balanced(locked)
        _within_control(locked)

    return _transition(actor=actor, budget=budget, verb="submit_second", check=check)


@service
def budget_record_approval(*, actor, budget: Budget, doc_no: str, approved_on: date | None = None) -> Budget:
    """二下: record the approval (批复) with its document number; the budget and its year's catalogue lock."""
    if not doc_no or not doc_no.strip():
        raise ApplicationError(_("请填写批复文号。"), {"field": "doc_no"})
    year = _lock_year(budget.fiscal_year_id)  # its catalogue is locked below: take it before the budget
    budget = _transition(
        actor=actor,
        budget=budget,
        verb="record_approval",
        check=_balanced(actor, "record_approval"),
        approval_doc_no=doc_no.strip()[:100],
        approved_on=approved_on or timezone.localdate(),
    )
    year.catalogue_locked = True
    year.save(update_fields=["catalogue_locked"])
    return budget


def budget_publish(*, actor, budget: Budget, confirm_warnings: bool = False) -> Budget:
    """Publish the disclosure; refused while the pre-publication check reports an error. Warnings (rounding,
    text and naming inconsistencies) do not block, but the publisher must confirm them: the confirmation and
    the number of warnings are recorded in the audit entry `budget.budget.publish`.

    Two units of work on purpose: the check run is a business action of its own (`budget_check`: CheckRun +
    audit) that stays recorded when publishing is refused; the publication (`_budget_publish`) then moves
    the budget only if that run, of the budget's current version, found no error.
    """
    BUDGET.check(budget, "publish")  # a budget that cannot be published is not checked for it
    require(VERB_RULES["publish"], actor, budget)
    run, result = budget_check(actor=actor, budget=budget)
    if result.errors:
        raise ApplicationError(
            _("公开前校验有 %(n)s 个错误，不能公开。") % {"n": len(result.errors)},
            {"errors": [f.as_dict() for f in result.errors][:50]},
        )
    if result.warnings and not confirm_warnings:
        raise ApplicationError(
            _("公开前校验有 %(n)s 个警告，请阅读后确认再公开。") % {"n": len(result.warnings)},
            {"warnings": [f.as_dict() for f in result.warnings][:50], "confirm": True},
        )
    return _budget_publish(actor=actor, budget=budget, check_run=run, warnings=len(result.warnings))


@service
def _budget_publish(*, actor, budget: Budget, check_run, warnings: int = 0) -> Budget:
    def checked(locked: Budget) -> None:
        if check_run.errors or check_run.version != locked.version:
            raise ConflictError(_("预算在校验后已变化，请重新校验后公开。"), {"state": locked.state})

    return _transition(
        actor=actor,
        budget=budget,
        verb="publish",
        check=checked,
        note=(_("已确认校验警告 %(n)s 个") % {"n": warnings}) if warnings else "",
        published_at=timezone.now(),
    )


# One service per verb of each machine (tests enumerate them).
BUDGET_SERVICES = {
    "consolidate": budget_consolidate,
    "return": budget_return,
    "submit_first": budget_submit_first,
    "record_control": budget_record_control,
    "submit_second": budget_submit_second,
    "record_approval": budget_record_approval,
    "publish": budget_publish,
}


@service
def check_record(*, actor, budget: Budget, result):
    """Record a check's result (CheckRun + audit `budget.check.run`) for the budget's current version."""
    require(can_run_check, actor, budget)
    budget = _lock(budget)
    run = CheckRun.objects.create(
        budget=budget,
        version=budget.version,
        actor=actor if getattr(actor, "pk", None) else None,
        errors=len(result.errors),
        warnings=len(result.warnings),
        findings=[f.as_dict() for f in result.findings],
    )
    audit_log(
        "budget.check.run",
        actor=actor,
        target=budget,
        extra={"errors": run.errors, "warnings": run.warnings, "version": budget.version},
    )
    return run


@service
def budget_check(*, actor, budget: Budget):
    """Run the pre-publication check on the locked budget and record it; returns (CheckRun, CheckResult)."""
    from ..checks import run_checks  # at call time: the checks module reads through selectors and tables

    require(can_run_check, actor, budget)
    budget = _lock(budget)  # the check and its record see one version of the budget
    result = run_checks(budget)
    return check_record(actor=actor, budget=budget, result=result), result
