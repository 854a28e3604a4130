"""Expert pool and review API: search (masked), recruitment calls, draw records and their verification."""

from typing import Any

from ninja import Body, Router, Schema

from center.core.errors import ApplicationError
from center.core.masking import mask_phone
from center.core.permissions import SIGNED_IN, api_access
from center.experts import rules, selectors
from center.experts.models import Discipline
from center.reviews import drawing
from center.reviews import rules as review_rules
from center.reviews import selectors as review_selectors
from center.reviews import services as review_services
from center.reviews.explain import verify_problem

router = Router(tags=["experts"])


class ExpertOut(Schema):
    id: int
    name: str
    name_en: str
    employer: str
    title: str
    title_level: int
    region: str
    state: str
    credit_score: int
    phone_masked: str


@router.get("/search", response=list[ExpertOut])
@api_access(rules.READERS)
def search(
    request,
    q: str = "",
    discipline: str = "",
    title_level: int = 0,
    region: str = "",
    state: str = "",
    available: bool = False,
    limit: int = 50,
):
    """The staff search (substring over Chinese, pinyin, English and traditional names, keywords, employer)."""
    selectors.require_office(request.user, request.access_scope)
    d = Discipline.objects.filter(code=discipline).first() if discipline else None
    qs = selectors.expert_search(
        q=q[:50],
        discipline=d,
        title_level=title_level or None,
        region=region[:2],
        state=state[:10],
        available=available,
    )
    return [
        {
            "id": e.pk,
            "name": e.name,
            "name_en": e.name_en,
            "employer": e.employer.name,
            "title": e.title,
            "title_level": e.title_level,
            "region": e.region,
            "state": e.state,
            "credit_score": e.credit_score,
            "phone_masked": mask_phone(e.phone),
        }
        for e in qs[: max(1, min(limit, 200))]
    ]


class CallOut(Schema):
    id: int
    year: int
    title: str
    deadline: str
    state: str


@router.get("/calls", response=list[CallOut])
@api_access(SIGNED_IN)
def calls(request):
    """Published recruitment calls (the same list as the public site)."""
    return [
        {"id": c.pk, "year": c.year, "title": c.title, "deadline": c.deadline.isoformat(), "state": c.state}
        for c in selectors.public_calls()
    ]


@router.get("/draws/{draw_id}/record", response=dict[str, Any])
@api_access(review_rules.READERS)
def draw_record(request, draw_id: int):
    """Everything needed to re-run the draw (parameters, pool, hash, seed parts, seed, result)."""
    draw = review_selectors.draw_get_for(request.user, request.access_scope, draw_id)
    return review_services.draw_record(draw)


class VerifyOut(Schema):
    ok: bool
    checks: dict[str, bool]


@router.post("/draws/verify", response=VerifyOut)
@api_access(SIGNED_IN)
def draw_verify(request, record: dict = Body(...)):  # noqa: B008 (ninja declares the body this way)
    """Re-run a draw record and say which of its claims hold. Nothing is stored."""
    try:
        result = drawing.verify(record)
    except (KeyError, TypeError, ValueError) as exc:
        # a malformed body, not a missing object: 400 (it answered 404 before)
        raise ApplicationError(verify_problem(exc), {"field": "record"}) from None
    return {"ok": result["ok"], "checks": result["checks"]}
