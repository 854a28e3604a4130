"""Masking of personal data for display, exports and logs (PIPL): 110101********1234, 138****5678."""

import re

SECRET = "******"  # noqa: S105 (the placeholder shown instead of a secret)


def mask_id_number(value: str) -> str:
    v = (value or "").strip()
    if len(v) <= 4:
        return "*" * len(v)
    if len(v) >= 15:
        return v[:6] + "*" * (len(v) - 10) + v[-4:]
    return v[:2] + "*" * (len(v) - 4) + v[-2:]


def mask_phone(value: str) -> str:
    v = (value or "").strip()
    digits = re.sub(r"\D", "", v)
    if len(digits) == 11:
        return digits[:3] + "****" + digits[-4:]
    if len(v) <= 4:
        return "*" * len(v)
    return v[: len(v) - 8] + "****" + v[-4:] if len(v) > 8 else v[:2] + "*" * (len(v) - 4) + v[-2:]


def mask_bank_account(value: str) -> str:
    v = re.sub(r"\s", "", value or "")
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_email(value: str) -> str:
    v = (value or "").strip()
    if "@" not in v:
        return mask_id_number(v)
    name, domain = v.split("@", 1)
    return (name[:1] + "***" if name else "") + "@" + domain


# Field name → masker. Names of secrets map to a constant: their value is never recorded.
_MASKERS = {
    "password": lambda v: SECRET,
    "token": lambda v: SECRET,
    "token_hash": lambda v: SECRET,
    "key": lambda v: SECRET,
    "secret": lambda v: SECRET,
    "id_number": mask_id_number,
    "bank_account": mask_bank_account,
    "phone": mask_phone,
    "mobile": mask_phone,
}


def mask_field(name: str, value):
    """Mask a value by its field name; values of non-sensitive fields pass through unchanged."""
    if value in (None, ""):
        return value
    for suffix, masker in _MASKERS.items():
        if name == suffix or name.endswith("_" + suffix):
            return masker(str(value))
    return value
