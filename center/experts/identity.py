"""Identity documents and organisations' codes: mainland ID (GB 11643), HKID, Macau ID, passports."""

import re
import unicodedata

from django.utils.translation import gettext as _

from center.accounts.validators import is_valid_credit_code, is_valid_id_number
from center.core.crypto import blind_index
from center.core.errors import ApplicationError

from .enums import IdType

_HKID = re.compile(r"^([A-Z]{1,2})(\d{6})\(?([0-9A])\)?$")
_MACAU = re.compile(r"^[1578]\d{6}\(?\d\)?$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


def is_valid_hkid(value: str) -> bool:
    m = _HKID.match(value)
    if not m:
        return False
    letters, digits, check = m.groups()
    chars = (" " + letters if len(letters) == 1 else letters) + digits
    values = [36 if c == " " else (ord(c) - 55 if c.isalpha() else int(c)) for c in chars]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return check == ("A" if expected == 10 else str(expected))


def normalise_id(id_type: str, number: str) -> str:
    """The canonical form of a document number, or ApplicationError naming what is wrong."""
    v = re.sub(r"\s", "", number or "").upper().replace("（", "(").replace("）", ")")
    ok = {
        IdType.MAINLAND: is_valid_id_number,
        IdType.HK: is_valid_hkid,
        IdType.MACAU: lambda x: bool(_MACAU.match(x)),
        IdType.PASSPORT: lambda x: bool(_PASSPORT.match(x)),
    }.get(id_type)
    if ok is None:
        raise ApplicationError(_("证件类型无效。"), {"field": "id_type"})
    if not ok(v):
        raise ApplicationError(_("证件号码无效（格式或校验位不正确）。"), {"field": "id_number"})
    return v.replace("(", "").replace(")", "") if id_type == IdType.HK else v


def id_index(id_type: str, normalised: str) -> str:
    return blind_index(f"{id_type}:{normalised}")


def normalise_credit_code(value: str) -> str:
    v = (value or "").strip().upper()
    if v and not is_valid_credit_code(v):
        raise ApplicationError(
            _("统一社会信用代码无效（格式或校验位不正确）：%(v)s") % {"v": v[:18]}, {"field": "credit_code"}
        )
    return v


# Legal-form variants that name the same organisation, longest first (after NFKC, lower case, no punctuation).
_ORG_SUFFIXES = (
    ("有限责任公司", "有限公司"),
    ("股份有限公司", "有限公司"),
    ("companylimited", "ltd"),
    ("colimited", "ltd"),
    ("coltd", "ltd"),
    ("limited", "ltd"),
    ("incorporated", "inc"),
    ("corporation", "corp"),
)


def org_name_key(name: str) -> str:
    """The comparison form of an organisation's name: full-width → half-width (NFKC), case folded, spaces and
    punctuation removed, common legal-form suffix variants unified (有限责任公司 = 有限公司, Co., Ltd. = Limited)."""
    v = unicodedata.normalize("NFKC", name or "").casefold()
    v = "".join(ch for ch in v if unicodedata.category(ch)[0] in "LN")
    for variant, canonical in _ORG_SUFFIXES:
        if v.endswith(variant):
            v = v[: -len(variant)] + canonical
            break
    return v[:120]
