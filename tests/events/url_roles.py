"""URL × role expectations of the events area (merged into tests/url_roles.py; format documented there)."""

PUBLIC = {"audience": "public"}
# Events: organiser department staff (own department), heads and deputies (their departments),
# director and auditor (all). Never the system admin, finance or the cashier.
READERS = {"director", "deputy", "dept_head", "auditor", "staff"}
EDITORS = {"staff", "dept_head"}
ACTORS = {"staff", "dept_head", "deputy", "director"}
# Who sees an event of 科技创新服务部 (INN): its staff and head, deputy1 (oversees INN), director, auditor.
INN_READERS = {"staff_inn", "head_inn", "deputy1", "director", "auditor"}
INN_ORGANISERS = {"staff_inn", "head_inn"}


def _read(kwargs):
    return {"audience": "staff", "roles": READERS, "kwargs": kwargs, "sees": INN_READERS}


def _organise(kwargs):
    return {"audience": "staff", "roles": EDITORS, "kwargs": kwargs, "sees": INN_ORGANISERS}


EXPECTATIONS: dict[str, dict] = {
    "events:public_list": PUBLIC,
    "events:public_calendar": PUBLIC,
    "events:public_detail": {**PUBLIC, "kwargs": "events_inn_event"},
    "events:roadshow_apply": {**PUBLIC, "kwargs": "events_roadshow"},
    "events:ticket": {**PUBLIC, "kwargs": "events_ticket"},
    "events:ticket_cancel": {**PUBLIC, "kwargs": "events_ticket"},  # POST only
    "events:survey": {**PUBLIC, "kwargs": "events_ticket"},
    "events:manage_list": {"audience": "staff", "roles": READERS},
    "events:dashboard": {"audience": "staff", "roles": READERS},
    "events:manage_calendar": {"audience": "staff", "roles": READERS},
    "events:types": {"audience": "staff", "roles": {"director", "dept_head"}},
    "events:create": {"audience": "staff", "roles": EDITORS},
    "events:detail": _read("events_inn_event"),
    "events:edit": _organise("events_inn_event"),
    "events:transition": {"audience": "staff", "roles": ACTORS, "kwargs": "events_transition"},  # POST only
    "events:fields": _organise("events_inn_event"),
    "events:field_remove": {"audience": "staff", "roles": EDITORS, "kwargs": "any_pk"},  # POST only
    "events:registrations": _read("events_inn_event"),
    "events:registrations_xlsx": _read("events_inn_event"),
    "events:registration_decide": {
        "audience": "staff",
        "roles": EDITORS,
        "kwargs": "events_decide",
    },  # POST only
    "events:upload_download": _read("events_upload"),
    "events:checkin": _organise("events_inn_event"),
    "events:checkin_counts": _organise("events_inn_event"),
    "events:walkin": {"audience": "staff", "roles": EDITORS, "kwargs": "events_inn_event"},  # POST only
    "events:survey_manage": _read("events_inn_event"),
    "events:report": _read("events_inn_event"),
    "events:report_xlsx": _read("events_inn_event"),
    "events:report_pdf": _read("events_inn_event"),
    "events:photo": _read("events_photo"),
    "events:roadshow": _read("events_roadshow"),
    "events:roadshow_application": _read("events_roadshow_app"),
}


def objects(org) -> dict[str, dict]:
    """An INN event with a registration (and an uploaded file), a photo and a roadshow with an application."""
    import io
    from datetime import timedelta
    from decimal import Decimal

    import segno
    from django.utils import timezone

    from center.events import services
    from center.events.enums import EventState, FieldKind
    from center.events.models import Event, EventType

    seminar = EventType.objects.get_or_create(code="roles-seminar", defaults={"name": "学术研讨会"})[0]
    roadshow_type = EventType.objects.get_or_create(
        code="roles-roadshow", defaults={"name": "项目路演", "is_roadshow": True}
    )[0]
    start = timezone.now() - timedelta(hours=1)
    staff_inn = org["staff_inn"]

    def make(event_type, title):
        return services.event_create(
            actor=staff_inn,
            type=event_type,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            capacity=50,
            planned_cost=Decimal("5000"),
        )

    event = make(seminar, "科创中国学术研讨会")
    field = services.form_field_add(actor=staff_inn, event_id=event.pk, label="简历", kind=FieldKind.FILE)
    Event.objects.filter(pk=event.pk).update(state=EventState.REGISTRATION_OPEN)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    reg = services.registration_create(
        event_id=event.pk,
        name="王五",
        email="wangwu@example.com",
        phone="13912345678",
        files={field.key: services.UploadedFile("cv.pdf", pdf)},
        consent=True,
    )
    Event.objects.filter(pk=event.pk).update(state=EventState.HELD)
    buf = io.BytesIO()
    segno.make("photo").save(buf, kind="png")
    photo = services.photo_add(actor=staff_inn, event_id=event.pk, name="现场.png", data=buf.getvalue())
    Event.objects.filter(pk=event.pk).update(state=EventState.REGISTRATION_OPEN)

    roadshow = make(roadshow_type, "科创中国项目路演")
    Event.objects.filter(pk=roadshow.pk).update(state=EventState.REGISTRATION_OPEN)
    app = services.roadshow_apply(
        event_id=roadshow.pk,
        project_name="智能传感芯片",
        organisation="深港创新团队",
        contact_name="李四",
        email="lisi@example.com",
        phone="13812345678",
        summary="低功耗传感芯片",
        stage="prototype",
        funding_sought=Decimal("3000000"),
        team="博士 3 人",
    )
    return {
        "events_inn_event": {"pk": event.pk},
        "events_ticket": {"token": reg.token},
        "events_transition": {"pk": event.pk, "verb": "close_registration"},
        "events_decide": {"pk": reg.pk, "decision": "approve"},
        "events_upload": {"pk": reg.files.get().pk},
        "events_photo": {"pk": photo.pk},
        "events_roadshow": {"pk": roadshow.pk},
        "events_roadshow_app": {"pk": app.pk},
    }
