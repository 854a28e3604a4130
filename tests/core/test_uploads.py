import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from center.core.errors import ApplicationError
from center.core.files import attachment_create, storage_path, validate_upload
from center.core.models import Attachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _ofd() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "purpose", "expected"),
    [
        ("a.pdf", PDF, "general", "application/pdf"),
        ("发票.ofd", _ofd(), "invoice", "application/ofd"),
        ("p.PNG", PNG, "image", "image/png"),
    ],
)
def test_accepted_files(name, data, purpose, expected):
    assert validate_upload(name, data, purpose) == expected


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.pdf", EXE, "不符"),  # disguised executable
        ("image.pdf", PNG, "不符"),  # a real PNG named .pdf
        ("run.exe", EXE, "不允许"),
        ("empty.pdf", b"", "空"),
        ("fake.ofd", PDF, "不符"),
    ],
)
def test_refused_files(name, data, message):
    with pytest.raises(ApplicationError, match=message):
        validate_upload(name, data, "general")


def test_oversized_file_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ApplicationError, match="太大"):
        validate_upload("big.pdf", PDF + b"0" * 2000)


def test_stored_outside_the_web_root_under_a_random_name(org, settings):
    att = attachment_create(actor=org["staff_inn"], name="../../etc/passwd.pdf", data=PDF)
    path = storage_path(att.stored_name)
    assert path.read_bytes() == PDF
    assert str(settings.MEDIA_ROOT) in str(path) and "static" not in str(path)
    assert att.original_name == "passwd.pdf" and att.department == org["staff_inn"].department


def test_upload_page_refuses_a_disguised_file_and_changes_nothing(client_for):
    c = client_for("staff_exc")
    response = c.post(reverse("core:attachments"), {"file": SimpleUploadedFile("报告.pdf", EXE)}, follow=True)
    assert "不符" in response.content.decode()
    assert Attachment.objects.count() == 0
    response = c.post(reverse("core:attachments"), {"file": SimpleUploadedFile("报告.pdf", PDF)}, follow=True)
    assert Attachment.objects.count() == 1


def test_download_checks_scope(org, client_for):
    att = attachment_create(actor=org["staff_inn"], name="纪要.pdf", data=PDF)
    url = reverse("core:attachment_download", args=[att.pk])
    ok = client_for("head_inn").get(url)
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == PDF
    assert ok["Content-Disposition"].startswith("attachment")
    assert client_for("staff_exc").get(url).status_code == 404  # another department
    assert client_for("head_exp").get(url).status_code == 404
    assert client_for("sysadmin").get(url).status_code == 403  # no business data for the system admin
    assert client_for("expert").get(url).status_code == 403
