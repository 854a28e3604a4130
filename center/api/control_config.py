"""Control configuration over JSON: the year's parameters, spending standards and approval flows, with the
same services, rules and audit as the configuration pages. Finance and the system administrator write;
the director and the auditor read. Every write accepts an `Idempotency-Key` header."""

from decimal import Decimal

from django.db.models import DecimalField
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from center.control import configuration as config
from center.control.models import ApprovalFlow, ControlSettings, SpendingStandard
from center.control.rules import CONFIG_EDITORS, CONFIG_READERS
from center.core.permissions import api_access

from .control import IDEMPOTENT, answer_once

router = Router(tags=["control configuration"])


class SettingsIn(Schema):
    collective_threshold: str  # decimal strings for amounts and percentages: "300000.00"
    small_reimbursement_threshold: str
    over_reimbursement_pct: str
    application_valid_days: int
    reminder_hours: int
    warn_thresholds: str  # "80,90,100"
    progress_margin_pct: str


class SettingsOut(Schema):
    year: int
    collective_threshold: Decimal
    small_reimbursement_threshold: Decimal
    over_reimbursement_pct: Decimal
    application_valid_days: int
    reminder_hours: int
    warn_thresholds: str
    progress_margin_pct: Decimal


def _settings(obj) -> dict:
    return {"year": obj.year, **{f: _json(obj, f) for f in config.SETTINGS_FIELDS}}


def _json(obj, name: str):
    """A field's value for the answer: decimals as strings with their places ("300000.00"), as every
    amount in the API (a default not yet stored may still be an int)."""
    value = getattr(obj, name)
    field = obj._meta.get_field(name.removesuffix("_id"))
    if isinstance(field, DecimalField) and value is not None:
        return f"{Decimal(value):.{field.decimal_places}f}"
    return value


@router.get("/settings/{int:year}", response=SettingsOut)
@api_access(CONFIG_READERS)
def settings_get(request, year: int):
    """The year's parameters (the defaults when finance has not set them yet; reading stores nothing)."""
    return _settings(ControlSettings.objects.filter(year=year).first() or ControlSettings(year=year))


@router.put("/settings/{int:year}", response=SettingsOut, openapi_extra=IDEMPOTENT)
@api_access(CONFIG_EDITORS)
def settings_put(request, year: int, payload: SettingsIn):
    return answer_once(
        request,
        lambda: config.settings_update(actor=request.user, year=year, **payload.dict()),
        answer=_settings,
    )


class StandardIn(Schema):
    year: int
    app_type: str
    city: str = ""
    name: str
    name_en: str = ""  # optional English name (docs/architecture.md, "Words")
    limit_per_person_day: str
    block_excess: bool = True


class StandardOut(Schema):
    id: int
    year: int
    app_type: str
    city: str
    name: str
    name_en: str
    limit_per_person_day: Decimal
    block_excess: bool


def _standard(s) -> dict:
    return {"id": s.pk, **{f: _json(s, f) for f in config.STANDARD_FIELDS}}


@router.get("/standards", response=list[StandardOut])
@api_access(CONFIG_READERS)
def standards(request, year: int | None = None):
    qs = SpendingStandard.objects.order_by("year", "app_type", "city")
    return [_standard(s) for s in (qs.filter(year=year) if year else qs)]


@router.post("/standards", response={201: StandardOut, 200: StandardOut}, openapi_extra=IDEMPOTENT)
@api_access(CONFIG_EDITORS)
def standard_create(request, payload: StandardIn):
    return answer_once(
        request, lambda: config.standard_save(actor=request.user, **payload.dict()), 201, answer=_standard
    )


@router.put("/standards/{int:standard_id}", response=StandardOut, openapi_extra=IDEMPOTENT)
@api_access(CONFIG_EDITORS)
def standard_update(request, standard_id: int, payload: StandardIn):
    return answer_once(
        request,
        lambda: config.standard_save(actor=request.user, standard_id=standard_id, **payload.dict()),
        answer=_standard,
    )


@router.delete("/standards/{int:standard_id}", response={204: None})
@api_access(CONFIG_EDITORS)
def standard_delete(request, standard_id: int):
    config.standard_delete(actor=request.user, standard_id=standard_id)
    return Status(204, None)


class CopyIn(Schema):
    from_year: int
    to_year: int


class CopyOut(Schema):
    copied: int


@router.post("/standards/copy", response=CopyOut, openapi_extra=IDEMPOTENT)
@api_access(CONFIG_EDITORS)
def standards_copy(request, payload: CopyIn):
    return answer_once(
        request,
        lambda: config.standards_copy(actor=request.user, **payload.dict()),
        answer=lambda n: {"copied": n},
    )


class StepIn(Schema):
    name: str
    name_en: str = ""
    rule: str  # dept_head | deputy | director | finance | owner_dept_head | users
    kind: str = "single"  # single | all (会签) | any (或签)
    user_ids: list[int] = []


class StepOut(StepIn):
    order: int


class FlowIn(Schema):
    name: str
    name_en: str = ""
    doc_type: str  # application | reimbursement | advance
    app_types: list[str] = []  # empty: every type
    min_amount: str = "0"
    max_amount: str | None = None
    department_id: int | None = None
    owner_department_id: int | None = None
    priority: int = 100  # lower wins among matching flows
    active: bool = True  # flows are deactivated, never deleted: running chains keep their history
    steps: list[StepIn]


class FlowOut(Schema):
    id: int
    name: str
    name_en: str
    doc_type: str
    app_types: list[str]
    min_amount: Decimal
    max_amount: Decimal | None
    department_id: int | None
    owner_department_id: int | None
    priority: int
    active: bool
    steps: list[StepOut]


def _flow(flow) -> dict:
    return {
        "id": flow.pk,
        **{f: _json(flow, f) for f in config.FLOW_FIELDS},
        "steps": [
            {
                "order": s.order,
                "name": s.name,
                "name_en": s.name_en,
                "rule": s.rule,
                "kind": s.kind,
                "user_ids": sorted(u.pk for u in s.users.all()),
            }
            for s in flow.steps.all()
        ],
    }


@router.get("/flows", response=list[FlowOut])
@api_access(CONFIG_READERS)
def flows(request):
    return [_flow(f) for f in ApprovalFlow.objects.prefetch_related("steps__users")]


@router.get("/flows/{int:flow_id}", response=FlowOut)
@api_access(CONFIG_READERS)
def flow_get(request, flow_id: int):
    return _flow(get_object_or_404(ApprovalFlow.objects.prefetch_related("steps__users"), pk=flow_id))


def _flow_args(payload: FlowIn) -> dict:
    data = payload.dict()
    data["steps"] = [dict(s) for s in data["steps"]]
    return data


@router.post("/flows", response={201: FlowOut, 200: FlowOut}, openapi_extra=IDEMPOTENT)
@api_access(CONFIG_EDITORS)
def flow_create(request, payload: FlowIn):
    return answer_once(
        request, lambda: config.flow_save(actor=request.user, **_flow_args(payload)), 201, answer=_flow
    )


@router.put("/flows/{int:flow_id}", response=FlowOut, openapi_extra=IDEMPOTENT)
@api_access(CONFIG_EDITORS)
def flow_update(request, flow_id: int, payload: FlowIn):
    return answer_once(
        request,
        lambda: config.flow_save(actor=request.user, flow_id=flow_id, **_flow_args(payload)),
        answer=_flow,
    )
