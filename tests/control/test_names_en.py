"""English names on the configuration forms (the `name_en` convention): a spending standard, an approval flow
and its steps take an optional English name next to the Chinese one; it is saved, audited, checked like the
name, and shown on English pages (the Chinese name where none was given)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from center.control import config_cache, configuration
from center.control.models import ApprovalFlow, SpendingStandard
from center.core.errors import ApplicationError
from center.core.models import AuditEntry
from tests.control.factories import YEAR, quotas_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(org):
    quotas_ready(org)
    c = Client()
    c.force_login(org["finance"])
    return c


def _english(client, path):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        return client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_standard_form_saves_the_english_name_audits_it_and_english_pages_show_it(finance):
    form = finance.get(reverse("control:standard_new") + f"?year={YEAR}").content.decode()
    assert 'name="name_en"' in form and "英文名称" in form
    response = finance.post(
        reverse("control:standard_new") + f"?year={YEAR}",
        {
            "app_type": "training",
            "city": "",
            "name": "培训费标准",
            "name_en": "  Training  standard ",
            "limit_per_person_day": "450",
            "block_excess": "on",
            "idempotency_key": "std-en-0001",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    std = SpendingStandard.objects.get(name="培训费标准")
    assert std.name_en == "Training standard"  # spaces tidied like the name
    created = AuditEntry.objects.filter(action="control.standard.created").latest("seq")
    assert created.changes["name_en"] == [None, "Training standard"]
    assert config_cache.standards(YEAR, "training")[0].name_en == "Training standard"  # the cache follows
    english = _english(finance, reverse("control:config") + f"?year={YEAR}")
    assert "Training standard" in english and "培训费标准" not in english
    finance.cookies["django_language"] = "zh-hans"
    chinese = finance.get(reverse("control:config") + f"?year={YEAR}").content.decode()
    assert "培训费标准" in chinese

    # changed later: the change is audited old → new, and the edit form shows the English name
    edit = reverse("control:standard_edit", args=[std.pk])
    assert "Training standard" in finance.get(edit).content.decode()
    data = {
        "app_type": "training",
        "name": "培训费标准",
        "name_en": "Training rate",
        "limit_per_person_day": "450",
        "block_excess": "on",
        "idempotency_key": "std-en-0002",
    }
    assert finance.post(edit, data).status_code == 302
    updated = AuditEntry.objects.filter(action="control.standard.updated").latest("seq")
    assert updated.changes["name_en"] == ["Training standard", "Training rate"]


def test_a_too_long_english_name_is_refused_next_to_the_field(org, finance):
    with pytest.raises(ApplicationError, match="英文名称过长") as exc:
        configuration.standard_save(
            actor=org["finance"],
            year=YEAR,
            app_type="training",
            name="培训费标准",
            name_en="x" * 201,
            limit_per_person_day="450",
        )
    assert exc.value.extra["field"] == "name_en"
    assert not SpendingStandard.objects.filter(name="培训费标准").exists()
    with pytest.raises(ApplicationError, match="英文名称过长"):
        configuration.flow_save(
            actor=org["finance"],
            name="培训申请",
            doc_type="application",
            steps=[{"name": "部门负责人", "name_en": "y" * 101, "rule": "dept_head"}],
        )
    assert not ApprovalFlow.objects.filter(name="培训申请").exists()


def test_flow_form_saves_english_names_of_the_flow_and_its_steps(org, finance):
    form = finance.get(reverse("control:flow_new")).content.decode()
    assert 'name="name_en"' in form and 'name="steps-0-name_en"' in form
    data = {
        "name": "培训申请",
        "name_en": "Training applications",
        "doc_type": "application",
        "app_types": ["training"],
        "min_amount": "0",
        "priority": "5",
        "active": "on",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-0-name": "部门初审",
        "steps-0-name_en": "Department check",
        "steps-0-rule": "dept_head",
        "steps-0-kind": "single",
        "steps-1-name": "",
        "idempotency_key": "flow-en-0001",
    }
    response = finance.post(reverse("control:flow_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    flow = ApprovalFlow.objects.get(name="培训申请")
    assert flow.name_en == "Training applications"
    assert [s.name_en for s in flow.steps.all()] == ["Department check"]
    created = AuditEntry.objects.filter(action="control.flow.created").latest("seq")
    assert created.changes["name_en"] == [None, "Training applications"]
    assert created.changes["steps"][1] == ["1. 部门初审 (Department check) [dept_head/single]"]
    english = _english(finance, reverse("control:config"))
    assert "Training applications" in english and "Department check" in english
    assert "部门初审" not in english

    # the edit form keeps them; a step's English name changed is audited
    edit = reverse("control:flow_edit", args=[flow.pk])
    page = finance.get(edit).content.decode()
    assert "Training applications" in page and "Department check" in page
    data.update({"steps-0-name_en": "Head of department", "idempotency_key": "flow-en-0002"})
    assert finance.post(edit, data).status_code == 302
    updated = AuditEntry.objects.filter(action="control.flow.updated").latest("seq")
    assert updated.changes["steps"] == [
        ["1. 部门初审 (Department check) [dept_head/single]"],
        ["1. 部门初审 (Head of department) [dept_head/single]"],
    ]


def test_english_page_tells_editors_which_names_have_no_english_yet(org, finance):
    configuration.standard_save(
        actor=org["finance"], year=YEAR, app_type="training", name="培训费标准", limit_per_person_day="450"
    )
    english = _english(finance, reverse("control:config") + f"?year={YEAR}")
    assert "培训费标准" in english and "No English name yet" in english
    finance.cookies["django_language"] = "zh-hans"
    assert "未填英文名称" not in finance.get(reverse("control:config") + f"?year={YEAR}").content.decode()
    reader = Client()
    reader.force_login(org["director"])
    assert "No English name yet" not in _english(reader, reverse("control:config") + f"?year={YEAR}")
