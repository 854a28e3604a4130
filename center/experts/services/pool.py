"""Experts in the pool: records with their checked identifiers, profiles, the yearly refresh, the expert
lifecycle (core.statemachine: experts.enums.EXPERT) and revealing a full identifier (always audited)."""

from datetime import timedelta

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.validators import validate_mobile
from center.core.audit import audit_log, diff, snapshot
from center.core.crypto import blind_index
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.rules import require
from center.core.services import service

from .. import rules
from ..enums import (
    EXPERT,
    ExpertState,
    Gender,
    Region,
    TitleLevel,
)
from ..identity import id_index, normalise_id
from ..models import (
    Discipline,
    Expert,
    ExpertDiscipline,
    ExpertStateChange,
    Organisation,
)
from .organisations import _organisation

AUDITED = [
    "name",
    "gender",
    "birth_year",
    "id_type",
    "id_number",
    "phone",
    "email",
    "employer_id",
    "title",
    "title_level",
    "keywords",
    "region",
    "languages",
    "bank_name",
    "bank_account",
    "state",
]
PROFILE_FIELDS = {
    "name",
    "name_pinyin",
    "name_en",
    "name_traditional",
    "gender",
    "birth_year",
    "id_type",
    "id_number",
    "phone",
    "email",
    "title",
    "title_level",
    "keywords",
    "region",
    "languages",
    "bank_name",
    "bank_account",
}
PROFILE_VALID_DAYS = 365


def search_text(expert: Expert, employer_name: str = "") -> str:
    parts = [
        expert.name,
        expert.name_pinyin,
        expert.name_en,
        expert.name_traditional,
        expert.keywords,
        expert.title,
        employer_name,
    ]
    return " ".join(p for p in parts if p).lower()


def _clean(data: dict) -> dict:
    """Validate an expert's fields; return the cleaned values. Raises with the offending field named."""
    out = dict(data)
    if not (out.get("name") or "").strip():
        raise ApplicationError(_("姓名不能为空。"), {"field": "name"})
    out["name"] = out["name"].strip()
    if out.get("gender") not in Gender.values:
        raise ApplicationError(_("性别无效。"), {"field": "gender"})
    year = timezone.now().year
    try:
        out["birth_year"] = int(out.get("birth_year"))
    except (TypeError, ValueError):
        raise ApplicationError(_("出生年份无效。"), {"field": "birth_year"}) from None
    if not 1920 <= out["birth_year"] <= year - 18:
        raise ApplicationError(_("出生年份无效。"), {"field": "birth_year"})
    out["id_number"] = normalise_id(out.get("id_type"), out.get("id_number"))
    out["phone"] = validate_mobile(out.get("phone") or "")
    try:
        out["title_level"] = int(out.get("title_level"))
    except (TypeError, ValueError):
        out["title_level"] = 0
    if out["title_level"] not in TitleLevel.values:
        raise ApplicationError(_("职称级别无效。"), {"field": "title_level"})
    if out.get("region") not in Region.values:
        raise ApplicationError(_("地区无效。"), {"field": "region"})
    if not (out.get("title") or "").strip():
        raise ApplicationError(_("职称不能为空。"), {"field": "title"})
    bank = "".join((out.get("bank_account") or "").split())
    if bank and not (bank.isdigit() and 8 <= len(bank) <= 30):
        raise ApplicationError(_("银行账号应为 8–30 位数字。"), {"field": "bank_account"})
    out["bank_account"] = bank
    return out


def _check_duplicates(cleaned: dict, exclude_pk=None) -> tuple[str, str]:
    idx = id_index(cleaned["id_type"], cleaned["id_number"])
    phone_idx = blind_index(cleaned["phone"])
    qs = Expert.objects.exclude(pk=exclude_pk) if exclude_pk else Expert.objects.all()
    same_id = qs.filter(id_number_index=idx).first()
    if same_id:
        raise ConflictError(
            _("专家已存在：证件号码与 %(name)s（编号 %(pk)s）相同。")
            % {"name": same_id.name, "pk": same_id.pk},
            {"field": "id_number", "duplicate_of": same_id.pk},
        )
    same_phone = qs.filter(name=cleaned["name"], phone_index=phone_idx).first()
    if same_phone:
        raise ConflictError(
            _("专家已存在：同名且手机号相同（编号 %(pk)s）。") % {"pk": same_phone.pk},
            {"field": "phone", "duplicate_of": same_phone.pk},
        )
    return idx, phone_idx


def _set_disciplines(expert: Expert, codes: list[str]) -> None:
    found = {d.code: d for d in Discipline.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ApplicationError(
            _("未知的学科代码：%(c)s") % {"c": ", ".join(missing)}, {"field": "disciplines"}
        )
    if not codes:
        raise ApplicationError(_("至少选择一个学科。"), {"field": "disciplines"})
    ExpertDiscipline.objects.filter(expert=expert).delete()
    ExpertDiscipline.objects.bulk_create(
        [ExpertDiscipline(expert=expert, discipline=found[c], primary=(i == 0)) for i, c in enumerate(codes)]
    )


@service
def expert_create(
    *,
    actor,
    employer: Organisation,
    disciplines: list[str],
    user=None,
    state: str = ExpertState.APPLICANT,
    **data,
) -> Expert:
    """Create an expert record. Refuses invalid identifiers and duplicates (same ID, or same name + phone).
    `employer` is an Organisation or {"name", "credit_code", "region"}."""
    unknown = set(data) - PROFILE_FIELDS
    if unknown:
        raise ApplicationError(_("不能设置这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    cleaned = _clean(data)
    idx, phone_idx = _check_duplicates(cleaned)
    employer = _organisation(actor, employer)
    expert = Expert(
        employer=employer, user=user, state=state, id_number_index=idx, phone_index=phone_idx, **cleaned
    )
    if user is not None:
        expert.profile_confirmed_at = timezone.now()
    expert.search_text = search_text(expert, employer.name)
    try:
        _save_new(expert)
    except IntegrityError as exc:
        raise ConflictError(_("专家已存在（证件号码或姓名+手机号重复）。")) from exc
    _set_disciplines(expert, disciplines)
    ExpertStateChange.objects.create(
        expert=expert, to_state=state, actor=actor if getattr(actor, "pk", None) else None, reason=_("建档")
    )
    audit_log(
        "experts.expert.created",
        actor=actor,
        target=expert,
        changes=diff({}, snapshot(expert, AUDITED) | {"disciplines": disciplines}),
    )
    return expert


@service
def _save_new(expert: Expert) -> None:
    """Insert in a savepoint of its own: a duplicate raced in becomes a clear refusal, not a broken unit."""
    expert.save()


@service
def expert_update(
    *, actor, expert_id: int, disciplines: list[str] | None = None, employer=None, **fields
) -> Expert:
    """Update a profile (staff, or the expert through the portal); re-checks identifiers and duplicates.
    `employer` is an Organisation or {"name", "credit_code", "region"}."""
    expert = lock_one(Expert.objects.filter(pk=expert_id))
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    require(rules.can_edit_profile, actor, expert)
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ApplicationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(expert, AUDITED)
    current = {f: getattr(expert, f) for f in PROFILE_FIELDS}
    cleaned = _clean(current | fields)
    idx, phone_idx = _check_duplicates(cleaned, exclude_pk=expert.pk)
    for k, v in cleaned.items():
        setattr(expert, k, v)
    if employer is not None:
        expert.employer = _organisation(actor, employer)
    expert.id_number_index, expert.phone_index = idx, phone_idx
    if actor.is_external:
        expert.profile_confirmed_at = timezone.now()
    expert.search_text = search_text(expert, expert.employer.name)
    expert.save()
    if disciplines is not None:
        _set_disciplines(expert, disciplines)
    audit_log(
        "experts.expert.updated", actor=actor, target=expert, changes=diff(before, snapshot(expert, AUDITED))
    )
    return expert


@service
def expert_confirm_profile(*, actor, expert_id: int) -> Expert:
    """The yearly refresh: the expert confirms their profile is current."""
    expert = lock_one(Expert.objects.filter(pk=expert_id, user=actor))
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    expert.profile_confirmed_at = timezone.now()
    expert.save(update_fields=["profile_confirmed_at", "updated_at"])
    audit_log("experts.expert.profile_confirmed", actor=actor, target=expert)
    return expert


def profile_due(expert: Expert, now=None) -> bool:
    now = now or timezone.now()
    return expert.profile_confirmed_at is None or expert.profile_confirmed_at < now - timedelta(
        days=PROFILE_VALID_DAYS
    )


def require_state(machine, obj, verb: str, message: str) -> None:
    """Refuse `verb` from the object's state with this area's own wording (the machine holds the table)."""
    if not machine.allows(obj, verb):
        raise ConflictError(message, {"state": obj.state, "verb": verb})


def _lock_expert(expert_id: int) -> Expert:
    expert = lock_one(Expert.objects.filter(pk=expert_id))
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    return expert


@service
def expert_set_state(*, actor, expert_id: int, state: str, reason: str) -> Expert:
    """Move an expert to `state` (the staff page names the target; the verb is the one that leads there)."""
    return expert_apply_state(_lock_expert(expert_id), actor=actor, state=state, reason=reason)


def expert_apply_state(expert: Expert, *, actor, state: str, reason: str) -> Expert:
    """expert_set_state for an expert the caller's unit has already locked (experts are locked first)."""
    verb = next((v for v in EXPERT.verbs if EXPERT.target(v) == state and EXPERT.allows(expert, v)), None)
    if verb is None:
        raise ConflictError(
            _("不能从“%(a)s”变为“%(b)s”。")
            % {
                "a": expert.get_state_display(),
                "b": ExpertState(state).label if state in ExpertState.values else state,
            },
            {"state": expert.state},
        )
    return expert_transition(expert, verb, actor=actor, reason=reason)


def expert_transition(expert: Expert, verb: str, *, actor, reason: str) -> Expert:
    """Apply `verb` of the expert machine to a locked expert, with its reason and a history entry."""
    if not (reason or "").strip():
        raise ApplicationError(_("请填写原因。"), {"field": "reason"})
    old = expert.state
    EXPERT.apply(expert, verb, actor=actor, fields=["updated_at"], extra={"reason": reason[:300]})
    ExpertStateChange.objects.create(
        expert=expert,
        from_state=old,
        to_state=expert.state,
        reason=reason.strip()[:300],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    return expert


@service
def expert_admit(*, actor, expert_id: int, reason: str) -> Expert:
    return expert_transition(_lock_expert(expert_id), "admit", actor=actor, reason=reason)


@service
def expert_suspend(*, actor, expert_id: int, reason: str) -> Expert:
    return expert_transition(_lock_expert(expert_id), "suspend", actor=actor, reason=reason)


@service
def expert_withdraw(*, actor, expert_id: int, reason: str) -> Expert:
    return expert_transition(_lock_expert(expert_id), "withdraw", actor=actor, reason=reason)


EXPERT_SERVICES = {"admit": expert_admit, "suspend": expert_suspend, "withdraw": expert_withdraw}


REVEALABLE = {"id_number", "bank_account", "phone"}


@service
def expert_reveal(*, actor, expert_id: int, field_name: str, reason: str = "") -> str:
    """Show one full identifier. Needs the reveal permission; always audited (the value itself never is)."""
    if field_name not in REVEALABLE:
        raise ApplicationError(_("该字段不能查看。"))
    require(rules.can_reveal, actor)
    expert = Expert.objects.filter(pk=expert_id).first()
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    audit_log(
        "experts.expert.revealed",
        actor=actor,
        target=expert,
        extra={"field": field_name, "reason": reason[:200]},
    )
    return getattr(expert, field_name)
