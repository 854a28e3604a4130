"""Uploads: checked by size, extension and content (magic bytes) before anything is stored."""

import hashlib
import io
import secrets
import zipfile
from pathlib import Path

import filetype
from django.conf import settings
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


def storage_path(stored_name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / stored_name[:2] / stored_name


@service
def attachment_create(*, actor, name: str, data: bytes, purpose: str = "general") -> Attachment:
    """Validate and store an upload. Side effects: a file under MEDIA_ROOT, an audit entry.

    The file is written before the row commits; if the unit of work rolls back, it is removed (a crash
    between the two leaves an orphan that `manage.py uploads_orphans` removes).
    """
    mime = validate_upload(name, data, purpose)
    stored = secrets.token_hex(16)
    path = storage_path(stored)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    on_rollback(lambda: path.unlink(missing_ok=True))
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
