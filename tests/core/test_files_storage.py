"""Uploads behind Django's storage API: a refused unit leaves no file, orphans are swept, "uploads" is used."""

import io
import os
import time
from datetime import date, timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.urls import reverse

from center.control import services as control
from center.core.errors import ApplicationError, ConflictError
from center.core.files import (
    attachment_create,
    find_orphans,
    open_stored,
    store_bytes,
    stored_key,
    stored_keys,
    upload_storage,
)
from center.core.models import Attachment, AuditEntry
from tests.control.factories import YEAR, approve_all, quotas_ready

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def store(settings, tmp_path):
    """A private upload store for this test (the shared test MEDIA_ROOT is used by other runs)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    storage = upload_storage()
    assert isinstance(storage, FileSystemStorage) and str(storage.location) == str(tmp_path)
    return storage


def files_in(storage) -> list[str]:
    return list(stored_keys(storage))


def _invoice(number: str, amount: str) -> dict:
    return {
        "code": "044001900111",
        "number": number,
        "amount": amount,
        "issued_on": date(YEAR, 5, 1),
        "file_name": "发票.pdf",
        "file_data": PDF,
    }


def _application(org, q, title="活动"):
    app = control.application_submit(
        actor=org["staff_inn"], app_type="event", title=title, year=YEAR, lines=[(q["30227"].pk, "30000.00")]
    )
    return approve_all(org, app)


def test_the_named_uploads_storage_holds_new_files(org, store):
    att = attachment_create(actor=org["staff_inn"], name="a.pdf", data=PDF)
    assert files_in(store) == [stored_key(att.stored_name)]
    with open_stored(att.stored_name) as f:
        assert f.read() == PDF


def test_download_goes_through_the_store_and_the_permission_check(org, store, client_for):
    att = attachment_create(actor=org["staff_inn"], name="纪要.pdf", data=PDF)
    url = reverse("core:attachment_download", args=[att.pk])
    ok = client_for("head_inn").get(url)
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == PDF
    assert client_for("staff_exc").get(url).status_code == 404  # another department's file


def test_a_refused_reimbursement_leaves_no_invoice_file(org, store):
    """The first invoice is stored, the second is a duplicate: the refusal takes the first file away too."""
    q = quotas_ready(org)
    first = _application(org, q)
    control.reimbursement_submit(
        actor=org["staff_inn"],
        title="报销",
        application_id=first.pk,
        lines=[(q["30227"].pk, "1000.00")],
        invoices=[_invoice("99990001", "1000.00")],
    )
    kept = files_in(store)
    assert len(kept) == 1
    second = _application(org, q, title="另一场")
    with pytest.raises(ConflictError, match="重复报销"):
        control.reimbursement_submit(
            actor=org["staff_inn"],
            title="再报",
            application_id=second.pk,
            lines=[(q["30227"].pk, "2000.00")],
            invoices=[_invoice("99990002", "1000.00"), _invoice("99990001", "1000.00")],
        )
    assert files_in(store) == kept
    assert Attachment.objects.count() == 1


def test_a_reimbursement_refused_after_its_invoices_were_stored_leaves_no_file(org, store):
    q = quotas_ready(org)
    app = _application(org, q)
    with pytest.raises(ApplicationError, match="超过发票合计"):
        control.reimbursement_submit(
            actor=org["staff_inn"],
            title="报销",
            application_id=app.pk,
            lines=[(q["30227"].pk, "3000.00")],
            invoices=[_invoice("99990003", "1000.00"), _invoice("99990004", "1000.00")],
        )
    assert files_in(store) == []


def _age(storage, key: str, hours: float) -> None:
    past = time.time() - hours * 3600
    os.utime(storage.path(key), (past, past))


def test_uploads_orphans_removes_only_old_unreferenced_uploads(org, store):
    att = attachment_create(actor=org["staff_inn"], name="a.pdf", data=PDF)
    _age(store, stored_key(att.stored_name), 48)  # old, but a row names it
    old_orphan = stored_key(store_bytes(b"left by a crash"))  # outside a unit: nothing undoes it
    _age(store, old_orphan, 30)
    new_orphan = stored_key(store_bytes(b"a unit may still be running"))
    store.save("notes/readme.txt", io.BytesIO(b"not ours"))
    _age(store, "notes/readme.txt", 100)

    orphans, foreign = find_orphans(timedelta(hours=24))
    assert [o.key for o in orphans] == [old_orphan] and foreign == ["notes/readme.txt"]

    out = io.StringIO()
    call_command("uploads_orphans", dry_run=True, stdout=out)
    assert f"would remove {old_orphan}" in out.getvalue() and "1 orphaned file(s)" in out.getvalue()
    assert store.exists(old_orphan)
    assert not AuditEntry.objects.filter(action="core.uploads.orphans_removed").exists()

    out = io.StringIO()
    call_command("uploads_orphans", stdout=out)
    assert f"removed {old_orphan}" in out.getvalue() and "ignored notes/readme.txt" in out.getvalue()
    assert not store.exists(old_orphan)
    assert (
        store.exists(new_orphan)
        and store.exists(stored_key(att.stored_name))
        and store.exists("notes/readme.txt")
    )
    entry = AuditEntry.objects.get(action="core.uploads.orphans_removed")
    assert entry.extra["count"] == 1 and entry.extra["keys"] == [old_orphan]

    out = io.StringIO()
    call_command("uploads_orphans", older_than=1, stdout=out)
    assert f"removed {new_orphan}" not in out.getvalue()  # written moments ago
    with pytest.raises(CommandError, match="at least 1 hour"):
        call_command("uploads_orphans", older_than=0.1)


def test_registration_files_of_the_events_area_are_not_orphans(org, store):
    """Any model with a `stored_name` field counts, not only core's attachments."""
    from center.events.models import RegistrationFile

    key = stored_key(store_bytes(PDF))
    _age(store, key, 48)
    assert [o.key for o in find_orphans(timedelta(hours=24))[0]] == [key]
    RegistrationFile.objects.create(
        field_key="cv",
        original_name="cv.pdf",
        stored_name=key.split("/")[1],
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
    )
    assert find_orphans(timedelta(hours=24))[0] == []


S3_ENDPOINT = os.environ.get("S3_TEST_ENDPOINT_URL", "")


@pytest.mark.skipif(
    not S3_ENDPOINT,
    reason="no S3-compatible endpoint configured: set S3_TEST_ENDPOINT_URL, S3_TEST_BUCKET, "
    "S3_TEST_ACCESS_KEY and S3_TEST_SECRET_KEY (and install the 's3' extra) to run it",
)
def test_the_store_works_on_an_s3_compatible_bucket(org, settings):
    pytest.importorskip(
        "storages.backends.s3", reason="django-storages is not installed (pip install -e '.[s3]')"
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "endpoint_url": S3_ENDPOINT,
                "bucket_name": os.environ["S3_TEST_BUCKET"],
                "access_key": os.environ["S3_TEST_ACCESS_KEY"],
                "secret_key": os.environ["S3_TEST_SECRET_KEY"],
                "location": f"test-{os.getpid()}",
                "file_overwrite": False,
                "default_acl": "private",
                "querystring_auth": True,
            },
        },
    }
    att = attachment_create(actor=org["staff_inn"], name="a.pdf", data=PDF)
    with open_stored(att.stored_name) as f:
        assert f.read() == PDF
    upload_storage().delete(stored_key(att.stored_name))
    assert not upload_storage().exists(stored_key(att.stored_name))
