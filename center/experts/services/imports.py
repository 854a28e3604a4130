"""The bulk import of experts from an .xlsx sheet: all rows or none, every bad row reported."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.crypto import blind_index
from center.core.errors import ApplicationError
from center.core.services import service
from center.core.xlsx import open_workbook

from ..enums import (
    ExpertState,
    Gender,
    IdType,
    Region,
    TitleLevel,
)
from ..identity import id_index, normalise_credit_code, org_name_key
from ..models import (
    Discipline,
    Expert,
    ExpertDiscipline,
    ExpertStateChange,
    Organisation,
)
from .pool import _clean, search_text

IMPORT_COLUMNS = [
    "姓名",
    "拼音",
    "英文名",
    "繁体姓名",
    "性别",
    "出生年份",
    "证件类型",
    "证件号码",
    "手机号",
    "电子邮箱",
    "工作单位",
    "统一社会信用代码",
    "职称",
    "职称级别",
    "学科代码",
    "关键词",
    "地区",
    "工作语言",
    "开户银行",
    "银行账号",
]
_FIELD_COLUMN = {
    "name": "姓名",
    "gender": "性别",
    "birth_year": "出生年份",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "phone": "手机号",
    "employer": "工作单位",
    "credit_code": "统一社会信用代码",
    "title": "职称",
    "title_level": "职称级别",
    "disciplines": "学科代码",
    "region": "地区",
    "bank_account": "银行账号",
    "email": "电子邮箱",
}


def _choice(enum, value):
    v = str(value or "").strip()
    for member in enum:
        if v in (str(member.value), str(member.label)):
            return member.value
    return v


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}

    @property
    def ok(self) -> bool:
        return not self.errors


def expert_import_xlsx(*, actor, data: bytes, state: str = ExpertState.ADMITTED) -> ImportReport:
    """Import experts from an .xlsx sheet (IMPORT_COLUMNS). All or nothing: any bad row imports no row.

    The report lists every bad row with its column and reason. One audit entry for the batch.
    """
    report = ImportReport()
    # Refused before unpacking when it is a zip bomb; rows, columns and cell length bounded (WorkbookRefused).
    with open_workbook(data) as book:
        sheet_rows = list(book.rows())
    header = [str(h or "").strip() for h in (sheet_rows[0][1] if sheet_rows else ())]
    rows = sheet_rows[1:]
    missing = [
        c
        for c in ("姓名", "证件类型", "证件号码", "手机号", "工作单位", "职称级别", "学科代码", "地区")
        if c not in header
    ]
    if missing:
        raise ApplicationError(_("缺少列：%(c)s") % {"c": "、".join(missing)})
    col = {name: header.index(name) for name in IMPORT_COLUMNS if name in header}
    disciplines = dict(Discipline.objects.values_list("code", "id"))
    orgs_by_code = {o.credit_code: o for o in Organisation.objects.exclude(credit_code="")}
    # Without a code, a row's unit is the known one of the same normalised name (org_name_key): an import
    # cannot ask, and a near-duplicate would let same-employer avoidance miss.
    orgs_by_name = {}
    for o in Organisation.objects.order_by("-credit_code", "pk"):
        orgs_by_name.setdefault(o.name_key, o)
    existing_ids = set(Expert.objects.values_list("id_number_index", flat=True))
    existing_np = set(Expert.objects.values_list("name", "phone_index"))
    seen_ids, seen_np = {}, {}
    prepared = []
    for n, row in rows:
        if row is None or not any(v not in (None, "") for v in row):
            continue
        report.rows += 1

        def get(name, row=row):
            i = col.get(name)
            v = row[i] if i is not None and i < len(row) else None
            return "" if v is None else str(v).strip()

        data = {
            "name": get("姓名"),
            "name_pinyin": get("拼音"),
            "name_en": get("英文名"),
            "name_traditional": get("繁体姓名"),
            "gender": _choice(Gender, get("性别")),
            "birth_year": get("出生年份").split(".")[0],
            "id_type": _choice(IdType, get("证件类型")),
            "id_number": get("证件号码"),
            "phone": get("手机号"),
            "email": get("电子邮箱"),
            "title": get("职称"),
            "title_level": _choice(TitleLevel, get("职称级别")),
            "keywords": get("关键词"),
            "region": _choice(Region, get("地区")),
            "languages": get("工作语言") or "zh",
            "bank_name": get("开户银行"),
            "bank_account": get("银行账号"),
        }
        try:
            cleaned = _clean(data)
            credit = normalise_credit_code(get("统一社会信用代码"))
            if not get("工作单位"):
                raise ApplicationError(_("单位名称不能为空。"), {"field": "employer"})
            codes = [
                c.strip()
                for c in get("学科代码").replace("；", ";").replace(",", ";").split(";")
                if c.strip()
            ]
            bad = [c for c in codes if c not in disciplines]
            if not codes or bad:
                raise ApplicationError(
                    _("学科代码无效：%(c)s") % {"c": ", ".join(bad) or "—"}, {"field": "disciplines"}
                )
            idx = id_index(cleaned["id_type"], cleaned["id_number"])
            pidx = blind_index(cleaned["phone"])
            if idx in existing_ids:
                raise ApplicationError(_("证件号码已在专家库中。"), {"field": "id_number"})
            if idx in seen_ids:
                raise ApplicationError(
                    _("证件号码与第 %(r)s 行重复。") % {"r": seen_ids[idx]}, {"field": "id_number"}
                )
            if (cleaned["name"], pidx) in existing_np:
                raise ApplicationError(_("同名且手机号相同的专家已在专家库中。"), {"field": "phone"})
            if (cleaned["name"], pidx) in seen_np:
                raise ApplicationError(
                    _("姓名和手机号与第 %(r)s 行重复。") % {"r": seen_np[(cleaned["name"], pidx)]},
                    {"field": "phone"},
                )
        except ApplicationError as exc:
            column = _FIELD_COLUMN.get(exc.extra.get("field"), "")
            report.errors.append({"row": n, "column": column, "message": exc.message})
            continue
        seen_ids[idx] = n
        seen_np[(cleaned["name"], pidx)] = n
        prepared.append((cleaned, idx, pidx, get("工作单位"), credit, codes))
    if report.errors or not prepared:
        return report
    report.created = _import_write(
        actor=actor,
        prepared=prepared,
        state=state,
        rows=report.rows,
        disciplines=disciplines,
        orgs_by_code=orgs_by_code,
        orgs_by_name=orgs_by_name,
    )
    return report


@service
def _import_write(
    *,
    actor,
    prepared: list,
    state: str,
    rows: int,
    disciplines: dict,
    orgs_by_code: dict,
    orgs_by_name: dict,
) -> int:
    """The write of an import whose every row was checked: all rows in one unit, one audit entry."""
    orgs_by_code, orgs_by_name = dict(orgs_by_code), dict(orgs_by_name)  # a retried unit starts afresh
    experts = []
    for cleaned, idx, pidx, org_name, credit, _codes in prepared:
        org = orgs_by_code.get(credit) if credit else orgs_by_name.get(org_name_key(org_name))
        if org is None:
            org = Organisation.objects.create(name=org_name, credit_code=credit, region=cleaned["region"])
            if credit:
                orgs_by_code[credit] = org
            orgs_by_name.setdefault(org.name_key, org)
        e = Expert(employer=org, state=state, id_number_index=idx, phone_index=pidx, **cleaned)
        e.search_text = search_text(e, org.name)
        experts.append(e)
    Expert.objects.bulk_create(experts, batch_size=1000)
    if not all(e.pk for e in experts):  # backends without RETURNING: fetch the new ids
        ids = dict(
            Expert.objects.filter(id_number_index__in=[e.id_number_index for e in experts]).values_list(
                "id_number_index", "id"
            )
        )
        for e in experts:
            e.pk = e.id = ids[e.id_number_index]
    links = [
        ExpertDiscipline(expert_id=e.pk, discipline_id=disciplines[c], primary=(i == 0))
        for e, p in zip(experts, prepared, strict=True)
        for i, c in enumerate(p[5])
    ]
    ExpertDiscipline.objects.bulk_create(links, batch_size=2000)
    who = actor if getattr(actor, "pk", None) else None
    ExpertStateChange.objects.bulk_create(
        [ExpertStateChange(expert_id=e.pk, to_state=state, actor=who, reason=_("批量导入")) for e in experts],
        batch_size=2000,
    )
    audit_log("experts.expert.imported", actor=actor, extra={"rows": rows, "created": len(experts)})
    return len(experts)
