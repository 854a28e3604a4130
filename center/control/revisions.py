"""What an applicant changed on a returned document when resubmitting it (修改记录).

A resubmission takes a view of the document before and after (field → the value as a reader sees it: amounts
with separators, quota names, file names, invoice numbers) and stores the differences as a `Revision` of the
new approval round; the document page lists them with the fields' labels in the reader's language.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from . import approvals
from .enums import ApplicationType
from .models import Revision

# Field keys of a revision → their labels (the application's details keys are those of the form).
FIELD_LABELS = {
    "title": _("事由"),
    "amount": _("金额"),
    "lines": _("使用指标"),
    "justification": _("超标准说明"),
    "letter": _("公函"),
    "minutes": _("会议纪要"),
    "invoices": _("发票"),
    "app_type": _("申请类型"),
    "start_date": _("开始日期"),
    "end_date": _("结束日期"),
    "city": _("地点/城市"),
    "days": _("天数"),
    "attendees": _("参加人数"),
    "travellers": _("出差人数"),
    "route": _("行程路线"),
    "guests": _("来宾人数"),
    "companions": _("陪同人数"),
    "meals": _("用餐次数"),
    "experts": _("专家人数"),
    "purchase": _("采购内容"),
}

# What an application's details show on its page (keys other areas write included; others are not shown).
DETAIL_LABELS = {
    **{
        k: v for k, v in FIELD_LABELS.items() if k not in ("title", "amount", "lines", "invoices", "app_type")
    },
    "tax_withheld": _("代扣个人所得税（元）"),
    "round": _("评审轮次"),
}


def _money(value) -> str:
    return f"{value:,.2f}"


def _lines(lines) -> str:
    return "；".join(f"{ln.quota.name} {_money(ln.amount)}" for ln in sorted(lines, key=lambda x: x.quota_id))


def _file(att) -> str:
    return att.original_name if att is not None else ""


def application_view(app, lines) -> dict[str, str]:
    view = {
        "title": app.title,
        "amount": _money(app.amount),
        "lines": _lines(lines),
        "justification": app.justification,
        "letter": _file(app.letter),
        "minutes": _file(app.minutes),
    }
    for key, value in (app.details or {}).items():
        if key in FIELD_LABELS:
            view[key] = "" if value is None else str(value)
    return view


def reimbursement_view(r, lines, invoices) -> dict[str, str]:
    return {
        "title": r.title,
        "amount": _money(r.amount),
        "lines": _lines(lines),
        "invoices": "；".join(
            sorted(f"{i.code + '-' if i.code else ''}{i.number} {_money(i.amount)}" for i in invoices)
        ),
    }


def changes(before: dict, after: dict) -> list[dict]:
    out = []
    for key in FIELD_LABELS:
        old, new = before.get(key, ""), after.get(key, "")
        if old != new:
            out.append({"field": key, "old": old, "new": new})
    return out


def record(doc, *, actor, changes: list[dict]) -> Revision:
    """The revision of the round the resubmission started (kept even without changes: it was resubmitted)."""
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(type(doc)),
        object_id=doc.pk,
        round=approvals.current_round(doc),
        actor=actor,
        changes=changes,
    )


def for_document(doc) -> list[dict]:
    """The document's revisions, oldest first, with each change's label (for the document page)."""
    rows = Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(type(doc)), object_id=doc.pk
    ).select_related("actor")
    out = []
    for rev in rows.order_by("id"):
        items = []
        for change in rev.changes:
            key = change.get("field", "")
            old, new = change.get("old", ""), change.get("new", "")
            if key == "app_type":
                old, new = (
                    str(ApplicationType(v).label) if v in ApplicationType.values else v for v in (old, new)
                )
            items.append({"label": FIELD_LABELS.get(key, key), "old": old, "new": new})
        out.append({"revision": rev, "changes": items})
    return out
