"""The expert portal's writes: the pledge and conflict declaration, opening and submitting score sheets."""

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.services import service

from .. import scoring
from ..enums import (
    SHEET,
    CreditKind,
    FormalState,
    RoundState,
)
from ..models import (
    Assignment,
    Score,
    ScoreSheet,
)
from .common import _not_locked, _num, credit_config, require_state
from .credit import _credit, _lock_expert


def _own_assignment(actor, assignment_id) -> Assignment:
    a = lock_one(Assignment.objects.select_related("group__round", "expert").filter(pk=assignment_id))
    if a is None or a.expert.user_id != actor.pk:
        raise NotFoundError(_("评审任务不存在。"))
    return a


@service
def assignment_sign(
    *, actor, assignment_id: int, pledge: bool, conflict_application_ids=(), note: str = ""
) -> Assignment:
    """The expert signs the pledge (承诺书) and declares conflicts; only then are the applications opened to them."""
    a = _own_assignment(actor, assignment_id)
    _not_locked(a.group.round)
    if a.ready:
        raise ConflictError(_("您已签署承诺并完成利益冲突声明。"))
    if not pledge:
        raise ApplicationError(_("请先阅读并签署评审承诺书。"), {"field": "pledge"})
    apps = list(a.group.applications.exclude(formal_state=FormalState.FAILED))
    conflicts = [x for x in apps if x.pk in set(conflict_application_ids)]
    if conflicts and not note.strip():
        raise ApplicationError(_("请说明利益冲突的情况。"), {"field": "note"})
    now = timezone.now()
    a.pledge_signed_at = a.conflicts_declared_at = now
    a.conflict_note = note.strip()[:300]
    a.save()
    a.conflict_applications.set(conflicts)
    ScoreSheet.objects.bulk_create(
        [ScoreSheet(assignment=a, application=x) for x in apps if x not in conflicts]
    )
    audit_log(
        "reviews.assignment.pledged",
        actor=actor,
        target=a.group,
        extra={"expert": a.expert_id, "conflicts": [x.code for x in conflicts]},
    )
    return a


def sheet_get_for_expert(actor, sheet_id: int) -> ScoreSheet:
    sheet = (
        ScoreSheet.objects.select_related("assignment__expert", "assignment__group__round", "application")
        .filter(pk=sheet_id, assignment__expert__user=actor)
        .first()
    )
    if sheet is None or not sheet.assignment.ready:
        raise NotFoundError(_("评审材料不存在或未分配给您。"))
    return sheet


@service
def document_downloaded(*, actor, sheet_id: int, attachment_id: int) -> None:
    """Record that an expert downloaded an application's material (the file is served by the view)."""
    sheet = sheet_get_for_expert(actor, sheet_id)
    audit_log(
        "reviews.document.downloaded",
        actor=actor,
        target=sheet.application,
        extra={"attachment": attachment_id},
    )


@service
def sheet_open(*, actor, sheet_id: int) -> ScoreSheet:
    """An expert opens an application assigned to them; the first opening starts the review clock."""
    sheet = sheet_get_for_expert(actor, sheet_id)
    if sheet.opened_at is None:
        sheet.opened_at = timezone.now()
        sheet.save(update_fields=["opened_at"])
        audit_log("reviews.sheet.opened", actor=actor, target=sheet.application)
    return sheet


def _check_values(criteria, values, *, draft: bool):
    """Each criterion's (value, comment) checked: (Score rows, weighted lines, vetoed, {field: message}).

    A draft may leave a criterion blank and a comment missing; what it holds must still be in range."""
    fields, lines, rows, vetoed = {}, [], [], False
    for c in criteria:
        raw, remark = values.get(c.pk, ("", ""))
        remark = (remark or "").strip()
        raw = str(raw if raw is not None else "").strip()
        if not raw and draft:
            if remark:
                fields[f"score_{c.pk}"] = _("“%(c)s”写了意见，请同时填写分数。") % {"c": c.name}
            continue
        try:
            v = Decimal(raw)
        except InvalidOperation:
            fields[f"score_{c.pk}"] = _("“%(c)s”须填写分数。") % {"c": c.name}
            continue
        if not v.is_finite() or not (c.min_score <= v <= c.max_score):
            fields[f"score_{c.pk}"] = _("“%(c)s”的分数须在 %(lo)s–%(hi)s 之间。") % {
                "c": c.name,
                "lo": _num(c.min_score),
                "hi": _num(c.max_score),
            }
            continue
        if c.is_veto and v not in (0, 1):
            fields[f"score_{c.pk}"] = _("否决项“%(c)s”只能选是或否。") % {"c": c.name}
            continue
        if not draft and (c.comment_required or (c.is_veto and v == 1)) and not remark:
            fields[f"comment_{c.pk}"] = _("“%(c)s”须填写意见。") % {"c": c.name}
            continue
        if c.is_veto:
            vetoed = vetoed or v == 1
        else:
            lines.append((c.weight, v))
        rows.append(Score(sheet_id=None, criterion=c, value=v, comment=remark))
    return rows, lines, vetoed, fields


def _refuse(fields: dict):
    errors = list(fields.values())
    raise ApplicationError(" ".join(errors), {"errors": errors, "fields": fields})


def _store(sheet, rows) -> None:
    for row in rows:
        row.sheet = sheet
    Score.objects.filter(sheet=sheet).delete()
    Score.objects.bulk_create(rows)


@service
def sheet_save_draft(
    *, actor, sheet_id: int, values: dict[int, tuple[str, str]], comment: str = ""
) -> ScoreSheet:
    """Save the expert's scores so far without submitting: blanks allowed, what is filled in must be in range.
    The sheet stays a draft (it can be changed and is not counted) until the final submission."""
    sheet = sheet_get_for_expert(actor, sheet_id)
    rnd = sheet.assignment.group.round
    lock_one(ScoreSheet.objects.filter(pk=sheet.pk))
    sheet.refresh_from_db(fields=["state"])
    if rnd.state != RoundState.SCORING:
        raise ConflictError(_("评审未在进行中。"))
    require_state(SHEET, sheet, "submit", _("该评分表已提交。"))
    rows, lines, _vetoed, fields = _check_values(rnd.criteria.all(), values, draft=True)
    if fields:
        _refuse(fields)
    _store(sheet, rows)
    sheet.total = scoring.sheet_total(lines)
    sheet.comment = comment.strip()
    sheet.draft_saved_at = timezone.now()
    sheet.opened_at = sheet.opened_at or sheet.draft_saved_at
    sheet.save(update_fields=["total", "comment", "draft_saved_at", "opened_at"])
    audit_log(
        "reviews.sheet.draft_saved",
        actor=actor,
        target=sheet.application,
        extra={"filled": len(rows), "total": str(sheet.total)},
    )
    return sheet


@service
def sheet_submit(
    *, actor, sheet_id: int, values: dict[int, tuple[str, str]], comment: str = "", now=None
) -> ScoreSheet:
    """Submit scores {criterion_id: (value, comment)}. Every score in range, every required comment present."""
    sheet = sheet_get_for_expert(actor, sheet_id)
    rnd = sheet.assignment.group.round
    now = now or timezone.now()
    late = bool(rnd.scoring_deadline and now > rnd.scoring_deadline)
    # A late sheet costs credit: the expert (master data) is locked before the sheet (a task).
    expert = _lock_expert(sheet.assignment.expert_id) if late else None
    lock_one(ScoreSheet.objects.filter(pk=sheet.pk))
    sheet.refresh_from_db(fields=["state"])
    if rnd.state != RoundState.SCORING:
        raise ConflictError(_("评审未在进行中。"))
    require_state(SHEET, sheet, "submit", _("该评分表已提交。"))
    rows, lines, vetoed, fields = _check_values(rnd.criteria.all(), values, draft=False)
    if fields:
        _refuse(fields)
    _store(sheet, rows)
    sheet.total = scoring.sheet_total(lines)
    sheet.vetoed, sheet.comment = vetoed, comment.strip()
    sheet.submitted_at = now
    sheet.opened_at = sheet.opened_at or now
    SHEET.apply(
        sheet,
        "submit",
        actor=actor,
        fields=["total", "vetoed", "comment", "submitted_at", "opened_at"],
        extra={"application": sheet.application.code, "total": str(sheet.total), "vetoed": vetoed},
    )
    if late:
        _credit(
            expert,
            actor=None,
            kind=CreditKind.LATE,
            points=credit_config()["late"],
            round_id=rnd.pk,
            note=sheet.application.code,
        )
    return sheet
