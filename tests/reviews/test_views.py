"""Happy paths through the pages (the URL × role matrix covers the denied paths)."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from center.experts.models import (
    CommitteeActivity,
    Expert,
    ExpertApplication,
    ExpertRelation,
    RecruitmentCall,
)
from center.reviews import services
from center.reviews.models import Draw, Objection, ReviewRound
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


def test_staff_sets_up_a_round_and_draws_through_the_pages(org, client_for):
    for _ in range(6):
        f.expert(discipline="52040")
    c = client_for("staff_exp")
    r = c.post(
        reverse("reviews:round_list"),
        {"code": "T-1", "title": "页面评审", "kind": "soft_topic", "year": "2026", "aggregation": "median"},
    )
    rnd = ReviewRound.objects.get(code="T-1")
    assert r.status_code == 302 and rnd.aggregation == "median"
    c.post(
        reverse("reviews:criterion_add", args=[rnd.pk]),
        {"name": "创新性", "weight": "1", "min_score": "0", "max_score": "50"},
    )
    c.post(
        reverse("reviews:group_create", args=[rnd.pk]),
        {"name": "组一", "discipline": "520", "size": "2", "backups": "1"},
    )
    group = rnd.groups.get()
    c.post(
        reverse("reviews:application_create", args=[rnd.pk]),
        {
            "code": "P1",
            "title": "项目一",
            "org_name": "某大学",
            "person_name": "张三",
            "co_applicants": "李四, 王五",
            "pool_experts": str(Expert.objects.first().pk),
            "group": str(group.pk),
        },
    )
    app = rnd.applications.get()
    assert app.parties.count() == 4 and app.parties.filter(expert=Expert.objects.first()).exists()
    assert app.parties.get(expert__isnull=False).role == "co_applicant"
    c.post(reverse("reviews:formal_check", args=[app.pk]), {"decision": "pass"})
    r = c.post(
        reverse("reviews:group_detail", args=[group.pk]),
        {
            "size": "2",
            "backups": "1",
            "min_title_level": "3",
            "max_per_org": "2",
            "min_non_local": "0",
            "min_international": "0",
            "discipline_match": "subtree",
            "on_same_employer": "1",
            "on_cool_off": "1",
            "param_cool_off": "30",
        },
    )
    assert sorted(group.avoidance_rules.values_list("kind", "param")) == [
        ("cool_off", 30),
        ("same_employer", 0),
    ]
    r = c.post(reverse("reviews:draw_fix", args=[group.pk]))
    draw = Draw.objects.get(group=group)
    assert r["Location"] == reverse("reviews:draw_detail", args=[draw.pk])
    page = c.get(r["Location"]).content.decode()
    assert draw.pool_hash in page and "录入随机种子" in page
    # Rules are frozen: the change is refused with a message, nothing changes.
    c.post(
        reverse("reviews:group_detail", args=[group.pk]),
        {
            "size": "5",
            "backups": "1",
            "min_title_level": "3",
            "max_per_org": "2",
            "min_non_local": "0",
            "min_international": "0",
        },
    )
    group.refresh_from_db()
    assert group.size == 2
    c.post(
        reverse("reviews:draw_seed", args=[draw.pk]),
        {"source": "public", "value": "07 11 23", "description": "测试来源"},
    )
    draw.refresh_from_db()
    assert draw.state == "drawn" and draw.picks.count() == 3
    assert "验证通过" in c.get(reverse("reviews:draw_verify", args=[draw.pk])).content.decode()
    record = c.get(reverse("reviews:draw_record", args=[draw.pk])).json()
    public = c.post(reverse("reviews:public_verify"), {"record": json.dumps(record)}).content.decode()
    assert "验证通过" in public
    record["result"][0]["expert_id"] += 1
    assert (
        "验证未通过"
        in c.post(reverse("reviews:public_verify"), {"record": json.dumps(record)}).content.decode()
    )
    picked = draw.picks.get(rank=1).expert
    answer = c.get(reverse("reviews:draw_detail", args=[draw.pk]), {"expert": picked.pk}).content.decode()
    assert "已抽中" in answer


def test_expert_search_page_and_partial(org, client_for):
    e = f.expert(keywords="量子计算")
    c = client_for("head_exp")
    assert e.name in c.get(reverse("experts:expert_list"), {"q": "量子"}).content.decode()
    partial = c.get(
        reverse("experts:expert_list"), {"q": "量子"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert e.name in partial and "<html" not in partial


def test_calls_vetting_activities_and_relations_through_the_pages(org, client_for):
    c = client_for("staff_exp")
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    c.post(
        reverse("experts:call_list"),
        {"year": "2026", "title": "第一批", "criteria": "条件", "deadline": deadline},
    )
    call = RecruitmentCall.objects.get(title="第一批")
    c.post(reverse("experts:call_publish", args=[call.pk]))
    call.refresh_from_db()
    assert call.published_at is not None
    assert "第一批" in client_for("expert").get(reverse("experts:public_calls")).content.decode()
    # The demo expert applies through the portal with a full profile.
    r = client_for("expert").post(
        reverse("experts:portal_apply", args=[call.pk]),
        {
            "name": "张教授",
            "gender": "M",
            "birth_year": "1975",
            "id_type": "mainland",
            "id_number": "11010519491231002X",
            "phone": "13800138999",
            "employer": "南方科技大学",
            "title": "教授",
            "title_level": "4",
            "disciplines": ["52020"],
            "region": "sz",
            "languages": "zh",
        },
    )
    assert r.status_code == 302
    app = ExpertApplication.objects.get(call=call)
    c.post(reverse("experts:application_vet", args=[app.pk]), {"decision": "yes"})
    client_for("head_exp").post(
        reverse("experts:application_vet", args=[app.pk]), {"decision": "yes", "note": "同意"}
    )
    app.refresh_from_db()
    assert app.state == "admitted" and app.expert.state == "admitted"
    client_for("expert").post(
        reverse("experts:portal_relation"),
        {"kind": "former_employer", "organisation": "香港大学", "end_date": "2024-06-30"},
    )
    assert ExpertRelation.objects.filter(expert=app.expert, kind="former_employer").exists()
    c.post(
        reverse("experts:activity_list"),
        {"kind": "consultation", "title": "咨询会", "date": "2026-03-01", "expert_ids": str(app.expert.pk)},
    )
    assert CommitteeActivity.objects.get(title="咨询会").experts.count() == 1
    profile = client_for("expert").get(reverse("experts:portal_profile")).content.decode()
    assert "11010519491231002X" not in profile and "110105********002X" in profile  # masked even to its owner
    r = client_for("expert").post(
        reverse("experts:portal_profile"),
        {
            "name": "张教授",
            "gender": "M",
            "birth_year": "1975",
            "id_type": "mainland",
            "id_number": "",
            "phone": "13800138999",
            "employer": "南方科技大学",
            "title": "讲席教授",
            "title_level": "4",
            "disciplines": ["52020"],
            "region": "sz",
            "languages": "zh",
        },
    )
    assert r.status_code == 302
    app.expert.refresh_from_db()
    assert app.expert.title == "讲席教授" and app.expert.id_number == "11010519491231002X"
    detail = c.get(reverse("experts:expert_detail", args=[app.expert.pk])).content.decode()
    assert "11010519491231002X" not in detail


def test_staff_create_expert_form_refuses_bad_id_with_a_message(org, client_for):
    data = {
        "name": "王五",
        "gender": "M",
        "birth_year": "1970",
        "id_type": "mainland",
        "id_number": "110105194912310021",
        "phone": "13800138111",
        "employer": "深圳大学",
        "title": "教授",
        "title_level": "4",
        "disciplines": ["52020"],
        "region": "sz",
        "languages": "zh",
    }
    r = client_for("staff_exp").post(reverse("experts:expert_create"), data)
    assert r.status_code == 200 and "校验位" in r.content.decode() and not Expert.objects.exists()
    data["id_number"] = "11010519491231002X"
    r = client_for("staff_exp").post(reverse("experts:expert_create"), data)
    assert r.status_code == 302 and Expert.objects.count() == 1


def test_public_notice_objection_page(org, client_for):
    for _ in range(4):
        f.expert()
    rnd, group, app = f.round_with_group(org["staff_exp"], size=1, backups=1)
    ReviewRound.objects.filter(pk=rnd.pk).update(state="approved")
    notice = services.notice_publish(actor=org["head_exp"], round_id=rnd.pk, title="结果公示")
    anon = client_for("expert")
    anon.logout()
    page = anon.get(reverse("reviews:public_notice", args=[notice.pk])).content.decode()
    assert "结果公示" in page and "提出异议" in page
    anon.post(
        reverse("reviews:public_notice", args=[notice.pk]),
        {"name": "赵六", "phone": "13700001111", "content": "有异议"},
    )
    assert Objection.objects.filter(notice=notice).count() == 1
    assert client_for("finance").get(reverse("reviews:round_fees", args=[rnd.pk])).status_code == 200


def test_staff_edit_and_workbench_todos(org, client_for):
    e = f.expert()
    c = client_for("staff_exp")
    form = c.get(reverse("experts:expert_edit", args=[e.pk])).content.decode()
    assert e.id_number not in form
    data = {
        "name": e.name,
        "gender": e.gender,
        "birth_year": str(e.birth_year),
        "id_type": e.id_type,
        "id_number": "",
        "phone": e.phone,
        "employer": e.employer.name,
        "credit_code": e.employer.credit_code,
        "title": "首席科学家",
        "title_level": "4",
        "disciplines": ["52020"],
        "region": e.region,
        "languages": "zh",
    }
    assert c.post(reverse("experts:expert_edit", args=[e.pk]), data).status_code == 302
    e.refresh_from_db()
    assert e.title == "首席科学家"
    for user in ("staff_exp", "expert", "head_exp"):
        assert client_for(user).get(reverse("core:workbench")).status_code == 200


def test_api_search_record_and_verify(org, client_for):
    for _ in range(4):
        f.expert(keywords="量子计算")
    rnd, group, _app = f.round_with_group(org["staff_exp"], size=1, backups=1)
    draw = services.draw_fix_pool(actor=org["staff_exp"], group_id=group.pk)
    draw = services.draw_enter_seed(
        actor=org["staff_exp"], draw_id=draw.pk, source="public", value="5", description="测试"
    )
    c = client_for("head_exp")
    rows = c.get("/api/v1/experts/search", {"q": "量子"}).json()
    assert len(rows) == 4 and all("****" in r["phone_masked"] for r in rows)
    record = c.get(f"/api/v1/experts/draws/{draw.pk}/record").json()
    assert record["pool_hash"] == draw.pool_hash
    out = c.post("/api/v1/experts/draws/verify", json.dumps(record), content_type="application/json").json()
    assert out["ok"] is True
    assert client_for("head_gen").get("/api/v1/experts/search").status_code == 404
    assert client_for("sysadmin").get("/api/v1/experts/search").status_code == 403


def test_relation_forms_offer_the_kinds(org, client_for):
    me = f.expert(user=org["expert"])
    for page in (
        client_for("staff_exp").get(reverse("experts:expert_detail", args=[me.pk])),
        client_for("expert").get(reverse("experts:portal")),
    ):
        assert 'value="former_employer"' in page.content.decode()


def test_application_documents_reach_only_assigned_experts(org, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from center.reviews.models import ScoreSheet

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    me = f.expert(user=org["expert"])
    for _ in range(3):
        f.expert()
    rnd, group, app = f.round_with_group(org["staff_exp"], size=4, backups=0)
    r = client_for("staff_exp").post(
        reverse("reviews:application_document", args=[app.pk]),
        {"file": SimpleUploadedFile("申报书.pdf", pdf)},
    )
    assert r.status_code == 302 and app.documents.count() == 1
    bad = client_for("staff_exp").post(
        reverse("reviews:application_document", args=[app.pk]),
        {"file": SimpleUploadedFile("x.pdf", b"not a pdf")},
    )
    assert bad.status_code == 302 and app.documents.count() == 1
    draw = services.draw_fix_pool(actor=org["staff_exp"], group_id=group.pk)
    draw = services.draw_enter_seed(
        actor=org["staff_exp"], draw_id=draw.pk, source="public", value="3", description="测试"
    )
    pick = draw.picks.get(expert=me)
    services.invitation_respond(actor=org["expert"], pick_id=pick.pk, accept=True)
    a = me.assignments.get()
    services.assignment_sign(actor=org["expert"], assignment_id=a.pk, pledge=True)
    sheet = ScoreSheet.objects.get(assignment=a)
    doc = app.documents.get()
    url = reverse("reviews:portal_document", args=[sheet.pk, doc.pk])
    resp = client_for("expert").get(url)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == pdf
    assert client_for("orgcontact").get(url).status_code == 404
