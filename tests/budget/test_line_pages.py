"""Line edit and delete pages with history and versions; a locked budget refuses; two finance officers editing
one line at once: the first wins, the second is told (optimistic check on the budget's version)."""

import pytest
from django.urls import reverse

from center.budget import services
from center.budget.models import Budget, ExpenditureLine
from center.core.errors import ApplicationError, ConflictError
from center.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def b23(budget, org):
    return services.budget_prepare_next(actor=org["finance"], source=budget)


def _basic(b):
    return b.lines.filter(kind="basic").order_by("pk").first()


def test_edit_page_saves_a_new_version_and_shows_history(b23, client_for):
    line = _basic(b23)
    c = client_for("finance")
    url = reverse("budget:line_edit", args=[b23.pk, line.pk])
    page = c.get(url)
    assert page.status_code == 200 and "修改预算行" in page.content.decode()
    before = Budget.objects.get(pk=b23.pk).version
    r = c.post(
        url,
        {
            "functional": line.functional.code,
            "economic": line.economic.code,
            "source": line.source.code,
            "amount": "123456.78",
            "note": "更正",
            "version": before,
        },
    )
    assert r.status_code == 302
    line.refresh_from_db()
    assert str(line.amount) == "123456.78" and line.note == "更正"
    b = Budget.objects.get(pk=b23.pk)
    assert b.version == before + 1
    v = b.versions.get(number=b.version)
    assert v.step == "edit" and "修改预算行" in v.note
    html = c.get(url).content.decode()
    # the change is listed in the line's history, in words
    assert "金额（元）" in html and "→ 123456.78" in html
    assert c.get(reverse("budget:versions", args=[b23.pk])).status_code == 200


def test_two_officers_one_line_the_second_is_told(b23, org, client_for):
    line = _basic(b23)
    version = Budget.objects.get(pk=b23.pk).version
    form = {
        "functional": line.functional.code,
        "economic": line.economic.code,
        "source": line.source.code,
        "note": "",
        "version": version,
    }
    url = reverse("budget:line_edit", args=[b23.pk, line.pk])
    first, second = client_for("finance"), client_for("finance")
    assert first.post(url, {**form, "amount": "1000.00"}).status_code == 302
    r = second.post(url, {**form, "amount": "2000.00"})
    assert r.status_code == 409
    html = r.content.decode()
    assert "已被他人修改" in html and 'value="1000.00"' in html  # told, and shown what the other saved
    line.refresh_from_db()
    assert str(line.amount) == "1000.00"
    assert AuditEntry.objects.filter(action="budget.line.refused").count() == 1
    # the service itself: a stale version is refused whatever the caller
    with pytest.raises(ConflictError):
        services.line_update(actor=org["finance"], line=line, amount="5", expected_version=version)


def test_delete_page_removes_the_line_with_a_version(b23, client_for):
    line = _basic(b23)
    c = client_for("finance")
    version = Budget.objects.get(pk=b23.pk).version
    r = c.post(reverse("budget:line_delete", args=[b23.pk, line.pk]), {"version": version})
    assert r.status_code == 302
    assert not ExpenditureLine.objects.filter(pk=line.pk).exists()
    b = Budget.objects.get(pk=b23.pk)
    assert b.versions.get(number=b.version).note.startswith("删除预算行")
    assert c.get(reverse("budget:line_edit", args=[b23.pk, line.pk])).status_code == 404


def test_locked_budget_refuses_edits(budget, org, client_for):
    line = _basic(budget)  # the 2022 budget is approved (二下): locked
    with pytest.raises(ApplicationError, match="预算已锁定"):
        services.line_update(actor=org["finance"], line=line, amount="1")
    c = client_for("finance")
    url = reverse("budget:line_edit", args=[budget.pk, line.pk])
    assert "预算已锁定" in c.get(url).content.decode()
    r = c.post(
        url,
        {
            "amount": "1",
            "functional": line.functional.code,
            "economic": line.economic.code,
            "source": line.source.code,
            "version": budget.version,
        },
    )
    assert r.status_code == 400 and "预算已锁定" in r.content.decode()
    line.refresh_from_db()
    assert line.amount != 1


def test_other_roles_cannot_edit_a_basic_line(b23, client_for):
    line = _basic(b23)
    c = client_for("director")
    r = c.post(
        reverse("budget:line_edit", args=[b23.pk, line.pk]),
        {
            "amount": "1",
            "functional": line.functional.code,
            "economic": line.economic.code,
            "source": line.source.code,
        },
    )
    assert r.status_code == 400
    line.refresh_from_db()
    assert line.amount != 1


def test_prepare_next_page(budget, client_for):
    c = client_for("finance")
    url = reverse("budget:prepare_next", args=[budget.pk])
    assert "带入内容" in c.get(url).content.decode()
    r = c.post(url, {"scale": "abc"})
    assert "不是数字" in r.content.decode()
    r = c.post(url, {"scale": "3"})
    new = Budget.objects.get(fiscal_year__year=2023)
    assert r.status_code == 302 and r["Location"].endswith(reverse("budget:overview", args=[new.pk]))
    assert "已存在" in c.get(url).content.decode()
