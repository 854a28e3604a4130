"""Identifier checks: mainland mobile numbers, 居民身份证 (GB 11643), 统一社会信用代码 (GB 32100)."""

import re

from django.utils.translation import gettext as _

from center.core.errors import ApplicationError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_HK_MO = re.compile(r"^\+?85[23]\d{8}$")


def validate_mobile(value: str) -> str:
    v = re.sub(r"[\s-]", "", value or "")
    if v.startswith("+86"):
        v = v[3:]
    if _MOBILE.match(v) or _HK_MO.match(v):
        return v
    raise ApplicationError(_("手机号格式不正确：%(v)s") % {"v": value[:20]}, {"field": "phone"})


_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def is_valid_id_number(value: str) -> bool:
    v = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", v):
        return False
    total = sum(int(c) * w for c, w in zip(v[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == v[17]


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def is_valid_credit_code(value: str) -> bool:
    v = (value or "").strip().upper()
    if len(v) != 18 or any(c not in _USCC_CHARS for c in v):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(v[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == v[17]
