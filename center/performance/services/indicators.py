"""Declaring an indicator's source, entering manual values and ratings with evidence, registering and
accepting maintenance records and building milestones."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.locks import lock_one
from center.core.rules import require
from center.core.services import service

from ..binding_rules import find_base, suggest
from ..enums import (
    DERIVED_SOURCES,
    EVENT_SOURCES,
    MANUAL_SOURCES,
    RECORD_SOURCES,
    Rating,
    RecordKind,
    RecordState,
    SourceKind,
)
from ..models import IndicatorBinding, ManualValue, Record
from ..rules import may_accept, may_bind, may_enter
from .common import clean_note, get_indicator, lock_budget, refuse_if_locked, store_evidence


def _event_type_codes() -> dict[str, str]:
    from center.events.faces import event_types

    return dict(event_types())


def _clean_binding(indicator, source, event_types, base_id, deadline):
    if source not in SourceKind.values:
        raise ApplicationError(_("数据来源“%(s)s”不存在。") % {"s": source}, {"field": "source"})
    event_types = list(dict.fromkeys(event_types or []))
    if source != SourceKind.EVENTS and event_types:
        raise ApplicationError(
            _("只有数据来源为“活动举办场数”的指标可以指定活动类型。"), {"field": "event_types"}
        )
    if event_types:
        known = _event_type_codes()
        unknown = [c for c in event_types if c not in known]
        if unknown:
            raise ApplicationError(
                _("活动类型不存在：%(c)s。") % {"c": "、".join(unknown)}, {"field": "event_types"}
            )
    base = None
    if source in DERIVED_SOURCES:
        if not base_id:
            raise ApplicationError(_("完成率和及时性指标须指定所依据的数量指标。"), {"field": "base"})
        base = get_indicator(base_id)
        if base.budget_id != indicator.budget_id or base.project_id != indicator.project_id:
            raise ApplicationError(_("所依据的指标须属于同一项目。"), {"field": "base"})
        if base.pk == indicator.pk or base.kind != "quantitative":
            raise ApplicationError(_("所依据的指标须是本项目的另一个定量（数量）指标。"), {"field": "base"})
        b = IndicatorBinding.objects.filter(indicator=base).first()
        if b is not None and b.source in DERIVED_SOURCES:
            raise ApplicationError(_("所依据的指标本身也是推算得出的，请选择数量指标。"), {"field": "base"})
    elif base_id:
        raise ApplicationError(_("只有完成率和及时性指标需要指定所依据的数量指标。"), {"field": "base"})
    if source == SourceKind.RATING and indicator.kind != "qualitative":
        raise ApplicationError(_("定量指标不能采用“定性评价”来源。"), {"field": "source"})
    if indicator.kind == "qualitative" and source not in (SourceKind.RATING, SourceKind.TIMELINESS):
        raise ApplicationError(
            _("定性指标（如“及时”“有效保障”）只能采用“定性评价”或“及时性”来源。"), {"field": "source"}
        )
    year = indicator.budget.fiscal_year.year
    if deadline is not None and not (date(year, 1, 1) <= deadline <= date(year + 1, 12, 31)):
        raise ApplicationError(
            _("完成期限须在 %(y)d 年 1 月 1 日至次年年底之间。") % {"y": year}, {"field": "deadline"}
        )
    return event_types, base


@service
def binding_set(
    *, actor, indicator_id, source: str, event_types=(), base_id=None, deadline=None, note: str = ""
) -> IndicatorBinding:
    """Declare (or change) where an indicator's actual comes from. Refused: an unknown source or event type,
    a derived indicator without a base of its project, a source that no longer fits events already counted,
    an indicator of an approved (locked) self-evaluation. Side effect: audit entry."""
    indicator = get_indicator(indicator_id)
    lock_budget(indicator.budget_id)
    require(may_bind, actor, indicator)
    refuse_if_locked(indicator)
    event_types, base = _clean_binding(indicator, source, event_types, base_id, deadline)
    note = (note or "").strip()[:2000]
    current = lock_one(IndicatorBinding.objects.filter(indicator=indicator))
    if source not in EVENT_SOURCES:
        linked = indicator.events.count()
        if linked:
            raise ConflictError(
                _("已有 %(n)d 个活动计入该指标，只能采用活动类来源；请先在活动中取消关联。") % {"n": linked},
                {"field": "source", "events": linked},
            )
    before = (
        {
            "source": current.source,
            "event_types": current.event_types,
            "base": current.base_id,
            "deadline": str(current.deadline or ""),
            "note": current.note,
        }
        if current
        else {}
    )
    binding = current or IndicatorBinding(indicator=indicator)
    binding.source = source
    binding.event_types = event_types
    binding.base = base
    binding.deadline = deadline
    binding.note = note
    binding.updated_by = actor
    binding.save()
    after = {
        "source": source,
        "event_types": event_types,
        "base": base.pk if base else None,
        "deadline": str(deadline or ""),
        "note": note,
    }
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    audit_log("performance.binding.set", actor=actor, target=indicator, changes=changes)
    return binding


@service
def bindings_suggest(*, actor, budget_id: int) -> int:
    """Bind every indicator of a budget that has no source yet to the source its name proposes (finance
    reviews them afterwards). Returns how many were bound. Side effect: one audit entry."""
    from center.budget.models import PerformanceIndicator

    budget = lock_budget(budget_id)
    if actor is not None and not actor.has_role(Role.FINANCE, Role.DEPT_HEAD):
        raise ForbiddenError(str(may_bind.message))
    indicators = list(PerformanceIndicator.objects.filter(budget=budget).select_related("project", "budget"))
    bound = set(
        IndicatorBinding.objects.filter(indicator__budget=budget).values_list("indicator_id", flat=True)
    )
    types = list(_event_type_codes().items())
    made = 0
    for ind in indicators:
        if ind.pk in bound:
            continue
        if actor is not None and not may_bind(actor, ind):
            continue
        source, codes = suggest(ind, types)
        base = find_base(ind, indicators) if source in DERIVED_SOURCES else None
        if source in DERIVED_SOURCES and base is None:
            source = SourceKind.RATING if ind.kind == "qualitative" else SourceKind.MANUAL
        IndicatorBinding.objects.create(
            indicator=ind, source=source, event_types=codes, base=base, updated_by=actor
        )
        made += 1
    audit_log("performance.binding.suggested", actor=actor, target=budget, extra={"bound": made})
    return made


def _binding_for_write(binding_id):
    try:
        pk = int(binding_id)
    except (TypeError, ValueError):
        raise NotFoundError(_("指标数据来源不存在。")) from None
    b = (
        IndicatorBinding.objects.select_related("indicator__project", "indicator__budget")
        .filter(pk=pk)
        .first()
    )
    if b is None:
        raise NotFoundError(_("指标数据来源不存在。"))
    return b


def _clean_value(value):
    if value is None or value == "":
        raise ApplicationError(_("请填写数值。"), {"field": "value"})
    try:
        value = Decimal(str(value).strip())
    except InvalidOperation:
        raise ApplicationError(_("数值格式不正确。"), {"field": "value"}) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        raise ApplicationError(_("数值须为不小于 0 的数。"), {"field": "value"})
    if value != value.quantize(Decimal("0.01")):
        raise ApplicationError(_("数值最多保留两位小数。"), {"field": "value"})
    return value


def _clean_day(day, year: int, field: str) -> date:
    if not isinstance(day, date):
        raise ApplicationError(_("请填写日期。"), {"field": field})
    if day > timezone.localdate():
        raise ApplicationError(_("日期不能晚于今天。"), {"field": field})
    if day < date(year, 1, 1):
        raise ApplicationError(_("日期不能早于预算年度 %(y)d 年。") % {"y": year}, {"field": field})
    return day


@service
def value_add(
    *, actor, binding_id, as_of: date, note: str, files, value=None, rating: str = ""
) -> ManualValue:
    """Enter a manual value (or a qualitative rating) with its evidence: a note and at least one file.
    Refused without evidence, for a source that is computed, or once the evaluation covering it is approved."""
    binding = _binding_for_write(binding_id)
    indicator = binding.indicator
    lock_budget(indicator.budget_id)
    binding = lock_one(IndicatorBinding.objects.filter(pk=binding.pk).select_related("indicator__project"))
    require(may_enter, actor, indicator)
    refuse_if_locked(indicator)
    if binding.source not in MANUAL_SOURCES:
        raise ApplicationError(
            _("该指标的数据来源为“%(s)s”，由系统计算，不能手工填报。") % {"s": binding.get_source_display()},
            {"field": "value"},
        )
    as_of = _clean_day(as_of, indicator.budget.fiscal_year.year, "as_of")
    note = clean_note(note)
    if binding.source == SourceKind.RATING:
        if rating not in Rating.values:
            raise ApplicationError(_("请选择评价：达成、部分达成或未达成。"), {"field": "rating"})
        value = None
    else:
        value = _clean_value(value)
        rating = ""
    attachments = store_evidence(actor, files)
    mv = ManualValue.objects.create(
        binding=binding, value=value, rating=rating, as_of=as_of, note=note, entered_by=actor
    )
    mv.attachments.set(attachments)
    audit_log(
        "performance.value.created",
        actor=actor,
        target=indicator,
        changes={"value": [None, str(value) if value is not None else rating]},
        extra={"as_of": str(as_of), "files": len(attachments)},
    )
    return mv


@service
def record_add(*, actor, binding_id, title: str, due_on: date | None = None) -> Record:
    """Register a maintenance record or a building milestone to be accepted later."""
    binding = _binding_for_write(binding_id)
    indicator = binding.indicator
    lock_budget(indicator.budget_id)
    require(may_enter, actor, indicator)
    refuse_if_locked(indicator)
    if binding.source not in RECORD_SOURCES:
        raise ApplicationError(
            _("只有数据来源为维护记录或建设里程碑的指标可以登记记录。"), {"field": "title"}
        )
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("请填写内容。"), {"field": "title"})
    if len(title) > 200:
        raise ApplicationError(_("内容不能超过 200 字。"), {"field": "title"})
    kind = RecordKind.MAINTENANCE if binding.source == SourceKind.MAINTENANCE else RecordKind.MILESTONE
    rec = Record.objects.create(binding=binding, kind=kind, title=title, due_on=due_on, created_by=actor)
    audit_log("performance.record.created", actor=actor, target=rec, extra={"indicator": indicator.pk})
    return rec


@service
def record_accept(*, actor, record_id, accepted_on: date, note: str, files) -> Record:
    """Accept (验收) a record with the acceptance note and evidence; it then counts towards its indicator."""
    rec = (
        Record.objects.select_related("binding__indicator__project", "binding__indicator__budget")
        .filter(pk=record_id)
        .first()
    )
    if rec is None:
        raise NotFoundError(_("记录不存在。"))
    indicator = rec.binding.indicator
    lock_budget(indicator.budget_id)
    rec = lock_one(Record.objects.filter(pk=rec.pk).select_related("binding__indicator__project"))
    require(may_accept, actor, rec)
    refuse_if_locked(indicator)
    if rec.state != RecordState.PLANNED:
        raise ConflictError(_("该记录已验收。"), {"state": rec.state})
    accepted_on = _clean_day(accepted_on, indicator.budget.fiscal_year.year, "accepted_on")
    note = clean_note(note)
    attachments = store_evidence(actor, files)
    rec.state = RecordState.ACCEPTED
    rec.accepted_on = accepted_on
    rec.accepted_by = actor
    rec.acceptance_note = note
    rec.save(update_fields=["state", "accepted_on", "accepted_by", "acceptance_note"])
    rec.attachments.set(attachments)
    audit_log(
        "performance.record.accepted",
        actor=actor,
        target=rec,
        changes={"state": [RecordState.PLANNED, RecordState.ACCEPTED]},
        extra={"accepted_on": str(accepted_on), "files": len(attachments)},
    )
    return rec
