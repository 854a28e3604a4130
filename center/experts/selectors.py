"""Reads of the expert pool, scoped: only 专家服务部 (and its deputy) and unit-wide readers see it."""

from django.utils.translation import gettext as _

from center.core.errors import NotFoundError
from center.reviews.faces import available_experts_q

from . import rules
from .models import Discipline, Expert, ExpertDiscipline, RecruitmentCall


def require_office(user, scope) -> None:
    if not rules.sees_office_data(user, scope):
        raise NotFoundError(_("页面不存在。"))


def expert_search(
    *,
    q: str = "",
    discipline: Discipline | None = None,
    title_level: int | None = None,
    region: str = "",
    state: str = "",
    available: bool = False,
):
    """Substring search over name forms (中文, pinyin, English, 繁體), keywords, title and employer; filters."""
    qs = Expert.objects.select_related("employer")
    q = (q or "").strip().lower()
    if q:
        qs = qs.filter(search_text__contains=q)
    if discipline is not None:
        qs = qs.filter(
            pk__in=ExpertDiscipline.objects.filter(discipline__path__startswith=discipline.path).values(
                "expert_id"
            )
        )
    if title_level:
        qs = qs.filter(title_level__gte=title_level)
    if region:
        qs = qs.filter(region=region)
    if state:
        qs = qs.filter(state=state)
    if available:
        qs = qs.filter(available_experts_q())
    return qs.order_by("-id")


def expert_get_for(user, scope, pk: int) -> Expert:
    require_office(user, scope)
    expert = Expert.objects.select_related("employer", "user").filter(pk=pk).first()
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    return expert


def public_calls():
    return RecruitmentCall.objects.filter(published_at__isnull=False).prefetch_related("disciplines")
