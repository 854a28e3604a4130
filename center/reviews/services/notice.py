"""The public notice (公示) of locked results, and objections to it."""

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.validators import validate_mobile
from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.rules import require
from center.core.services import service

from .. import rules
from ..enums import (
    NOTICE,
    OBJECTION,
    ROUND,
    NoticeState,
    PartyRole,
)
from ..models import (
    ApplicationResult,
    Objection,
    PublicNotice,
)
from .common import _require_writer, _round_for_update, require_state


def notice_rows(rnd) -> list[dict]:
    results = (
        ApplicationResult.objects.filter(application__round=rnd)
        .select_related("application")
        .order_by("rank", "application__code")
    )
    rows = []
    for r in results:
        lead = r.application.parties.filter(role=PartyRole.APPLICANT).select_related("organisation").first()
        rows.append(
            {
                "code": r.application.code,
                "title": r.application.title,
                "applicant": (
                    lead.organisation.name
                    if lead and lead.organisation
                    else (lead.person_name if lead else "")
                ),
                "score": str(r.score) if r.score is not None else "",
                "rank": r.rank,
                "vetoed": r.vetoed,
            }
        )
    return rows


# The fields of a notice row a correction may change (the scores and ranks are the locked results).
CORRECTABLE = ("title", "applicant")


def _corrected_rows(rows: list[dict], corrections: dict) -> list[dict]:
    out = []
    for row in rows:
        fix = corrections.get(row["code"]) or {}
        row = dict(row)
        for field in CORRECTABLE:
            value = (fix.get(field) or "").strip()
            if value:
                row[field] = value[:200]
        out.append(row)
    return out


def notice_changes(notice, previous=None) -> list[dict]:
    """What a version corrected against the version before it: [{code, field, old, new}] ("" code: the notice)."""
    previous = previous or notice.round.notices.filter(version=notice.version - 1).first()
    if previous is None:
        return []
    changes = []
    if previous.title != notice.title:
        changes.append({"code": "", "field": "title", "old": previous.title, "new": notice.title})
    if previous.body != notice.body:
        changes.append({"code": "", "field": "body", "old": previous.body, "new": notice.body})
    before = {row["code"]: row for row in previous.rows}
    for row in notice.rows:
        old = before.get(row["code"], {})
        for field in ("title", "applicant", "score", "rank"):
            if old.get(field) != row.get(field):
                changes.append(
                    {
                        "code": row["code"],
                        "field": field,
                        "old": old.get(field, ""),
                        "new": row.get(field, ""),
                    }
                )
    return changes


@service
def notice_publish(
    *,
    actor,
    round_id: int,
    title: str,
    body: str = "",
    days: int = 5,
    change_note: str = "",
    corrections: dict | None = None,
) -> PublicNotice:
    """Publish the locked results (公示) with an objection window; a new version supersedes, never hides, the old.

    A corrected version starts from the current one: its introduction is kept unless a new one is given, and
    `corrections` {code: {"title", "applicant"}} change its rows. A version that corrects nothing is refused."""
    require(rules.can_publish_notice, actor)
    rnd = _round_for_update(round_id)
    require_state(ROUND, rnd, "publish", _("评审结果确认锁定后才能公示。"))
    if days < 1:
        raise ApplicationError(_("公示期至少 1 天。"), {"field": "days"})
    previous = rnd.notices.filter(state=NoticeState.CURRENT).first()
    if previous and not change_note.strip():
        raise ApplicationError(_("重新发布须说明更正内容。"), {"field": "change_note"})
    body = (body or "").strip() or (previous.body if previous else "")
    rows = _corrected_rows(previous.rows if previous else notice_rows(rnd), corrections or {})
    if previous and rows == previous.rows and body == previous.body and title == previous.title:
        raise ApplicationError(
            _("更正版与现行版本内容相同：请在表中改正有误的项目名称或申报单位，或修改公示说明。"),
            {"field": "corrections"},
        )
    now = timezone.now()
    version = (rnd.notices.aggregate(m=Max("version"))["m"] or 0) + 1
    if previous:
        NOTICE.apply(previous, "supersede", actor=actor, extra={"by_version": version})
    notice = PublicNotice.objects.create(
        round=rnd,
        version=version,
        title=title,
        body=body,
        rows=rows,
        published_at=now,
        objection_until=now + timedelta(days=days),
        published_by=actor,
        change_note=change_note.strip()[:300],
    )
    ROUND.apply(
        rnd,
        "publish",
        actor=actor,
        extra={"notice": notice.pk, "version": version, "days": days, "corrected": notice_changes(notice)},
    )
    return notice


@service
def objection_submit(
    *, notice_id: int, name: str, phone: str, content: str, application_id=None
) -> Objection:
    notice = PublicNotice.objects.filter(pk=notice_id).first()
    if notice is None:
        raise NotFoundError(_("公示不存在。"))
    if notice.state != NoticeState.CURRENT or timezone.now() > notice.objection_until:
        raise ConflictError(_("公示期已结束或该版本已被替代，不能再提出异议。"))
    if not name.strip() or not content.strip():
        raise ApplicationError(_("请填写姓名和异议内容。"), {"field": "content"})
    phone = validate_mobile(phone)
    app = notice.round.applications.filter(pk=application_id).first() if application_id else None
    obj = Objection.objects.create(
        notice=notice,
        application=app,
        name=name.strip()[:50],
        contact_phone=phone,
        content=content.strip()[:4000],
    )
    audit_log(
        "reviews.objection.submitted", target=notice, extra={"objection": obj.pk, "contact_phone": phone}
    )
    return obj


@service
def objection_answer(*, actor, objection_id: int, answer: str) -> Objection:
    _require_writer(actor)
    obj = lock_one(Objection.objects.filter(pk=objection_id))
    if obj is None:
        raise NotFoundError(_("异议不存在。"))
    require_state(OBJECTION, obj, "answer", _("该异议已答复。"))
    if not answer.strip():
        raise ApplicationError(_("请填写答复。"), {"field": "answer"})
    obj.answer, obj.answered_by, obj.answered_at = answer.strip(), actor, timezone.now()
    return OBJECTION.apply(
        obj,
        "answer",
        actor=actor,
        fields=["answer", "answered_by", "answered_at"],
        extra={"notice": obj.notice_id},
    )
