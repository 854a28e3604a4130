"""Registration: capacity, waiting list, approval, duplicates, tickets, cancellation, bad input."""

import threading

import pytest
from django.db import connection

from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.models import AuditEntry
from center.events import services
from center.events.enums import EventState, FieldKind, RegistrationState
from center.events.models import Event, Registration, RegistrationFile

from .conftest import person

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db
class TestCapacity:
    def test_full_event_goes_to_waiting_list(self, make_event, register):
        event = make_event(capacity=2)
        states = [register(event).state for _ in range(4)]
        assert states == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
        event.refresh_from_db()
        assert event.confirmed_count == 2

    def test_cancel_promotes_the_oldest_waiting(
        self, make_event, register, mailoutbox, django_capture_on_commit_callbacks
    ):
        event = make_event(capacity=1)
        first = register(event)
        w1, w2 = register(event), register(event)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_cancel(token=first.token)
        w1.refresh_from_db()
        w2.refresh_from_db()
        assert (w1.state, w2.state) == ("confirmed", "waitlisted")
        event.refresh_from_db()
        assert event.confirmed_count == 1
        assert AuditEntry.objects.filter(action="events.registration.promote").count() == 1
        assert any(m.to == [w1.email] and m.attachments for m in mailoutbox)  # the QR ticket goes with it

    def test_cancel_twice_is_refused(self, make_event, register):
        event = make_event()
        reg = register(event)
        services.registration_cancel(token=reg.token)
        with pytest.raises(ConflictError):
            services.registration_cancel(token=reg.token)

    def test_more_capacity_moves_waiting_list_up(self, org, make_event, register):
        event = make_event(capacity=1)
        register(event)
        waiting = register(event)
        services.event_update(actor=org["staff_exc"], event_id=event.pk, capacity=2)
        waiting.refresh_from_db()
        assert waiting.state == "confirmed"

    def test_database_refuses_a_count_above_capacity(self, make_event):
        from django.db import IntegrityError, transaction

        event = make_event(capacity=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Event.objects.filter(pk=event.pk).update(confirmed_count=2)


@pytest.mark.django_db
class TestRefusals:
    def test_closed_registration_refused_nothing_changed(self, make_event):
        event = make_event(state=EventState.REGISTRATION_CLOSED)
        with pytest.raises(ApplicationError, match="不接受报名"):
            services.registration_create(event_id=event.pk, **person())
        assert not Registration.objects.filter(event=event).exists()

    def test_registration_after_the_deadline_refused_no_seat_taken(self, make_event):
        from datetime import timedelta

        from django.utils import timezone

        event = make_event(capacity=5)
        Event.objects.filter(pk=event.pk).update(registration_closes_at=timezone.now() - timedelta(minutes=1))
        with pytest.raises(ApplicationError, match="报名已截止"):
            services.registration_create(event_id=event.pk, **person())
        event.refresh_from_db()
        assert event.confirmed_count == 0 and not Registration.objects.filter(event=event).exists()

    @pytest.mark.parametrize(
        "change",
        [
            {"email": "P1234@EXAMPLE.com "},  # same e-mail, other case and spaces
            {"phone": "+86 139-0000-1234"},  # same phone, other formatting
        ],
    )
    def test_duplicate_email_or_phone_refused(self, make_event, register, change):
        event = make_event()
        register(event, n=1234)
        with pytest.raises(ConflictError):
            services.registration_create(event_id=event.pk, **(person(5678) | change))
        assert event.registrations.count() == 1

    def test_reregistration_after_cancel_is_allowed(self, make_event, register):
        event = make_event()
        reg = register(event, n=42)
        services.registration_cancel(token=reg.token)
        again = register(event, n=42)
        assert again.state == RegistrationState.CONFIRMED

    def test_same_person_may_register_for_two_events(self, make_event, register):
        a, b = make_event(), make_event(title="另一场")
        register(a, n=7)
        assert register(b, n=7).state == "confirmed"

    @pytest.mark.parametrize(
        ("field", "value"), [("email", "not-an-email"), ("phone", "12345"), ("name", "")]
    )
    def test_invalid_input(self, make_event, field, value):
        event = make_event()
        with pytest.raises(ApplicationError) as exc:
            services.registration_create(event_id=event.pk, **(person() | {field: value}))
        assert exc.value.extra.get("field") == field

    def test_consent_and_choices_checked(self, org, make_event):
        event = make_event(state=EventState.PLANNED)
        consent = services.form_field_add(
            actor=org["staff_exc"], event_id=event.pk, label="同意个人信息处理", kind=FieldKind.CONSENT
        )
        choice = services.form_field_add(
            actor=org["staff_exc"],
            event_id=event.pk,
            label="参会方式",
            kind=FieldKind.CHOICE,
            choices="线下\n线上",
            required=True,
        )
        Event.objects.filter(pk=event.pk).update(state=EventState.REGISTRATION_OPEN)
        with pytest.raises(ApplicationError, match="同意"):
            services.registration_create(event_id=event.pk, answers={choice.key: "线下"}, **person())
        with pytest.raises(ApplicationError, match="选项无效"):
            services.registration_create(
                event_id=event.pk, answers={consent.key: True, choice.key: "飞行"}, **person()
            )
        reg = services.registration_create(
            event_id=event.pk, answers={consent.key: True, choice.key: "线上"}, **person()
        )
        assert reg.answers[choice.key] == "线上"

    def test_disguised_upload_refused(self, org, make_event):
        event = make_event(state=EventState.PLANNED)
        f = services.form_field_add(
            actor=org["staff_exc"], event_id=event.pk, label="简历", kind=FieldKind.FILE, required=True
        )
        Event.objects.filter(pk=event.pk).update(state=EventState.REGISTRATION_OPEN)
        fake = services.UploadedFile("cv.pdf", b"MZ\x90\x00 this is an exe")
        with pytest.raises(ApplicationError, match="不符"):
            services.registration_create(event_id=event.pk, files={f.key: fake}, **person())
        assert not Registration.objects.filter(event=event).exists() and not RegistrationFile.objects.exists()
        ok = services.registration_create(
            event_id=event.pk, files={f.key: services.UploadedFile("cv.pdf", PDF)}, **person()
        )
        assert ok.files.get().content_type == "application/pdf"

    def test_forged_token_not_found(self):
        with pytest.raises(NotFoundError):
            services.registration_by_token("forged-token")


@pytest.mark.django_db
def test_approval_flow(org, make_event, register):
    event = make_event(capacity=1, requires_approval=True)
    a, b = register(event), register(event)
    assert a.state == b.state == RegistrationState.PENDING
    services.registration_decide(actor=org["staff_exc"], registration_id=a.pk, approve=True)
    services.registration_decide(actor=org["staff_exc"], registration_id=b.pk, approve=True)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, b.state) == ("confirmed", "waitlisted")  # full: approval puts on the waiting list
    with pytest.raises(ConflictError):
        services.registration_decide(actor=org["staff_exc"], registration_id=a.pk, approve=False)


@pytest.mark.django_db
def test_confirmation_email_after_commit_with_qr(
    make_event, register, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reg = register(event)
    assert mailoutbox == []  # nothing before commit
    for cb in callbacks:
        cb()
    assert len(mailoutbox) == 1
    msg = mailoutbox[0]
    assert reg.code in msg.body and f"/events/t/{reg.token}/" in msg.body
    name, content, mime = msg.attachments[0]
    assert mime == "image/png" and content[:4] == b"\x89PNG"


@pytest.mark.django_db
def test_phone_encrypted_at_rest_and_blind_indexed(make_event, register):
    event = make_event()
    reg = register(event, n=31)
    with connection.cursor() as cur:
        cur.execute("SELECT phone, phone_index FROM events_registration WHERE id = %s", [reg.pk])
        stored, index = cur.fetchone()
    assert "13900000031" not in stored and index and "13900000031" not in index
    assert Registration.objects.get(pk=reg.pk).phone == "13900000031"


@pytest.mark.django_db
def test_tokens_are_unguessable_and_unique(make_event, register):
    event = make_event(capacity=50)
    regs = [register(event) for _ in range(20)]
    assert len({r.token for r in regs}) == 20 and all(len(r.token) >= 32 for r in regs)
    assert len({r.code for r in regs}) == 20


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_under_simultaneous_registrations(org, make_event):
    """Real threads and connections, all released at once: never more confirmed than seats."""
    capacity, workers, per_worker = 7, 8, 4
    event = make_event(capacity=capacity)
    barrier = threading.Barrier(workers)
    errors = []

    def work(w):
        try:
            barrier.wait()
            for i in range(per_worker):
                services.registration_create(event_id=event.pk, **person(w * 100 + i))
        except Exception as exc:  # noqa: BLE001 (collected and asserted below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    event.refresh_from_db()
    confirmed = Registration.objects.filter(event=event, state="confirmed").count()
    assert confirmed == event.confirmed_count == capacity
    assert (
        Registration.objects.filter(event=event, state="waitlisted").count()
        == workers * per_worker - capacity
    )


@pytest.mark.django_db(transaction=True)
def test_simultaneous_cancellations_promote_exactly_once(org, make_event):
    event = make_event(capacity=3)
    regs = [services.registration_create(event_id=event.pk, **person(500 + i)) for i in range(8)]
    barrier = threading.Barrier(3)
    errors = []

    def work(reg):
        try:
            barrier.wait()
            services.registration_cancel(token=reg.token)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(r,)) for r in regs[:3]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    event.refresh_from_db()
    states = list(Registration.objects.filter(event=event).order_by("id").values_list("state", flat=True))
    assert states == ["cancelled"] * 3 + ["confirmed"] * 3 + ["waitlisted"] * 2
    assert event.confirmed_count == 3


@pytest.mark.django_db
def test_oversized_upload_refused(org, make_event, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    event = make_event(state=EventState.PLANNED)
    f = services.form_field_add(actor=org["staff_exc"], event_id=event.pk, label="材料", kind=FieldKind.FILE)
    Event.objects.filter(pk=event.pk).update(state=EventState.REGISTRATION_OPEN)
    big = services.UploadedFile("big.pdf", PDF + b"0" * 4096)
    with pytest.raises(ApplicationError, match="太大"):
        services.registration_create(event_id=event.pk, files={f.key: big}, **person())
    assert not Registration.objects.filter(event=event).exists()
