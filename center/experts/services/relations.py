"""Declared ties of an expert (relatives, teachers and students, co-authors, former employers)."""

from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError
from center.core.services import service

from ..enums import (
    RelationKind,
)
from ..models import (
    ExpertRelation,
)
from .organisations import _organisation


@service
def relation_add(
    *,
    actor,
    expert_id: int,
    kind: str,
    other_expert_id=None,
    other_name="",
    organisation=None,
    start_date=None,
    end_date=None,
    note="",
) -> ExpertRelation:
    if kind not in RelationKind.values:
        raise ApplicationError(_("关系类型无效。"), {"field": "kind"})
    if kind == RelationKind.FORMER_EMPLOYER and organisation is None:
        raise ApplicationError(_("曾任职单位须填写单位。"), {"field": "organisation"})
    if kind != RelationKind.FORMER_EMPLOYER and not (other_expert_id or other_name.strip()):
        raise ApplicationError(_("请填写对方姓名。"), {"field": "other_name"})
    rel = ExpertRelation.objects.create(
        expert_id=expert_id,
        kind=kind,
        other_expert_id=other_expert_id,
        other_name=other_name.strip(),
        organisation=_organisation(actor, organisation),
        start_date=start_date,
        end_date=end_date,
        note=note,
    )
    audit_log("experts.relation.added", actor=actor, target=rel.expert, extra={"kind": kind})
    return rel
