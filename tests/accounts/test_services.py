import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from center.accounts import services
from center.accounts.models import Delegation
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_demo_organisation(org):
    from center.accounts.models import Department, Unit

    unit = Unit.objects.get()
    assert unit.name == "深圳市科技交流服务中心"
    assert list(Department.objects.values_list("name", flat=True)) == [
        "综合部",
        "专家服务部",
        "科技创新服务部",
        "交流合作部",
    ]
    assert org["head_exp"].scoped_department_ids == {org["head_exp"].department_id}
    assert org["deputy1"].scoped_department_ids == set(
        Department.objects.filter(code__in=["EXP", "INN"]).values_list("id", flat=True)
    )


def test_user_created_and_audited(org):
    u = services.user_create(
        actor=org["sysadmin"],
        username="newbie",
        full_name="新同事",
        password="Fresh#Start2026",
        department=org["staff_exc"].department,
        roles=["staff"],
        phone="13912345678",
    )
    entry = AuditEntry.objects.get(action="accounts.user.created", target_id=str(u.pk))
    assert entry.actor == org["sysadmin"]
    assert entry.changes["phone"] == [None, "139****5678"]
    assert entry.changes["roles"] == [None, ["staff"]]


def test_only_the_sysadmin_creates_staff_accounts(org):
    with pytest.raises(ForbiddenError):
        services.user_create(
            actor=org["director"],
            username="x1",
            full_name="甲",
            password="Fresh#Start2026",
            department=org["staff_gen"].department,
        )


def test_duplicate_username_refused(org):
    with pytest.raises(ConflictError):
        services.user_create(
            actor=org["sysadmin"],
            username="FINANCE",
            full_name="重名",
            password="Fresh#Start2026",
            department=org["staff_gen"].department,
        )


def test_separation_of_duties_in_roles(org):
    admin = org["sysadmin"]
    with pytest.raises(ForbiddenError):
        services.user_set_roles(actor=admin, user_id=admin.pk, roles=["sysadmin", "finance"])
    with pytest.raises(ApplicationError):
        services.user_set_roles(actor=admin, user_id=org["staff_gen"].pk, roles=["sysadmin", "staff"])
    with pytest.raises(ApplicationError):
        services.user_set_roles(actor=admin, user_id=org["auditor"].pk, roles=["auditor", "finance"])
    with pytest.raises(ApplicationError, match="出纳"):
        services.user_set_roles(actor=admin, user_id=org["finance"].pk, roles=["finance", "cashier"])
    before = AuditEntry.objects.count()
    services.user_set_roles(actor=admin, user_id=org["staff_gen"].pk, roles=["staff", "cashier"])
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.changes == {"roles": [["staff"], ["cashier", "staff"]]}


def test_cannot_deactivate_self_and_deactivation_blocks_login(org, client):
    with pytest.raises(ApplicationError):
        services.user_set_active(
            actor=org["sysadmin"], user_id=org["sysadmin"].pk, active=False, reason="测试"
        )
    services.user_set_active(actor=org["sysadmin"], user_id=org["staff_exc"].pk, active=False, reason="离职")
    response = client.post(reverse("accounts:login"), {"username": "staff_exc", "password": "Center#2026"})
    assert response.status_code == 200  # form error, no session


def _window(hours_from=0, hours_to=48):
    now = timezone.now()
    return now + timedelta(hours=hours_from), now + timedelta(hours=hours_to)


def test_delegation_within_its_period(org):
    start, end = _window(-1, 24)
    d = services.delegation_create(
        actor=org["head_exp"], delegate_id=org["head_inn"].pk, starts_at=start, ends_at=end, reason="出差"
    )
    assert services.acting_principals(org["head_inn"]) == [org["head_inn"], org["head_exp"]]
    assert services.acting_principals(org["head_inn"], when=end + timedelta(seconds=1)) == [org["head_inn"]]
    assert services.acting_principals(org["head_inn"], when=start - timedelta(seconds=1)) == [org["head_inn"]]
    assert org["head_inn"].notifications.filter(title__contains="委托").exists()
    services.delegation_revoke(actor=org["head_exp"], delegation_id=d.pk)
    assert services.acting_principals(org["head_inn"]) == [org["head_inn"]]
    assert list(
        AuditEntry.objects.filter(action__startswith="accounts.delegation").values_list("action", flat=True)
    ) == [
        "accounts.delegation.revoked",
        "accounts.delegation.created",
    ]


@pytest.mark.parametrize(
    ("actor", "delegate", "window", "error"),
    [
        ("staff_gen", "staff_exp", (0, 24), ForbiddenError),  # no approval rights to delegate
        ("head_exp", "head_exp", (0, 24), ApplicationError),  # to oneself
        ("head_exp", "cashier", (0, 24), ApplicationError),  # incompatible duty
        ("head_exp", "auditor", (0, 24), ApplicationError),
        ("head_exp", "staff_exp", (0, 24), ApplicationError),  # a clerk: below a head's level
        ("deputy1", "head_exp", (0, 24), ApplicationError),  # a leader's rights not to a head
        ("finance", "head_gen", (0, 24), ApplicationError),  # the finance review only to finance
        ("head_exp", "sysadmin", (0, 24), ApplicationError),
        ("head_exp", "head_inn", (24, 1), ApplicationError),  # ends before it starts
        ("head_exp", "head_inn", (-48, -24), ApplicationError),  # already over
        ("head_exp", "head_inn", (0, 24 * 100), ApplicationError),  # too long
        ("head_exp", "expert", (0, 24), NotFoundError),  # external account
    ],
)
def test_delegation_refusals(org, actor, delegate, window, error):
    start, end = _window(*window)
    before = Delegation.objects.count()
    with pytest.raises(error):
        services.delegation_create(
            actor=org[actor], delegate_id=org[delegate].pk, starts_at=start, ends_at=end, reason="出差"
        )
    assert Delegation.objects.count() == before


def test_overlapping_delegation_refused(org):
    start, end = _window(0, 24)
    services.delegation_create(
        actor=org["head_exp"], delegate_id=org["head_inn"].pk, starts_at=start, ends_at=end, reason="出差"
    )
    with pytest.raises(ConflictError):
        services.delegation_create(
            actor=org["head_exp"],
            delegate_id=org["deputy1"].pk,
            starts_at=start + timedelta(hours=2),
            ends_at=end,
            reason="出差",
        )


def test_delegation_page_flow(client_for, org):
    c = client_for("head_inn")
    page = c.get(reverse("accounts:delegations")).content.decode()
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', page)}
    # other heads and the leaders; never a clerk, the admin, the auditor or the cashier
    assert {
        org[u].pk for u in ("head_exp", "head_gen", "head_exc", "deputy1", "deputy2", "director")
    } <= offered
    assert not offered & {org[u].pk for u in ("staff_inn", "sysadmin", "auditor", "cashier", "head_inn")}
    assert "不能委托给普通职工" in page
    start, end = _window(0, 24)
    fmt = "%Y-%m-%dT%H:%M"
    response = c.post(
        reverse("accounts:delegations"),
        {
            "delegate": org["head_exp"].pk,
            "starts_at": start.strftime(fmt),
            "ends_at": end.strftime(fmt),
            "reason": "休假",
        },
    )
    assert response.status_code == 302
    assert Delegation.objects.filter(delegator=org["head_inn"], delegate=org["head_exp"]).exists()
    # Someone else cannot revoke it.
    d = Delegation.objects.get(delegator=org["head_inn"])
    client_for("head_gen").post(reverse("accounts:delegation_revoke", args=[d.pk]))
    d.refresh_from_db()
    assert d.revoked_at is None


def test_sysadmin_pages(client_for, org):
    c = client_for("sysadmin")
    assert "staff_gen" in c.get(reverse("accounts:user_list")).content.decode()
    response = c.post(
        reverse("accounts:user_create"),
        {
            "username": "zhangsan",
            "full_name": "张三",
            "department": org["staff_gen"].department_id,
            "roles": ["staff"],
            "password": "Blue#Harbor2026",
        },
    )
    assert response.status_code == 302
    bad = c.post(
        reverse("accounts:user_create"),
        {
            "username": "lisi",
            "full_name": "李四",
            "department": org["staff_gen"].department_id,
            "roles": ["staff"],
            "password": "123",
        },
    )
    assert bad.status_code == 200 and "密码" in bad.content.decode()
    from center.accounts.models import User

    assert not User.objects.filter(username="lisi").exists()


def test_api_token_lifecycle(org, client):
    obj, token = services.api_token_create(actor=org["auditor"], name="报表脚本", days=30)
    assert token.startswith("szt_") and obj.token_hash != token
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["username"] == "auditor"
    services.api_token_revoke(actor=org["auditor"], token_id=obj.pk)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    with pytest.raises(NotFoundError):
        services.api_token_revoke(actor=org["finance"], token_id=obj.pk)
