"""What the services of the events area share: locking an event, reading contact details, storing an
uploaded file, queueing an e-mail, reading an amount."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.validators import validate_email
from django.utils.translation import gettext as _

from center.accounts.validators import validate_mobile
from center.core.errors import ApplicationError, NotFoundError
from center.core.files import store_bytes, validate_upload
from center.core.locks import lock_one
from center.core.tasks import enqueue_on_commit

from ..models import Event, RegistrationFile
from ..tasks import send_registration_email

MAX_TEXT = 2000


def _lock_event(event_id: int) -> Event:
    event = lock_one(Event.objects.filter(pk=event_id))
    if event is None:
        raise NotFoundError(_("活动不存在。"))
    return event


def normalise_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except Exception as exc:  # noqa: BLE001 (Django's ValidationError; message is ours)
        raise ApplicationError(_("电子邮箱格式不正确。"), {"field": "email"}) from exc
    return email.lower()


def normalise_phone(phone: str) -> str:
    """Mainland mobile (11 digits) or +852/+853: the canonical form duplicate detection compares."""
    v = validate_mobile(phone or "")
    return v.lstrip("+")


@dataclass
class UploadedFile:
    name: str
    data: bytes


def _store_file(*, upload: UploadedFile, field_key: str, registration=None, application=None) -> None:
    """Write the verified bytes under a random name; removed again if the unit of work rolls back."""
    stored = store_bytes(upload.data)  # removed again if the unit rolls back (center.core.files)
    RegistrationFile.objects.create(
        registration=registration,
        application=application,
        field_key=field_key,
        original_name=Path(upload.name).name[:200],
        stored_name=stored,
        content_type=validate_upload(upload.name, upload.data, "general"),
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
    )


def _queue_email(registration_id: int, kind: str) -> None:
    enqueue_on_commit(send_registration_email, registration_id, kind)


def _money(value, field: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, TypeError) as exc:
        raise ApplicationError(_("金额格式不正确。"), {"field": field}) from exc
    if d < 0 or d.as_tuple().exponent < -2 or d >= Decimal("1e14"):
        raise ApplicationError(_("金额须为非负数，最多两位小数。"), {"field": field})
    return d
