"""Organisations: one per 统一社会信用代码 (checked), or per exact name without one."""

from django.utils.translation import gettext as _

from center.core.audit import audit_log, diff
from center.core.errors import ApplicationError
from center.core.services import service

from ..enums import (
    Region,
)
from ..identity import normalise_credit_code
from ..models import (
    Organisation,
)


@service
def organisation_get_or_create(
    *, actor, name: str, credit_code: str = "", region: str = Region.SHENZHEN, name_en: str = ""
) -> Organisation:
    """One organisation per 统一社会信用代码 (checked); without a code, one per exact name."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("单位名称不能为空。"), {"field": "employer"})
    code = normalise_credit_code(credit_code)
    org = (
        Organisation.objects.filter(credit_code=code).first()
        if code
        else Organisation.objects.filter(name=name, credit_code="").first()
    )
    if org:
        return org
    org = Organisation.objects.create(name=name, credit_code=code, region=region, name_en=name_en)
    audit_log(
        "experts.organisation.created",
        actor=actor,
        target=org,
        changes=diff({}, {"name": name, "credit_code": code}),
    )
    return org


def _organisation(actor, org) -> Organisation | None:
    """An organisation given as itself, or as {"name", "credit_code", "region"} (found or created)."""
    if isinstance(org, dict):
        return organisation_get_or_create(actor=actor, **org)
    return org
