"""The expert pool: identifier checks, duplicates, masking and audited reveals, search, vetting, import."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from center.core.errors import ApplicationError, ConflictError, ForbiddenError
from center.core.models import AuditEntry
from center.experts import services
from center.experts.enums import ExpertState, VettingState
from center.experts.identity import is_valid_hkid, normalise_id
from center.experts.models import Discipline, Expert
from center.experts.selectors import expert_search
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"


def profile(**kw):
    base = {
        "name": "测试专家",
        "gender": "M",
        "birth_year": 1975,
        "id_type": "mainland",
        "id_number": VALID_ID,
        "phone": "13800138000",
        "title": "教授",
        "title_level": 4,
        "region": "sz",
        "keywords": "机器学习",
        "bank_account": "6222021234567890123",
    }
    return base | kw


def test_identifier_checks():
    assert normalise_id("mainland", "11010519491231002x") == VALID_ID
    with pytest.raises(ApplicationError):
        normalise_id("mainland", "110105194912310021")  # wrong check digit
    assert is_valid_hkid("A123456(3)") and not is_valid_hkid("A123456(4)")
    with pytest.raises(ApplicationError) as exc:
        services.organisation_get_or_create(actor=None, name="某公司", credit_code="91440300MA5DC1234X")
    assert exc.value.extra["field"] == "credit_code"


def test_create_refuses_bad_ids_and_duplicates(org):
    emp = f.org()
    with pytest.raises(ApplicationError):
        services.expert_create(
            actor=org["staff_exp"],
            employer=emp,
            disciplines=["52020"],
            **profile(id_number="110105194912310021"),
        )
    e = services.expert_create(actor=org["staff_exp"], employer=emp, disciplines=["52020"], **profile())
    assert Expert.objects.count() == 1
    with pytest.raises(ConflictError):  # same ID
        services.expert_create(
            actor=org["staff_exp"],
            employer=emp,
            disciplines=["52020"],
            **profile(phone="13900139000", name="别人"),
        )
    with pytest.raises(ConflictError):  # same name + phone, other ID
        services.expert_create(
            actor=org["staff_exp"],
            employer=emp,
            disciplines=["52020"],
            **profile(id_type="passport", id_number="E12345678"),
        )
    assert Expert.objects.count() == 1
    # Stored encrypted, audited masked.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id_number, bank_account FROM experts_expert WHERE id = %s", [e.pk])
        raw = cur.fetchone()
    assert VALID_ID not in raw[0] and "6222021234567890123" not in raw[1]
    entry = AuditEntry.objects.filter(action="experts.expert.created").first()
    assert VALID_ID not in str(entry.changes) and "110105********002X" in str(entry.changes)


def test_pages_mask_and_reveal_is_audited(org, client_for):
    e = services.expert_create(actor=org["staff_exp"], employer=f.org(), disciplines=["52020"], **profile())
    page = client_for("staff_exp").get(reverse("experts:expert_detail", args=[e.pk])).content.decode()
    assert VALID_ID not in page and "110105********002X" in page and "6222***********0123" in page
    with pytest.raises(ForbiddenError):
        services.expert_reveal(actor=org["staff_exp"], expert_id=e.pk, field_name="id_number")
    resp = client_for("finance").post(
        reverse("experts:expert_reveal", args=[e.pk]), {"field": "id_number", "reason": "发放专家费"}
    )
    assert VALID_ID in resp.content.decode()
    entry = AuditEntry.objects.filter(action="experts.expert.revealed").first()
    assert entry.actor == org["finance"] and entry.extra["field"] == "id_number"
    assert VALID_ID not in str(entry.extra)
    assert client_for("staff_exp").get(reverse("experts:expert_reveal", args=[e.pk])).status_code == 403


def test_search_discipline_subtree_chinese_english_and_filters(org):
    a = f.expert(discipline="52020", keywords="计算机视觉、deep learning")
    b = f.expert(discipline="32021", keywords="肿瘤免疫", region="hk", level=3)
    ids = lambda qs: set(qs.values_list("pk", flat=True))  # noqa: E731
    assert a.pk in ids(expert_search(discipline=Discipline.objects.get(code="520")))
    assert b.pk not in ids(expert_search(discipline=Discipline.objects.get(code="520")))
    assert ids(expert_search(q="视觉")) == {a.pk}
    assert ids(expert_search(q="Deep Learn")) == {a.pk}
    assert ids(expert_search(q=a.name_pinyin.split()[0].upper())) >= {a.pk}
    assert b.pk in ids(expert_search(region="hk")) and b.pk not in ids(expert_search(title_level=4))


def test_recruitment_two_step_vetting(org):
    from datetime import timedelta

    from django.utils import timezone

    from center.accounts.enums import AccountKind, ExternalType
    from center.accounts.services import user_create

    call = services.call_create(
        actor=org["staff_exp"],
        year=2026,
        title="征集",
        criteria="条件",
        deadline=timezone.localdate() + timedelta(days=10),
    )
    assert services.calls_published_count(2026) == 0
    services.call_publish(actor=org["staff_exp"], call_id=call.pk)
    assert services.calls_published_count(2026) == 1
    u = user_create(
        actor=None,
        username="newexpert",
        full_name="新专家",
        password="Expert#2026pw",
        kind=AccountKind.EXTERNAL,
        external_type=ExternalType.EXPERT,
    )
    app = services.expert_apply(
        actor=u, call_id=call.pk, employer=f.org(), disciplines=["52020"], **profile()
    )
    assert app.expert.state == ExpertState.APPLICANT and app.expert.user == u
    with pytest.raises(ConflictError):
        services.expert_apply(actor=u, call_id=call.pk)
    with pytest.raises(ApplicationError):  # declining needs a reason
        services.application_first_check(actor=org["staff_exp"], application_id=app.pk, passed=False)
    services.application_first_check(actor=org["staff_exp"], application_id=app.pk, passed=True)
    with pytest.raises(ForbiddenError):  # the second step by someone else
        services.application_review(actor=org["staff_exp"], application_id=app.pk, admit=True)
    app = services.application_review(
        actor=org["head_exp"], application_id=app.pk, admit=True, note="符合条件"
    )
    app.expert.refresh_from_db()
    assert app.state == VettingState.ADMITTED and app.expert.state == ExpertState.ADMITTED


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(services.IMPORT_COLUMNS)
    for r in rows:
        ws.append([r.get(c, "") for c in services.IMPORT_COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(i, **kw):
    import random

    from center.experts import generate

    idn = generate.id_number(random.Random(i), 1970)
    return {
        "姓名": f"导入专家{i}",
        "性别": "男",
        "出生年份": 1970,
        "证件类型": "居民身份证",
        "证件号码": idn,
        "手机号": f"1370000{i:04d}",
        "工作单位": "深圳大学",
        "职称": "教授",
        "职称级别": "正高",
        "学科代码": "52020;52040",
        "地区": "深圳",
        "关键词": "机器学习",
    } | kw


def test_import_all_or_nothing_with_row_report(org):
    bad = _xlsx(
        [
            _row(1),
            _row(2, 证件号码="110105194912310021"),
            _row(3, 学科代码="99999"),
            _row(4, 姓名="导入专家1", 手机号="13700000001"),
        ]
    )
    report = services.expert_import_xlsx(actor=org["staff_exp"], data=bad)
    assert not report.ok and Expert.objects.count() == 0
    assert [(e["row"], e["column"]) for e in report.errors] == [
        (3, "证件号码"),
        (4, "学科代码"),
        (5, "手机号"),
    ]
    good = services.expert_import_xlsx(actor=org["staff_exp"], data=_xlsx([_row(i) for i in range(1, 6)]))
    assert good.ok and good.created == 5 and Expert.objects.filter(state=ExpertState.ADMITTED).count() == 5
    assert Expert.objects.get(name="导入专家1").disciplines.count() == 2
    again = services.expert_import_xlsx(actor=org["staff_exp"], data=_xlsx([_row(1)]))
    assert not again.ok and Expert.objects.count() == 5


def test_import_page(client_for, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for("staff_exp")
    resp = c.post(
        reverse("experts:expert_import"),
        {"file": SimpleUploadedFile("x.xlsx", _xlsx([_row(1, 性别="未知")]))},
    )
    assert "性别" in resp.content.decode() and Expert.objects.count() == 0
    assert client_for("staff_gen").get(reverse("experts:expert_import")).status_code == 404
