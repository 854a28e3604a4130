"""Same-employer avoidance cannot be bypassed by typing an applicant organisation differently: a typed name is
matched to the known unit (credit code, then normalised name); a near-duplicate is created only after the user
confirmed it is another unit; the draw avoids the matched unit (and every record of it)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from center.core.audit import AuditEntry
from center.experts.identity import org_name_key
from center.experts.models import Expert, Organisation
from center.experts.services import organisation_get_or_create
from center.experts.services.organisations import OrganisationNeedsConfirmation
from center.reviews.eligibility import compute_pool
from center.reviews.enums import AvoidanceKind
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "a, b",
    [
        ("南方科技大学", " 南方科技大学　"),
        ("南方科技大学", "南方科技大学。"),
        ("深圳市某某科技有限公司", "深圳市某某科技有限责任公司"),
        ("ＳＵＳＴｅｃｈ", "sustech"),
        ("Acme Co., Ltd.", "ACME Company Limited"),
        ("南方科技大学（深圳）", "南方科技大学(深圳)"),
    ],
)
def test_name_key_equal_for_variants(a, b):
    assert org_name_key(a) == org_name_key(b)


def test_name_key_tells_different_units_apart():
    assert org_name_key("深圳大学") != org_name_key("汕头大学")


def _sustech():
    return f.org(name="南方科技大学")


def test_exact_name_without_code_is_the_known_unit_with_a_code(org):
    sustech = _sustech()
    got = organisation_get_or_create(actor=org["staff_exp"], name="南方科技大学")
    assert got == sustech and Organisation.objects.filter(name_key=sustech.name_key).count() == 1


@pytest.mark.parametrize(
    "typed", ["南方科技大学。", "ＳＯＵＴＨ南方科技大学", "南方 科技 大学", "南方科技大学深圳研究院"]
)
def test_near_duplicate_needs_confirmation(org, typed):
    sustech = _sustech()
    before = Organisation.objects.count()
    with pytest.raises(OrganisationNeedsConfirmation) as exc:
        organisation_get_or_create(actor=org["staff_exp"], name=typed)
    assert "是否为已有单位 南方科技大学" in exc.value.message
    assert exc.value.extra["candidates"] == [(sustech.pk, "南方科技大学")]
    assert Organisation.objects.count() == before
    # Confirmed as the known unit: no new record.
    assert organisation_get_or_create(actor=org["staff_exp"], name=typed, confirmed_id=sustech.pk) == sustech
    # Confirmed as another unit: created, and the audit says what it was told apart from.
    new = organisation_get_or_create(actor=org["staff_exp"], name=typed, confirmed_new=True)
    assert new != sustech
    entry = AuditEntry.objects.filter(action="experts.organisation.created").latest("id")
    assert entry.extra["confirmed_distinct_from"] == [sustech.pk]


def test_unrelated_name_is_created_without_asking(org):
    _sustech()
    new = organisation_get_or_create(actor=org["staff_exp"], name="哈尔滨工业大学（深圳）")
    assert new.name_key == org_name_key("哈尔滨工业大学(深圳)")


def _round_page(org, client_for):
    """A round with one group (same-employer avoidance) and an expert employed at 南方科技大学."""
    sustech = _sustech()
    insider = f.expert(employer=sustech)
    rnd, group, _app = f.round_with_group(org["staff_exp"], rules={"same_employer": 0}, size=1, backups=0)
    return rnd, group, sustech, insider, client_for("staff_exp")


def _post_application(c, rnd, group, **extra):
    data = {"code": "P-NEW", "title": "新项目", "person_name": "张三", "group": str(group.pk)} | extra
    return c.post(reverse("reviews:application_create", args=[rnd.pk]), data)


def _excluded(group, expert):
    _params, _pool, exclusions = compute_pool(group, timezone.now())
    return [rule for rule, entry in exclusions.items() if expert.pk in entry["ids"]]


def test_the_bypass_from_the_issue_no_longer_works(org, client_for):
    """Typing 南方科技大学 without its credit code used to create a duplicate, and its expert was then drawn."""
    rnd, group, sustech, insider, c = _round_page(org, client_for)
    r = _post_application(c, rnd, group, org_name="南方科技大学", credit_code="")
    assert r.status_code == 302
    app = rnd.applications.get(code="P-NEW")
    assert app.parties.get().organisation == sustech
    assert Organisation.objects.filter(name="南方科技大学").count() == 1
    assert _excluded(group, insider) == [AvoidanceKind.SAME_EMPLOYER]


def test_the_form_asks_about_a_near_duplicate_and_uses_the_answer(org, client_for):
    rnd, group, sustech, insider, c = _round_page(org, client_for)
    r = _post_application(c, rnd, group, org_name="南方科技大学 ", credit_code="")
    assert r.status_code == 302  # the same name once spaces are trimmed
    r = _post_application(c, rnd, group, code="P-2", org_name="南方 科技大学", credit_code="")
    assert r.status_code == 200
    page = r.content.decode()
    assert "是否为已有单位 南方科技大学" in page and f'value="{sustech.pk}"' in page
    assert not rnd.applications.filter(code="P-2").exists()
    r = _post_application(c, rnd, group, code="P-2", org_name="南方 科技大学", org_confirm=str(sustech.pk))
    assert r.status_code == 302
    assert rnd.applications.get(code="P-2").parties.get().organisation == sustech
    assert _excluded(group, insider) == [AvoidanceKind.SAME_EMPLOYER]


def test_a_unit_recorded_twice_is_avoided_under_both_records(org):
    """Duplicates already in the data (same normalised name) do not open the bypass either."""
    sustech = _sustech()
    insider = f.expert(employer=sustech)
    duplicate = Organisation.objects.create(name="南方科技大学　")
    _rnd, group, _app = f.round_with_group(
        org["staff_exp"], rules={"same_employer": 0}, applicant_org=duplicate, size=1, backups=0
    )
    assert _excluded(group, insider) == [AvoidanceKind.SAME_EMPLOYER]
    assert Expert.objects.filter(pk=insider.pk).exists()


def test_the_expert_form_asks_which_employer_too(org, client_for):
    from tests.experts.test_pool import profile

    f.ensure_disciplines()
    sustech = _sustech()
    c = client_for("staff_exp")
    data = profile() | {"employer": "南方 科技大学", "disciplines": ["52020"], "languages": "zh"}
    r = c.post(reverse("experts:expert_create"), data)
    page = r.content.decode()
    assert r.status_code == 200 and "是否为已有单位 南方科技大学" in page
    assert f'name="employer_confirm" value="{sustech.pk}"' in page and not Expert.objects.exists()
    r = c.post(reverse("experts:expert_create"), data | {"employer_confirm": str(sustech.pk)})
    assert r.status_code == 302
    assert Expert.objects.get().employer == sustech
