"""URL × role expectations of the reviews area (merged into tests/url_roles.py; format documented there)."""

from tests.experts.url_roles import OFFICE, READERS, WRITERS

APPROVERS = {"dept_head", "deputy"}
FEE_READERS = READERS | {"finance"}

EXPECTATIONS: dict[str, dict] = {
    "reviews:round_list": {"audience": "staff", "roles": READERS, "sees": OFFICE},
    "reviews:round_detail": {"audience": "staff", "roles": READERS, "kwargs": "round", "sees": OFFICE},
    "reviews:group_detail": {"audience": "staff", "roles": READERS, "kwargs": "group", "sees": OFFICE},
    "reviews:draw_detail": {"audience": "staff", "roles": READERS, "kwargs": "draw", "sees": OFFICE},
    "reviews:draw_verify": {"audience": "staff", "roles": READERS, "kwargs": "draw", "sees": OFFICE},
    "reviews:draw_record": {"audience": "staff", "roles": READERS, "kwargs": "draw", "sees": OFFICE},
    "reviews:round_fees": {
        "audience": "staff",
        "roles": FEE_READERS,
        "kwargs": "round",
        "sees": OFFICE | {"finance"},
    },
    # POST only (GET answers 405 to those allowed):
    "reviews:criterion_add": {"audience": "staff", "roles": WRITERS, "kwargs": "round"},
    "reviews:group_create": {"audience": "staff", "roles": WRITERS, "kwargs": "round"},
    "reviews:application_create": {"audience": "staff", "roles": WRITERS, "kwargs": "round"},
    "reviews:round_compute": {"audience": "staff", "roles": WRITERS, "kwargs": "round"},
    "reviews:round_approve": {"audience": "staff", "roles": APPROVERS, "kwargs": "round"},
    "reviews:notice_publish": {"audience": "staff", "roles": APPROVERS, "kwargs": "round"},
    "reviews:formal_check": {"audience": "staff", "roles": WRITERS, "kwargs": "application"},
    "reviews:application_document": {"audience": "staff", "roles": WRITERS, "kwargs": "application"},
    "reviews:draw_fix": {"audience": "staff", "roles": WRITERS, "kwargs": "group"},
    "reviews:draw_seed": {"audience": "staff", "roles": WRITERS, "kwargs": "draw"},
    "reviews:draw_void": {"audience": "staff", "roles": WRITERS, "kwargs": "draw"},
    "reviews:pick_respond": {"audience": "staff", "roles": WRITERS, "kwargs": "pick"},
    "reviews:flag_resolve": {"audience": "staff", "roles": WRITERS, "kwargs": "any_pk"},
    "reviews:objection_answer": {"audience": "staff", "roles": WRITERS, "kwargs": "any_pk"},
    "reviews:assignment_rate": {"audience": "staff", "roles": WRITERS, "kwargs": "assignment"},
    # The expert portal: only the expert the object belongs to sees it.
    "reviews:portal_home": {"audience": "external"},
    "reviews:portal_respond": {"audience": "external", "kwargs": "pick"},
    "reviews:portal_assignment": {"audience": "external", "kwargs": "assignment", "sees": {"expert"}},
    "reviews:portal_sheet": {"audience": "external", "kwargs": "sheet", "sees": {"expert"}},
    "reviews:portal_document": {"audience": "external", "kwargs": "sheet_document", "sees": {"expert"}},
    "reviews:public_notices": {"audience": "public"},
    "reviews:public_notice": {"audience": "public", "kwargs": "notice"},
    "reviews:public_verify": {"audience": "public"},
}


def objects(org) -> dict[str, dict]:
    """A drawn round whose first pick is the demo `expert`, who accepted and signed; a published notice."""
    from center.experts.models import Expert
    from center.reviews import services
    from center.reviews.models import DrawPick, PublicNotice, ReviewRound, ScoreSheet
    from tests.reviews import factories as f

    actor = org["staff_exp"]
    me = Expert.objects.filter(user=org["expert"]).first() or f.expert(user=org["expert"])
    for _ in range(3):
        f.expert()
    rnd, group, app = f.round_with_group(actor, size=1, backups=1, max_per_org=2)
    draw = services.draw_fix_pool(actor=actor, group_id=group.pk)
    draw = services.draw_enter_seed(
        actor=actor, draw_id=draw.pk, source="public", value="1", description="测试"
    )
    # Make the demo expert the invited main pick, whatever the seed chose (this fixture tests access, not the draw).
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    draw.picks.all().delete()
    other_id = next(row[0] for row in draw.pool if row[0] != me.pk)
    main = DrawPick.objects.create(
        draw=draw,
        expert=me,
        rank=1,
        role="main",
        key="k1",
        state="invited",
        invited_at=now,
        respond_by=now + timedelta(days=1),
    )
    backup = DrawPick.objects.create(draw=draw, expert_id=other_id, rank=2, role="backup", key="k2")
    services.invitation_respond(actor=org["expert"], pick_id=main.pk, accept=True)
    assignment = me.assignments.get(group=group)
    services.assignment_sign(actor=org["expert"], assignment_id=assignment.pk, pledge=True)
    sheet = ScoreSheet.objects.get(assignment=assignment)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    doc = services.application_add_document(actor=actor, application_id=app.pk, name="申报书.pdf", data=pdf)
    done = ReviewRound.objects.get(pk=rnd.pk)
    ReviewRound.objects.filter(pk=done.pk).update(state="approved")
    notice = services.notice_publish(actor=org["head_exp"], round_id=rnd.pk, title="公示")
    assert PublicNotice.objects.filter(pk=notice.pk).exists()
    return {
        "round": {"pk": rnd.pk},
        "group": {"pk": group.pk},
        "draw": {"pk": draw.pk},
        "application": {"pk": app.pk},
        "pick": {"pk": backup.pk},
        "assignment": {"pk": assignment.pk},
        "sheet": {"pk": sheet.pk},
        "sheet_document": {"pk": sheet.pk, "att": doc.pk},
        "notice": {"pk": notice.pk},
    }
