"""Organisations: one per 统一社会信用代码 (checked); a typed name is matched to the units already known by its
normalised form (`identity.org_name_key`), and a near-duplicate is only created once the user said so."""

from difflib import SequenceMatcher

from django.utils.translation import gettext as _

from center.core.audit import audit_log, diff
from center.core.errors import ApplicationError, NotFoundError
from center.core.services import service

from ..enums import (
    Region,
)
from ..identity import normalise_credit_code, org_name_key
from ..models import (
    Organisation,
)

# Names this similar (difflib ratio of the normalised forms) are asked about before a new unit is created.
SIMILAR_RATIO = 0.85
# A name of at least this many characters inside another one is asked about too.
CONTAINED_MIN = 4


class OrganisationNeedsConfirmation(ApplicationError):
    """A typed organisation resembles known ones: the form asks "是否为已有单位 …？" and posts the answer back
    (`confirmed_id`: it is that unit; `confirmed_new`: it is another one). extra["candidates"]: [(id, name)]."""


def similar_organisations(name: str, *, code_less_only: bool = False, limit: int = 3) -> list[Organisation]:
    """Known units whose normalised name equals the typed one's, or is very similar (best first)."""
    key = org_name_key(name)
    if not key:
        return []
    qs = Organisation.objects.only("id", "name", "name_key", "credit_code")
    if code_less_only:
        qs = qs.filter(credit_code="")
    scored = []
    for org in qs.iterator():
        if org.name_key == key:
            scored.append((2.0, org.pk, org))
            continue
        short, other = sorted((key, org.name_key), key=len)
        if len(short) >= CONTAINED_MIN and short in other:  # 南方科技大学 / 南方科技大学深圳研究院
            scored.append((1.5, org.pk, org))
            continue
        m = SequenceMatcher(None, key, org.name_key)
        if m.real_quick_ratio() >= SIMILAR_RATIO and m.quick_ratio() >= SIMILAR_RATIO:
            ratio = m.ratio()
            if ratio >= SIMILAR_RATIO:
                scored.append((ratio, org.pk, org))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [org for _r, _pk, org in scored[:limit]]


@service
def organisation_get_or_create(
    *,
    actor,
    name: str,
    credit_code: str = "",
    region: str = Region.SHENZHEN,
    name_en: str = "",
    confirmed_id: int | None = None,
    confirmed_new: bool = False,
) -> Organisation:
    """The unit a form names. By 统一社会信用代码 when given and known; a unit the user confirmed
    (`confirmed_id`); a unit of exactly that name. Otherwise, when known units have the same normalised name or
    a very similar one, `OrganisationNeedsConfirmation` unless the user confirmed it is another unit
    (`confirmed_new`, audited with the units it was told apart from); else a new unit."""
    name = (name or "").strip()
    code = normalise_credit_code(credit_code)
    if confirmed_id:
        org = Organisation.objects.filter(pk=confirmed_id).first()
        if org is None:
            raise NotFoundError(_("所选单位不存在。"), {"field": "org_name"})
        if code and org.credit_code and org.credit_code != code:
            raise ApplicationError(
                _("所选单位“%(n)s”的统一社会信用代码与填写的不一致。") % {"n": org.name},
                {"field": "credit_code"},
            )
        return org
    if not name:
        raise ApplicationError(_("单位名称不能为空。"), {"field": "employer"})
    if code:
        org = Organisation.objects.filter(credit_code=code).first()
        if org:
            return org
    else:
        org = Organisation.objects.filter(name=name).order_by("-credit_code", "pk").first()
        if org:
            return org
    # With a code, only a unit without one can be the same (two different codes are two units).
    candidates = similar_organisations(name, code_less_only=bool(code))
    if candidates and not confirmed_new:
        raise OrganisationNeedsConfirmation(
            _("是否为已有单位 %(n)s？请确认后再提交。") % {"n": "、".join(o.name for o in candidates)},
            {"field": "org_name", "candidates": [(o.pk, o.name) for o in candidates]},
        )
    org = Organisation.objects.create(name=name, credit_code=code, region=region, name_en=name_en)
    changes = diff({}, {"name": name, "credit_code": code})
    audit_log(
        "experts.organisation.created",
        actor=actor,
        target=org,
        changes=changes,
        extra={"confirmed_distinct_from": [o.pk for o in candidates]} if candidates else None,
    )
    return org


def _organisation(actor, org) -> Organisation | None:
    """An organisation given as itself, or as {"name", "credit_code", "region", "confirmed_*"} (found or
    created)."""
    if isinstance(org, dict):
        return organisation_get_or_create(actor=actor, **org)
    return org
