"""The ticket of a registration: its check-in code, its QR code and how a scanned or typed ticket is read.
Pure functions with no dependency on services or tasks (both import them)."""

import io
import re
import secrets

import segno

# Short check-in codes: no 0/O/1/I/L, so that a code read aloud or typed cannot be mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
QR_PREFIX = "SZSTEC-EVT:"


def random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(24)


def qr_payload(registration) -> str:
    return QR_PREFIX + registration.token


def qr_png(registration) -> bytes:
    buf = io.BytesIO()
    segno.make(qr_payload(registration), error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


def parse_ticket(raw: str) -> tuple[str, str]:
    """('token', value) for a scanned QR code, ('code', value) for a typed short code."""
    v = (raw or "").strip()[:200]
    if v.startswith(QR_PREFIX):
        return "token", v[len(QR_PREFIX) :]
    if "/t/" in v:  # a ticket link pasted or scanned
        return "token", v.rstrip("/").rsplit("/", 1)[-1]
    code = re.sub(r"[\s-]", "", v).upper()
    if len(code) == CODE_LENGTH:
        return "code", code
    return "token", v
