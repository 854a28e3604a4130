from datetime import datetime

from ninja import Router, Schema, Status

from center.accounts import selectors, services
from center.accounts.rules import DEPARTMENT_READERS, OWN_ACCOUNT
from center.core.permissions import api_access

router = Router(tags=["accounts"])


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    name_en: str


@router.get("/departments", response=list[DepartmentOut])
@api_access(DEPARTMENT_READERS)
def departments(request):
    return list(selectors.departments())


class DelegationIn(Schema):
    delegate_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str


class DelegationOut(Schema):
    id: int
    delegator_id: int
    delegate_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str
    revoked_at: datetime | None


@router.get("/delegations", response=list[DelegationOut])
@api_access(OWN_ACCOUNT)
def delegations(request):
    return list(selectors.delegations_given(request.user)) + list(
        selectors.delegations_received(request.user)
    )


@router.post("/delegations", response={201: DelegationOut})
@api_access(OWN_ACCOUNT)
def delegation_create(request, payload: DelegationIn):
    d = services.delegation_create(actor=request.user, **payload.dict())
    return Status(201, d)


@router.post("/delegations/{delegation_id}/revoke", response=DelegationOut)
@api_access(OWN_ACCOUNT)
def delegation_revoke(request, delegation_id: int):
    return services.delegation_revoke(actor=request.user, delegation_id=delegation_id)
