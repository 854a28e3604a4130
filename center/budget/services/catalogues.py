"""A year's catalogues (功能分类, 经济分类, income sources, procurement kinds): copy a year, add or rename a
code. Loading a whole catalogue from data is in `loading`."""

from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError
from center.core.locks import lock_one
from center.core.rules import require
from center.core.services import service

from ..models import EconomicCode, FiscalYear, FunctionalCode, IncomeSource, ProcurementKind
from ..rules import can_edit_catalogue, can_manage_budgets

# --------------------------------------------------------------------------- catalogues


def _level_functional(code: str) -> int:
    return {3: 1, 5: 2, 7: 3}.get(len(code), 0)


def _level_economic(code: str) -> int:
    return {3: 1, 5: 2}.get(len(code), 0)


@service
def catalogue_copy_year(*, actor, from_year: int, to_year: int) -> FiscalYear:
    """Start a new year's catalogue as a copy of an earlier one; finance then edits the differences."""
    require(can_manage_budgets, actor)
    source = FiscalYear.objects.filter(year=from_year).first()
    if source is None:
        raise ApplicationError(_("%(y)s年目录不存在。") % {"y": from_year})
    if FiscalYear.objects.filter(year=to_year).exists():
        raise ConflictError(_("%(y)s年目录已存在。") % {"y": to_year})
    fy = FiscalYear.objects.create(year=to_year, copied_from=source)
    for model in (FunctionalCode, EconomicCode):
        mapping = {}
        for old in model.objects.filter(fiscal_year=source).order_by("level", "code"):
            mapping[old.pk] = model.objects.create(
                fiscal_year=fy,
                code=old.code,
                name=old.name,
                name_en=old.name_en,
                level=old.level,
                sort=old.sort,
                parent=mapping.get(old.parent_id),
            )
    mapping = {}
    for old in IncomeSource.objects.filter(fiscal_year=source).order_by("sort"):
        mapping[old.pk] = IncomeSource.objects.create(
            fiscal_year=fy,
            code=old.code,
            name=old.name,
            name_en=old.name_en,
            level=old.level,
            sort=old.sort,
            is_leaf=old.is_leaf,
            in_current_year_income=old.in_current_year_income,
            parent=mapping.get(old.parent_id),
        )
    for old in ProcurementKind.objects.filter(fiscal_year=source):
        ProcurementKind.objects.create(
            fiscal_year=fy, code=old.code, name=old.name, name_en=old.name_en, level=1, sort=old.sort
        )
    audit_log("budget.catalogue.copied", actor=actor, target=fy, extra={"from": from_year, "to": to_year})
    return fy


@service
def catalogue_entry_save(*, actor, year: int, kind: str, code: str, name: str) -> object:
    """Add a code to a year's functional/economic catalogue or rename it (finance; not for a locked year)."""
    require(can_manage_budgets, actor)
    fy = lock_one(FiscalYear.objects.filter(year=year))  # serialises with the approval that locks the year
    if fy is None:
        raise ApplicationError(_("%(y)s年目录不存在。") % {"y": year})
    if fy.catalogue_locked:
        raise ApplicationError(_("%(y)s年目录已被批复的预算使用，已锁定。") % {"y": year})
    require(can_edit_catalogue, actor, fy)
    model, level_of = {
        "functional": (FunctionalCode, _level_functional),
        "economic": (EconomicCode, _level_economic),
    }[kind]
    code, name = code.strip(), name.strip()
    level = level_of(code)
    if not code.isdigit() or not level or not name:
        raise ApplicationError(_("科目编码“%(c)s”格式错误。") % {"c": code}, {"field": "code"})
    obj = model.objects.filter(fiscal_year=fy, code=code).first()
    if obj:
        before = obj.name
        obj.name = name
        obj.save(update_fields=["name"])
        audit_log(f"budget.{kind}_code.renamed", actor=actor, target=obj, changes={"name": [before, name]})
        return obj
    parent = None
    if level > 1:
        parent = model.objects.filter(fiscal_year=fy, code=code[: 3 if level == 2 else 5]).first()
        if parent is None:
            raise ApplicationError(_("科目“%(c)s”缺少上级科目。") % {"c": code}, {"field": "code"})
    obj = model.objects.create(fiscal_year=fy, code=code, name=name, level=level, parent=parent)
    audit_log(f"budget.{kind}_code.created", actor=actor, target=obj)
    return obj
