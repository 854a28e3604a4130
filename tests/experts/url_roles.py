"""URL × role expectations of the experts area (merged into tests/url_roles.py; format documented there)."""

READERS = {"dept_head", "deputy", "staff", "director", "auditor"}
WRITERS = {"dept_head", "staff"}
# 专家服务部 (head_exp, staff_exp), its deputy (deputy1), and the unit-wide readers.
OFFICE = {"head_exp", "staff_exp", "deputy1", "director", "auditor"}
OFFICE_WRITERS = {"head_exp", "staff_exp"}

EXPECTATIONS: dict[str, dict] = {
    "experts:expert_list": {"audience": "staff", "roles": READERS, "sees": OFFICE},
    "experts:expert_create": {"audience": "staff", "roles": WRITERS, "sees": OFFICE_WRITERS},
    "experts:expert_import": {"audience": "staff", "roles": WRITERS, "sees": OFFICE_WRITERS},
    "experts:import_template": {"audience": "staff", "roles": WRITERS, "sees": OFFICE_WRITERS},
    "experts:expert_detail": {"audience": "staff", "roles": READERS, "kwargs": "expert", "sees": OFFICE},
    "experts:expert_edit": {
        "audience": "staff",
        "roles": WRITERS,
        "kwargs": "expert",
        "sees": OFFICE_WRITERS,
    },
    "experts:expert_state": {"audience": "staff", "roles": WRITERS, "kwargs": "expert"},  # POST only
    "experts:relation_add": {"audience": "staff", "roles": WRITERS, "kwargs": "expert"},  # POST only
    "experts:portal_relation": {"audience": "external"},  # POST only
    # Full ID numbers and bank accounts: 专家服务部's head and finance only.
    "experts:expert_reveal": {
        "audience": "staff",
        "roles": {"dept_head", "finance"},
        "kwargs": "expert",
        "sees": {"head_exp", "finance"},
    },
    "experts:call_list": {"audience": "staff", "roles": READERS, "sees": OFFICE},
    "experts:call_detail": {"audience": "staff", "roles": READERS, "kwargs": "call", "sees": OFFICE},
    "experts:call_publish": {"audience": "staff", "roles": WRITERS, "kwargs": "call"},
    "experts:application_vet": {"audience": "staff", "roles": WRITERS, "kwargs": "expert_application"},
    "experts:activity_list": {"audience": "staff", "roles": READERS, "sees": OFFICE},
    "experts:public_calls": {"audience": "public"},
    "experts:public_call": {"audience": "public", "kwargs": "call"},
    "experts:portal": {"audience": "external"},
    "experts:portal_profile": {"audience": "external", "sees": {"expert"}},
    "experts:portal_apply": {"audience": "external", "kwargs": "call"},
}


def objects(org) -> dict[str, dict]:
    """The demo `expert` account gets an expert record; a published call with one application."""
    from datetime import timedelta

    from django.utils import timezone

    from center.experts import services
    from center.experts.models import Expert, ExpertApplication
    from tests.reviews import factories

    expert = Expert.objects.filter(user=org["expert"]).first() or factories.expert(user=org["expert"])
    call = services.call_create(
        actor=org["staff_exp"],
        year=2026,
        title="测试征集",
        criteria="条件",
        deadline=timezone.localdate() + timedelta(days=30),
    )
    services.call_publish(actor=org["staff_exp"], call_id=call.pk)
    app = ExpertApplication.objects.create(call=call, expert=expert)
    return {"expert": {"pk": expert.pk}, "call": {"pk": call.pk}, "expert_application": {"pk": app.pk}}
