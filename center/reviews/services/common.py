"""Shared pieces of the review services: labels, credit settings, the writer and state checks, the round lock."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from center.core.errors import ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.rules import require

from .. import rules
from ..enums import (
    AvoidanceKind,
)
from ..models import (
    ReviewRound,
)

GROUP_RULE_FIELDS = [
    "name",
    "discipline_id",
    "discipline_match",
    "size",
    "backups",
    "min_title_level",
    "max_per_org",
    "min_non_local",
    "min_international",
]
RULE_LABELS = {
    "state": gettext_lazy("状态不是“已入库”（含暂停、退出）"),
    "status": gettext_lazy("状态不是“已入库”（含暂停、退出）"),  # the code in draws fixed before the rename
    "title": gettext_lazy("职称低于要求"),
    "discipline": gettext_lazy("学科不匹配"),
}
CREDIT_DEFAULTS = {
    "no_show": -20,
    "late": -5,
    "flagged": -10,
    "expired": -5,
    "rating_low": -5,
    "suspend_below": 60,
}


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f")


def credit_config() -> dict:
    return CREDIT_DEFAULTS | getattr(settings, "REVIEW_CREDIT", {})


def rule_label(code: str) -> str:
    if code in RULE_LABELS:
        return str(RULE_LABELS[code])
    return str(AvoidanceKind(code).label) if code in AvoidanceKind.values else code


def require_state(machine, obj, verb: str, message: str) -> None:
    """Refuse `verb` from the object's state with this area's own wording (the machine holds the table)."""
    if not machine.allows(obj, verb):
        raise ConflictError(message, {"state": obj.state, "verb": verb})


def _require_writer(actor):
    require(rules.can_write, actor)


def _round_for_update(round_id) -> ReviewRound:
    rnd = lock_one(ReviewRound.objects.filter(pk=round_id))
    if rnd is None:
        raise NotFoundError(_("评审活动不存在。"))
    return rnd


def _not_locked(rnd: ReviewRound):
    if rnd.locked:
        raise ConflictError(_("评审结果已锁定，不能再修改。"))
