"""Reads of the internal-control evaluation. Evaluations are the unit's: every reader the policy lets in sees
all of them (finance, the director, the auditor)."""

from django.utils.translation import gettext as _

from center.core.errors import NotFoundError

from .models import Evaluation, ItemScore


def evaluation_list():
    return Evaluation.objects.select_related("created_by", "submitted_by", "approved_by").order_by("-year")


def evaluation_get(pk) -> Evaluation:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    evaluation = evaluation_list().filter(pk=pk).first()
    if evaluation is None:
        raise NotFoundError(_("评价不存在。"))
    return evaluation


def evidence_attachment(evaluation: Evaluation, attachment_id):
    """An attachment that is evidence of one of this evaluation's hand scores (else: not found)."""
    score = (
        ItemScore.objects.filter(evaluation=evaluation, attachments__pk=attachment_id)
        .prefetch_related("attachments")
        .first()
    )
    att = next((a for a in score.attachments.all() if a.pk == attachment_id), None) if score else None
    if att is None:
        raise NotFoundError(_("附件不存在。"))
    return att
