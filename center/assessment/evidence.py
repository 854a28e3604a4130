"""The computed evaluation points: each check reads the areas' own records (through their selectors and
public functions, never their internals) for one year and answers a score with the facts behind it, each
fact with a link to where the records are.

A check's points come from the sheet (data/basic_2016.json); the checks of one item add up to its points.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.money import format_yuan

from .enums import CheckOutcome
from .sheet import Check, sheet

CENT = Decimal("0.01")


@dataclass
class Fact:
    label: str
    value: str
    link: str = ""


@dataclass
class CheckResult:
    code: str
    title: str
    points: Decimal
    score: Decimal
    explanation: str
    facts: list[Fact] = field(default_factory=list)
    improvement: str = ""  # what to do next, for the report, when points were lost

    @property
    def outcome(self) -> str:
        if self.score >= self.points:
            return CheckOutcome.MET
        return CheckOutcome.PARTLY if self.score > 0 else CheckOutcome.NOT_MET

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "title": self.title,
            "points": str(self.points),
            "score": str(self.score),
            "explanation": self.explanation,
            "improvement": self.improvement,
            "facts": [{"label": f.label, "value": f.value, "link": f.link} for f in self.facts],
        }


def _q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _all_or_nothing(check: Check, ok: bool) -> Decimal:
    return check.points if ok else Decimal(0)


def _audit_link(action: str) -> str:
    return reverse("core:audit_list") + f"?action={action}"


def _year_link(name: str, year: int) -> str:
    return reverse(name) + f"?year={year}"


CHECKS: dict[str, Callable[[Check, int], CheckResult]] = {}


def check(code: str):
    def register(fn):
        CHECKS[code] = fn
        return fn

    return register


def run(check_: Check, year: int) -> CheckResult:
    return CHECKS[check_.code](check_, year)


# One sheet reads each area selector once: several checks share a selector's answer (separation, claims, quotas).
_memo: ContextVar[dict | None] = ContextVar("assessment_evidence_memo", default=None)


@contextmanager
def shared_reads(*, fresh: bool = False):
    """Within the block, each selector answer is read once and shared by the checks that use it; `fresh`: verify
    the audit chain now rather than reuse a recent verification."""
    token = _memo.set({"fresh": fresh})
    try:
        yield
    finally:
        _memo.reset(token)


def _once(fn, year: int):
    memo = _memo.get()
    if memo is None:
        return fn(year)
    key = (fn.__module__, fn.__name__, year)
    if key not in memo:
        memo[key] = fn(year)
    return memo[key]


# Verifying the whole audit chain reads every entry. A page shows the last verification while the chain head
# has not moved and it is recent; a submission (the frozen result) always verifies afresh.
CHAIN_RECHECK_SECONDS = 600
_chain: dict = {}


def verified_chain(*, fresh: bool = False):
    """(report, verified at): the audit chain's verification, reused while its head is unchanged and recent."""
    from center.core.audit import audit_chain_check
    from center.core.models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    now = timezone.now()
    cached = _chain.get("result")
    if (
        not fresh
        and cached is not None
        and _chain.get("head") == head
        and (now - cached[1]).total_seconds() < CHAIN_RECHECK_SECONDS
    ):
        return cached
    _chain.update(head=head, result=(audit_chain_check(), now))
    return _chain["result"]


# --- 3.1 权力运行机制的构建 --------------------------------------------------------------------------------


@check("approval_flows")
def approval_flows(c: Check, year: int) -> CheckResult:
    from center.control.selectors import approval_flow_counts, refusal_counts

    flows = approval_flow_counts()
    refused = _once(refusal_counts, year)["control.approval.refused"]
    ok = flows.get("application", 0) > 0 and flows.get("reimbursement", 0) > 0
    return CheckResult(
        c.code,
        _("审批流程按单据类型、金额和归口部门配置"),
        c.points,
        _all_or_nothing(c, ok),
        _("事前申请和报销都有启用的审批流程，得满分；缺一即不得分。")
        if ok
        else _("事前申请或报销没有启用的审批流程。"),
        [
            Fact(_("启用的事前申请审批流程"), str(flows.get("application", 0)), reverse("control:config")),
            Fact(_("启用的报销审批流程"), str(flows.get("reimbursement", 0)), reverse("control:config")),
            Fact(_("本年度被拒绝的越权或重复审批"), str(refused), _audit_link("control.approval.refused")),
        ],
        "" if ok else _("在控制设置中为事前申请和报销配置审批流程。"),
    )


@check("collective_decision")
def collective_decision(c: Check, year: int) -> CheckResult:
    from center.control.selectors import collective_decision_facts

    f = collective_decision_facts(year)
    ok = f["without_minutes"] == 0
    return CheckResult(
        c.code,
        _("三重一大事项集体决策"),
        c.points,
        _all_or_nothing(c, ok),
        _("金额达到 %(t)s 元的已批准单据共 %(n)s 张，缺少会议纪要 %(m)s 张。")
        % {"t": format_yuan(f["threshold"]), "n": f["above"], "m": f["without_minutes"]},
        [
            Fact(_("集体决策金额标准（元）"), format_yuan(f["threshold"]), reverse("control:config")),
            Fact(_("达到标准的已批准单据"), str(f["above"]), reverse("control:application_list")),
            Fact(_("其中缺少会议纪要"), str(f["without_minutes"]), reverse("control:application_list")),
        ],
        "" if ok else _("为达到集体决策标准的单据补充会议纪要。"),
    )


@check("delegation")
def delegation(c: Check, year: int) -> CheckResult:
    from center.accounts.selectors import delegations_in_year
    from center.control.selectors import delegated_approvals

    d = delegated_approvals(year)
    ok = d["uncovered"] == 0
    return CheckResult(
        c.code,
        _("审批授权委托有记录、有期限"),
        c.points,
        _all_or_nothing(c, ok),
        _("代他人审批 %(n)s 次，均有当时有效的委托记录。") % {"n": d["delegated"]}
        if ok
        else _("代他人审批 %(n)s 次，其中 %(m)s 次找不到当时有效的委托记录。")
        % {"n": d["delegated"], "m": d["uncovered"]},
        [
            Fact(_("本年度的审批委托"), str(delegations_in_year(year)), reverse("accounts:delegations")),
            Fact(_("受托审批次数"), str(d["delegated"])),
            Fact(_("无有效委托的代审批"), str(d["uncovered"])),
        ],
        "" if ok else _("核查无委托记录的代审批，补办或纠正授权。"),
    )


# --- 3.2 对权力运行的监督 ----------------------------------------------------------------------------------


@check("audit_chain")
def audit_chain(c: Check, year: int) -> CheckResult:
    report, verified_at = verified_chain(fresh=(_memo.get() or {}).get("fresh", False))
    ok = report.problem is None
    return CheckResult(
        c.code,
        _("操作日志完整、不可篡改（哈希链校验）"),
        c.points,
        _all_or_nothing(c, ok),
        _("审计日志哈希链校验通过，共 %(n)s 条记录。") % {"n": report.head.seq}
        if ok
        else _("审计日志哈希链校验未通过：第 %(n)s 条记录有问题。") % {"n": report.problem.seq},
        [
            Fact(_("审计日志记录数"), str(report.head.seq), reverse("core:audit_list")),
            Fact(_("校验结果"), _("完整") if ok else _("被改动")),
            Fact(_("校验时间"), timezone.localtime(verified_at).strftime("%Y-%m-%d %H:%M")),
        ],
        "" if ok else _("按运维手册从备份和锚点核查审计日志被改动的记录。"),
    )


@check("refusals_recorded")
def refusals_recorded(c: Check, year: int) -> CheckResult:
    from center.accounts.enums import Role
    from center.accounts.selectors import role_holders

    auditors = role_holders().get(Role.AUDITOR, 0)
    ok = auditors > 0
    return CheckResult(
        c.code,
        _("内控专员/审计员独立查阅全部记录"),
        c.points,
        _all_or_nothing(c, ok),
        _("有 %(n)s 个内控专员/审计员账号，只读查阅审计日志和全部单据，不兼任审批或出纳。") % {"n": auditors}
        if ok
        else _("没有内控专员/审计员账号。"),
        [Fact(_("内控专员/审计员账号"), str(auditors))],
        "" if ok else _("设立内控专员/审计员账号，负责日常监督。"),
    )


# --- 5 不相容岗位与职责分离 ------------------------------------------------------------------------------


@check("role_conflicts")
def role_conflicts(c: Check, year: int) -> CheckResult:
    from center.accounts.selectors import incompatible_role_holders

    found = incompatible_role_holders()
    ok = not found
    return CheckResult(
        c.code,
        _("不相容角色不由同一账号兼任"),
        c.points,
        _all_or_nothing(c, ok),
        _("系统管理员、审计员、出纳和财务审核等不相容角色的组合被系统拒绝，现有账号均无兼任。")
        if ok
        else _("%(n)s 个账号兼任不相容角色。") % {"n": len(found)},
        [Fact(_("兼任不相容角色的账号"), str(len(found)))]
        + [Fact(user.full_name, reason) for user, reason in found[:10]],
        "" if ok else _("调整兼任不相容角色的账号。"),
    )


@check("approval_separation")
def approval_separation(c: Check, year: int) -> CheckResult:
    from center.control.selectors import refusal_counts, separation_facts

    f = _once(separation_facts, year)
    refused = _once(refusal_counts, year)["control.approval.refused"]
    bad = f["self_approved"] + f["approved_twice"]
    ok = bad == 0
    return CheckResult(
        c.code,
        _("申请人与审批人分离，一人不在同一审批链审批两次"),
        c.points,
        _all_or_nothing(c, ok),
        _("本年度审批 %(n)s 次，无本人审批本人单据、无一人两级审批；系统拒绝了 %(r)s 次此类尝试。")
        % {"n": f["approved_tasks"], "r": refused}
        if ok
        else _("发现本人审批本人单据 %(a)s 次、一人两级审批 %(b)s 次。")
        % {"a": f["self_approved"], "b": f["approved_twice"]},
        [
            Fact(_("本年度审批次数"), str(f["approved_tasks"]), reverse("control:application_list")),
            Fact(_("被拒绝的审批尝试"), str(refused), _audit_link("control.approval.refused")),
            Fact(_("本人审批本人单据"), str(f["self_approved"])),
            Fact(_("同一审批链两次审批"), str(f["approved_twice"])),
        ],
        "" if ok else _("核查违反分离原则的审批并纠正审批流程。"),
    )


@check("payer_separation")
def payer_separation(c: Check, year: int) -> CheckResult:
    from center.control.selectors import refusal_counts, separation_facts

    f = _once(separation_facts, year)
    refused = _once(refusal_counts, year)["control.payment.incompatible_refused"]
    ok = f["payer_conflicts"] == 0
    return CheckResult(
        c.code,
        _("审批人、申请人与付款人分离"),
        c.points,
        _all_or_nothing(c, ok),
        _("本年度支付 %(n)s 笔，付款人均非申请人或审批人；系统拒绝了 %(r)s 次不相容岗位付款。")
        % {"n": f["payments"], "r": refused}
        if ok
        else _("%(m)s 笔支付由申请人或审批人办理。") % {"m": f["payer_conflicts"]},
        [
            Fact(_("本年度支付笔数"), str(f["payments"]), reverse("control:application_list")),
            Fact(
                _("被拒绝的不相容岗位付款"), str(refused), _audit_link("control.payment.incompatible_refused")
            ),
            Fact(_("付款人兼任申请或审批"), str(f["payer_conflicts"])),
        ],
        "" if ok else _("核查由申请人或审批人办理的支付。"),
    )


# --- 6 信息系统覆盖 ----------------------------------------------------------------------------------------


def module_status() -> list[tuple[dict, bool]]:
    """The business modules the evaluation expects and whether this system has them (an installed app)."""
    return [(m, apps.is_installed(m["app"])) for m in sheet().modules]


@check("module_coverage")
def module_coverage(c: Check, year: int) -> CheckResult:
    from center.core.translated import pick

    status = module_status()
    covered = [m for m, ok in status if ok]
    missing = [m for m, ok in status if not ok]
    score = _q(c.points * len(covered) / len(status)) if status else Decimal(0)
    names = _("、").join(pick(None, m["name"], m["name_en"]) for m in missing)
    return CheckResult(
        c.code,
        _("信息系统覆盖的业务模块"),
        c.points,
        score,
        _("应覆盖 %(n)s 个业务模块，已覆盖 %(k)s 个，按比例得分。") % {"n": len(status), "k": len(covered)}
        + (_("尚未覆盖：%(names)s。") % {"names": names} if missing else ""),
        [Fact(pick(None, m["name"], m["name_en"]), _("已覆盖") if ok else _("未覆盖")) for m, ok in status],
        _("建设%(names)s模块，纳入内控管理系统。") % {"names": names} if missing else "",
    )


@check("role_accounts")
def role_accounts(c: Check, year: int) -> CheckResult:
    from center.accounts.enums import Role
    from center.accounts.selectors import role_holders

    holders = role_holders()
    key = [Role.DIRECTOR, Role.FINANCE, Role.CASHIER, Role.AUDITOR, Role.SYSADMIN]
    held = [r for r in key if holders.get(r, 0) > 0]
    score = _q(c.points * len(held) / len(key))
    return CheckResult(
        c.code,
        _("不相容岗位各有账号、各有权限"),
        c.points,
        score,
        _(
            "单位负责人、财务审核、出纳、内控专员/审计员、系统管理员 %(n)s 个岗位中 %(k)s 个有独立账号，按比例得分。"
        )
        % {"n": len(key), "k": len(held)},
        [Fact(str(Role(r).label), str(holders.get(r, 0))) for r in key],
        "" if len(held) == len(key) else _("为缺少账号的岗位设立独立账号。"),
    )


# --- 7 预算业务 --------------------------------------------------------------------------------------------


@check("quotas_issued")
def quotas_issued(c: Check, year: int) -> CheckResult:
    from center.control.selectors import quota_facts

    f = _once(quota_facts, year)
    ok = f["quotas"] > 0 and f["issued"] == f["quotas"]
    return CheckResult(
        c.code,
        _("预算按项目、科目和部门分解为指标并下达"),
        c.points,
        _all_or_nothing(c, ok),
        _("本年度 %(n)s 条指标中 %(k)s 条经下达入账，分属 %(d)s 个部门。")
        % {"n": f["quotas"], "k": f["issued"], "d": f["departments"]},
        [
            Fact(_("指标条数"), str(f["quotas"]), _year_link("control:quota_list", year)),
            Fact(_("已下达指标"), str(f["issued"]), _year_link("control:quota_list", year)),
            Fact(_("批复数（元）"), format_yuan(f["approved"]), _year_link("control:dashboard", year)),
        ],
        "" if ok else _("由批复的部门预算生成并下达本年度指标。"),
    )


@check("adjustments_approved")
def adjustments_approved(c: Check, year: int) -> CheckResult:
    from center.control.selectors import adjustment_facts

    f = adjustment_facts(year)
    ok = f["self_approved"] == 0 and f["missing_bureau"] == 0
    return CheckResult(
        c.code,
        _("预算调剂经审批（须报财政局的有批复文号）"),
        c.points,
        _all_or_nothing(c, ok),
        _("本年度调剂 %(n)s 笔，已批准 %(a)s 笔，审批中 %(p)s 笔；自批 %(s)s 笔，缺财政局批复文号 %(b)s 笔。")
        % {
            "n": f["total"],
            "a": f["approved"],
            "p": f["pending"],
            "s": f["self_approved"],
            "b": f["missing_bureau"],
        },
        [
            Fact(_("调剂笔数"), str(f["total"]), _year_link("control:adjustment_list", year)),
            Fact(_("已批准"), str(f["approved"]), _year_link("control:adjustment_list", year)),
            Fact(_("申请人自批"), str(f["self_approved"])),
            Fact(_("缺财政局批复文号"), str(f["missing_bureau"])),
        ],
        "" if ok else _("核查自批或缺少财政局批复的调剂。"),
    )


@check("execution_variance")
def execution_variance(c: Check, year: int) -> CheckResult:
    from datetime import date

    from center.control.selectors import quota_facts

    f = _once(quota_facts, year)
    budget = f["approved"]
    if not budget:
        return CheckResult(
            c.code,
            _("预算执行差异率"),
            c.points,
            Decimal(0),
            _("本年度没有指标，无法计算。"),
            [],
            _("由批复的部门预算生成并下达本年度指标。"),
        )
    variance = _q(abs(f["executed"] - budget) * 100 / budget)
    share = Decimal(0)
    for limit, part in c.bands:
        if variance <= limit:
            share = part
            break
    bands = _("；").join(
        _("≤%(l)s%% 得 %(p)s%%") % {"l": format(limit.normalize(), "f"), "p": f"{part * 100:.0f}"}
        for limit, part in c.bands
    )
    explanation = _(
        "差异率 =｜执行数 − 年初批复数｜÷ 年初批复数 = %(v)s%%。分档：%(bands)s，其余不得分。"
    ) % {"v": variance, "bands": bands}
    if year >= date.today().year:
        explanation += _("本年度尚未结束，为临时结果。")
    return CheckResult(
        c.code,
        _("预算执行差异率"),
        c.points,
        _q(c.points * share),
        explanation,
        [
            Fact(_("年初批复数（元）"), format_yuan(budget), _year_link("control:dashboard", year)),
            Fact(_("调剂数（元）"), format_yuan(f["adjusted"]), _year_link("control:adjustment_list", year)),
            Fact(_("执行数（元）"), format_yuan(f["executed"]), _year_link("control:dashboard", year)),
            Fact(_("差异率"), f"{variance}%"),
        ],
        "" if share == 1 else _("加强预算执行进度管理，减少执行数与年初预算的差异。"),
    )


# --- 8.2 支出归口管理和分类控制 ----------------------------------------------------------------------------


@check("three_public")
def three_public(c: Check, year: int) -> CheckResult:
    from center.control.selectors import three_public_facts

    f = three_public_facts(year)
    ok = f["hard"] == f["quotas"] and f["reception_standards"] > 0
    return CheckResult(
        c.code,
        _("三公经费刚性控制，公务接待有开支标准"),
        c.points,
        _all_or_nothing(c, ok),
        _("三公经费指标 %(n)s 条，刚性控制 %(h)s 条；公务接待开支标准 %(s)s 项。")
        % {"n": f["quotas"], "h": f["hard"], "s": f["reception_standards"]},
        [
            Fact(_("三公经费指标"), str(f["quotas"]), _year_link("control:quota_list", year)),
            Fact(_("其中刚性控制"), str(f["hard"]), _year_link("control:quota_list", year)),
            Fact(_("公务接待开支标准"), str(f["reception_standards"]), reverse("control:config")),
        ],
        "" if ok else _("将三公经费指标设为刚性控制，并设定公务接待开支标准。"),
    )


@check("quota_overrun")
def quota_overrun(c: Check, year: int) -> CheckResult:
    from center.control.selectors import refusal_counts

    refused = _once(refusal_counts, year)["control.quota.overrun_refused"]
    return CheckResult(
        c.code,
        _("超指标支出被阻断"),
        c.points,
        c.points,
        _("指标可用数不会为负（数据库约束）；本年度系统阻断了 %(n)s 次超指标支出。") % {"n": refused},
        [Fact(_("被阻断的超指标支出"), str(refused), _audit_link("control.quota.overrun_refused"))],
    )


@check("prior_application")
def prior_application(c: Check, year: int) -> CheckResult:
    from center.control.selectors import claim_facts

    f = _once(claim_facts, year)
    ok = f["large_without_application"] == 0
    return CheckResult(
        c.code,
        _("支出先申请后报销"),
        c.points,
        _all_or_nothing(c, ok),
        _("报销 %(a)s 张有事前申请，%(b)s 张为 %(t)s 元以下的小额报销；超过限额而无事前申请的 %(c)s 张。")
        % {
            "a": f["with_application"],
            "b": f["without_application"] - f["large_without_application"],
            "t": format_yuan(f["threshold"]),
            "c": f["large_without_application"],
        },
        [
            Fact(_("有事前申请的报销"), str(f["with_application"]), reverse("control:application_list")),
            Fact(_("无事前申请的报销"), str(f["without_application"]), reverse("control:application_list")),
            Fact(_("免事前申请报销限额（元）"), format_yuan(f["threshold"]), reverse("control:config")),
        ],
        "" if ok else _("核查超过限额而无事前申请的报销。"),
    )


@check("duplicate_invoice")
def duplicate_invoice(c: Check, year: int) -> CheckResult:
    from center.control.selectors import claim_facts, refusal_counts

    f = _once(claim_facts, year)
    refused = _once(refusal_counts, year)["control.invoice.duplicate_refused"]
    ok = f["duplicate_invoices"] == 0
    return CheckResult(
        c.code,
        _("发票不重复报销"),
        c.points,
        _all_or_nothing(c, ok),
        _("本年度报销发票 %(n)s 张，无重复；系统拒绝了 %(r)s 次重复发票。")
        % {"n": f["invoices"], "r": refused}
        if ok
        else _("%(m)s 个发票号码在两张有效报销单上。") % {"m": f["duplicate_invoices"]},
        [
            Fact(_("报销发票张数"), str(f["invoices"]), reverse("control:application_list")),
            Fact(_("被拒绝的重复发票"), str(refused), _audit_link("control.invoice.duplicate_refused")),
            Fact(_("重复报销的发票"), str(f["duplicate_invoices"])),
        ],
        "" if ok else _("追回重复报销的款项。"),
    )
