"""Expert fees: computed per the round's standard, raised as money through budget control's public face."""

from decimal import Decimal

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ConflictError
from center.core.locks import lock_many
from center.core.services import service

from .. import scoring
from ..enums import (
    SheetState,
)
from ..fees import labour_tax
from ..models import (
    Assignment,
    ExpertFee,
    ScoreSheet,
)
from .common import _require_writer, _round_for_update


@service
def round_fees_compute(*, actor, round_id: int) -> list[ExpertFee]:
    """Fees per the round's standard (base + per submitted sheet), 劳务报酬 tax withheld, per expert.

    The totals are recorded against `budget_item_ref`; the expert-fee spending application on that budget
    item is raised through the budget-control area's service once it exists (see docs/experts-model.md).
    """
    _require_writer(actor)
    rnd = _round_for_update(round_id)
    if not rnd.locked:
        raise ConflictError(_("评审结果确认后才能计算专家费。"))
    fees = []
    for a in Assignment.objects.filter(group__round=rnd).select_related("expert"):
        n = a.sheets.filter(state=SheetState.SUBMITTED, excluded=False).count()
        if n == 0:
            continue
        gross = scoring.q2(rnd.fee_base + rnd.fee_per_sheet * n)
        tax = labour_tax(gross)
        fee, _c = ExpertFee.objects.update_or_create(
            round=rnd,
            expert=a.expert,
            defaults={
                "sheets": n,
                "gross": gross,
                "tax": tax,
                "net": gross - tax,
                "budget_item_ref": rnd.budget_item_ref,
            },
        )
        fees.append(fee)
    total = sum((f.gross for f in fees), Decimal(0))
    audit_log(
        "reviews.fees.computed",
        actor=actor,
        target=rnd,
        extra={"experts": len(fees), "gross": str(total), "budget_item_ref": rnd.budget_item_ref},
    )
    return fees


@service
def round_fees_request_funding(*, actor, round_id: int, quota_id: int):
    """Turn the round's computed fees into an expert-fee prior application (专家劳务费) on a quota of the
    round's budget item, through budget control's rules (freeze, approval chain). Records its number on
    every fee. Money is raised through budget control's public face (center.control.funding) only: its
    refusal (no quota, not enough left) rolls this unit back. Returns the application."""
    from center.control import funding

    _require_writer(actor)
    rnd = _round_for_update(round_id)
    fees = lock_many(rnd.fees.all())
    if not fees:
        raise ConflictError(_("请先计算专家费。"))
    if any(f.spending_ref for f in fees):
        raise ConflictError(_("专家费已提交支出申请：%(no)s。") % {"no": fees[0].spending_ref})
    total = sum((f.gross for f in fees), Decimal(0))
    # The review work's first and last day (its scores' submission): budget control refuses a quota of
    # another year than the one the review took place in.
    span = ScoreSheet.objects.filter(
        assignment__group__round=rnd, state=SheetState.SUBMITTED, submitted_at__isnull=False
    ).aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    dates = {
        key: timezone.localtime(span[field]).date().isoformat()
        for key, field in (("start_date", "first"), ("end_date", "last"))
        if span[field]
    }
    app = funding.request(
        applicant=actor,
        app_type="expert_fee",
        title=_("%(title)s 专家评审费") % {"title": rnd.title},
        year=rnd.year,
        lines=[(quota_id, total)],
        details={
            "experts": len(fees),
            "tax_withheld": str(sum((f.tax for f in fees), Decimal(0))),
            "round": rnd.code,
            **dates,
        },
    )
    ExpertFee.objects.filter(pk__in=[f.pk for f in fees]).update(spending_ref=app.number)
    audit_log(
        "reviews.fees.funding_requested",
        actor=actor,
        target=rnd,
        extra={"application": app.number, "gross": str(total)},
    )
    return app
