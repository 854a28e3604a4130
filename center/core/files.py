"""Uploads: checked by size, extension and content (magic bytes) before anything is stored.

Files live in Django's storage API, in the storage named "uploads" when `STORAGES` defines one, otherwise in
the default storage (a directory under MEDIA_ROOT). Several application machines share one store: an
S3-compatible bucket (django-storages) or a shared filesystem mount (docs/operations.md). A file's key is
`<first two characters>/<stored name>`; the stored name is random and says nothing about the file.
Nothing in the store is served directly: every download passes a permission check and `stored_response`.
"""

import hashlib
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import InvalidStorageError, Storage, default_storage, storages
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_log
from .errors import ApplicationError
from .models import Attachment
from .services import on_rollback, service

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Extension → MIME types its content may have. OFD (China's e-invoice format) is a zip with OFD.xml.
ALLOWED = {
    "pdf": {"application/pdf"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "ofd": {"application/ofd"},
    "xlsx": {XLSX_MIME},
    "docx": {DOCX_MIME},
}
PURPOSE_EXTENSIONS = {
    "general": {"pdf", "jpg", "jpeg", "png", "ofd", "xlsx", "docx"},
    "invoice": {"pdf", "ofd", "jpg", "jpeg", "png"},
    "image": {"jpg", "jpeg", "png"},
}


def detect_type(head: bytes, data_for_zip: bytes | None = None) -> str | None:
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime == "application/zip" and data_for_zip is not None:
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data_for_zip)).namelist())
        except zipfile.BadZipFile:
            return None
        if "OFD.xml" in names:
            return "application/ofd"
        if "xl/workbook.xml" in names:
            return XLSX_MIME
        if "word/document.xml" in names:
            return DOCX_MIME
        return "application/zip"
    return kind.mime


def validate_upload(name: str, data: bytes, purpose: str = "general") -> str:
    """Return the verified MIME type, or raise ApplicationError saying exactly what is wrong."""
    if purpose not in PURPOSE_EXTENSIONS:
        raise ApplicationError(_("未知的附件用途。"))
    if not data:
        raise ApplicationError(_("文件是空的。"))
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ApplicationError(
            _("文件太大：上限为 %(mb)d MB。") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
            {"max_bytes": settings.UPLOAD_MAX_BYTES},
        )
    ext = Path(name).suffix.lower().lstrip(".")
    allowed = PURPOSE_EXTENSIONS[purpose]
    if ext not in allowed:
        raise ApplicationError(
            _("不允许的文件类型“.%(ext)s”：只接受 %(allowed)s。")
            % {"ext": ext, "allowed": ", ".join(sorted(allowed))}
        )
    mime = detect_type(data[:8192], data)
    if mime not in ALLOWED[ext]:
        raise ApplicationError(
            _("文件内容与扩展名“.%(ext)s”不符，已拒绝。") % {"ext": ext}, {"detected": mime or "unknown"}
        )
    return mime


UPLOADS = "uploads"
KEY_PATTERN = re.compile(r"^([0-9a-f]{2})/(\1[0-9a-f]{30})$")  # what `store_bytes` writes, and nothing else


def upload_storage() -> Storage:
    """The store of uploaded files: `STORAGES["uploads"]` when configured, else the default storage."""
    try:
        return storages[UPLOADS]
    except InvalidStorageError:
        return default_storage


def stored_key(stored_name: str) -> str:
    """The key of a stored file in the upload storage."""
    return f"{stored_name[:2]}/{stored_name}"


def store_bytes(data: bytes) -> str:
    """Write `data` under a new random name and return that name. Inside a unit of work, the file is removed
    again if the unit rolls back; a crash between the write and the rollback leaves an orphan that
    `manage.py uploads_orphans` removes."""
    stored = secrets.token_hex(16)
    storage = upload_storage()
    key = storage.save(stored_key(stored), ContentFile(data))
    if key != stored_key(stored):  # a 128-bit name collided: never overwrite, never keep a renamed copy
        storage.delete(key)
        raise RuntimeError("upload name collision")
    on_rollback(lambda: delete_stored(stored))
    return stored


def stored_exists(stored_name: str) -> bool:
    return upload_storage().exists(stored_key(stored_name))


def open_stored(stored_name: str) -> File:
    """The stored file open for reading (binary); FileNotFoundError when it is gone."""
    return upload_storage().open(stored_key(stored_name), "rb")


def read_stored(stored_name: str) -> bytes:
    with open_stored(stored_name) as f:
        return f.read()


def delete_stored(stored_name: str) -> None:
    upload_storage().delete(stored_key(stored_name))


def stored_response(
    stored_name: str, *, content_type: str, filename: str | None = None, as_attachment: bool = False
) -> FileResponse:
    """Stream a stored file to a user whose permission the caller has checked; 404 when the file is gone."""
    try:
        f = open_stored(stored_name)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(f, as_attachment=as_attachment, filename=filename or "", content_type=content_type)


def storage_path(stored_name: str) -> Path:
    """The local path of a stored file: only for a filesystem store (prefer `open_stored`/`stored_response`,
    which work with every backend). A store without local paths raises NotImplementedError."""
    return Path(upload_storage().path(stored_key(stored_name)))


@service
def attachment_create(*, actor, name: str, data: bytes, purpose: str = "general") -> Attachment:
    """Validate and store an upload. Side effects: a file in the upload storage, an audit entry.

    The file is written before the row commits; if the unit of work rolls back, it is removed (a crash
    between the two leaves an orphan that `manage.py uploads_orphans` removes).
    """
    mime = validate_upload(name, data, purpose)
    stored = store_bytes(data)
    att = Attachment.objects.create(
        owner=actor,
        department=actor.department,
        purpose=purpose,
        original_name=Path(name).name[:200],
        stored_name=stored,
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    audit_log("core.attachment.created", actor=actor, target=att, extra={"size": len(data), "type": mime})
    return att


# --- orphans: files in the store that no row names -------------------------------------------------------


def stored_names_in_use() -> set[str]:
    """Every stored name a row refers to: the `stored_name` field of any installed model (core's attachments,
    the events area's registration files, and whatever later stores files the same way)."""
    from django.apps import apps

    names: set[str] = set()
    for model in apps.get_models():
        field_names = {f.name for f in model._meta.concrete_fields}
        if "stored_name" in field_names:
            names.update(
                model._default_manager.values_list("stored_name", flat=True).iterator(chunk_size=5000)
            )
    return names


def stored_keys(storage: Storage | None = None, path: str = ""):
    """Every file key in the upload storage (recursively)."""
    storage = storage or upload_storage()
    dirs, files = storage.listdir(path)
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for d in sorted(dirs):
        yield from stored_keys(storage, f"{path}/{d}" if path else d)


@dataclass
class Orphan:
    key: str
    modified: datetime


def find_orphans(older_than: timedelta) -> tuple[list[Orphan], list[str]]:
    """Files that look like uploads, are older than `older_than` and that no row names; and the keys that do
    not look like uploads at all (left alone). The store is listed before the rows are read, so a file whose
    row commits meanwhile is never taken for an orphan; the age keeps the units still running safe."""
    storage = upload_storage()
    cutoff = timezone.now() - older_than
    candidates, foreign = [], []
    for key in stored_keys(storage):
        match = KEY_PATTERN.match(key)
        if match is None:
            foreign.append(key)
            continue
        modified = storage.get_modified_time(key)
        if modified <= cutoff:
            candidates.append(Orphan(key, modified))
    in_use = stored_names_in_use()
    return [o for o in candidates if o.key.split("/", 1)[1] not in in_use], foreign
