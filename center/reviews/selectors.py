"""Reads of the review area, scoped like the expert pool (专家服务部, its deputy, unit-wide readers)."""

from django.utils.translation import gettext as _

from center.core.errors import NotFoundError
from center.experts.selectors import require_office

from .enums import PickState, SheetState
from .models import Assignment, Draw, DrawPick, PublicNotice, ReviewGroup, ReviewRound, ScoreSheet


def round_get_for(user, scope, pk: int) -> ReviewRound:
    require_office(user, scope)
    rnd = ReviewRound.objects.filter(pk=pk).first()
    if rnd is None:
        raise NotFoundError(_("评审活动不存在。"))
    return rnd


def group_get_for(user, scope, pk: int) -> ReviewGroup:
    require_office(user, scope)
    g = ReviewGroup.objects.select_related("round", "discipline").filter(pk=pk).first()
    if g is None:
        raise NotFoundError(_("评审组不存在。"))
    return g


def draw_get_for(user, scope, pk: int) -> Draw:
    require_office(user, scope)
    d = Draw.objects.select_related("group__round", "fixed_by").filter(pk=pk).first()
    if d is None:
        raise NotFoundError(_("抽取记录不存在。"))
    return d


def progress(rnd) -> list[dict]:
    """Per assignment: sheets submitted / total, pledge state — what staff watch during scoring."""
    out = []
    for a in Assignment.objects.filter(group__round=rnd).select_related("expert", "group"):
        sheets = list(a.sheets.all())
        out.append(
            {
                "a": a,
                "total": len(sheets),
                "done": sum(1 for s in sheets if s.state == SheetState.SUBMITTED),
            }
        )
    return out


def expert_tasks(user):
    """The portal: invitations waiting for this expert, and their assignments with sheets."""
    picks = DrawPick.objects.filter(expert__user=user, state=PickState.INVITED).select_related(
        "draw__group__round"
    )
    assignments = (
        Assignment.objects.filter(expert__user=user)
        .select_related("group__round")
        .prefetch_related("sheets__application")
    )
    return picks, assignments


def assignment_for_expert(user, pk: int) -> Assignment:
    a = Assignment.objects.select_related("group__round", "expert").filter(pk=pk, expert__user=user).first()
    if a is None:
        raise NotFoundError(_("评审任务不存在。"))
    return a


def public_notices():
    return PublicNotice.objects.select_related("round")


def current_sheets(user):
    return ScoreSheet.objects.filter(assignment__expert__user=user)
