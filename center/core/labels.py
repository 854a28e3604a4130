"""Words for codes: the registry that turns audit action codes, entity names and field names into labels.

Core knows no area, so each area registers its own words from `<area>/labels.py` (imported in its
`AppConfig.ready`), with lazy translations (Chinese source, English in the area's catalogue):

    register(
        entities={"events.event": _("活动")},          # the `<area>.<entity>` of action codes and target types
        verbs={"approve": _("批准")},                   # machine verbs and other last parts of action codes
        actions={"events.event.close_registration": _("截止报名")},  # whole codes whose words differ
        fields={"budget_item": _("经费来源")},           # field names not on the target's model
        values={"kind": SomeChoices.choices},            # coded values of a field, shown by their label
    )

`action_label(code)` is the whole code's label if registered, else "<verb><entity>" (en "<entity> <verb>")
when both parts are; `has_label(code)` says whether a code has words (tests/core/test_labels.py checks every
code written in the code base). A code without words is shown as "其他操作" with the code in a tooltip only.
`field_label(target_type, field)` prefers the field's own `verbose_name`; `value_label` shows coded values
(choices, booleans, empty) in words. A model's verbose name names a target type unless an entity is registered.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .enums import AuditOutcome, Role
from .money import format_yuan

_ENTITIES: dict[str, Any] = {}
_VERBS: dict[str, Any] = {}
_ACTIONS: dict[str, Any] = {}
_FIELDS: dict[str, Any] = {}
_VALUES: dict[str, dict[str, Any]] = {}
_MONEY = {"amount", "planned", "actual", "gross", "net", "tax"}  # extra keys that hold an amount in yuan
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def register(
    *,
    entities: dict | None = None,
    verbs: dict | None = None,
    actions: dict | None = None,
    fields: dict | None = None,
    values: dict[str, Iterable[tuple[str, Any]]] | None = None,
) -> None:
    _ENTITIES.update(entities or {})
    _VERBS.update(verbs or {})
    _ACTIONS.update(actions or {})
    _FIELDS.update(fields or {})
    for key, choices in (values or {}).items():
        _VALUES.setdefault(key, {}).update({str(v): label for v, label in choices})


def _split(code: str) -> tuple[str, str]:
    entity, _dot, verb = code.rpartition(".")
    return entity, verb


def has_label(code: str) -> bool:
    entity, verb = _split(code)
    return code in _ACTIONS or (entity in _ENTITIES and verb in _VERBS)


def action_label(code: str) -> str:
    if code in _ACTIONS:
        return str(_ACTIONS[code])
    entity, verb = _split(code)
    if entity in _ENTITIES and verb in _VERBS:
        return _("%(verb)s%(entity)s") % {"verb": _VERBS[verb], "entity": _ENTITIES[entity]}
    return _("其他操作")


def _model(target_type: str):
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def entity_label(target_type: str) -> str:
    """What kind of thing a target is ("账号" for accounts.user), or "" when nothing names it."""
    if not target_type:
        return ""
    if target_type in _ENTITIES:
        return str(_ENTITIES[target_type])
    model = _model(target_type)
    # Django's default verbose name is the class name split into words ("draw pick"): not a label.
    if model is not None and "verbose_name" in model._meta.original_attrs:
        return str(model._meta.verbose_name)
    return ""


def _model_field(target_type: str, name: str):
    model = _model(target_type)
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except Exception:  # noqa: BLE001, S112 (FieldDoesNotExist and reverse relations alike)
            continue
    return None


def field_label(target_type: str, name: str) -> str:
    if name in _FIELDS:
        return str(_FIELDS[name])
    field = _model_field(target_type, name)
    verbose = getattr(field, "verbose_name", None)
    if isinstance(verbose, Promise):  # a translated verbose name, not the default made of the field's name
        return str(verbose)
    return _("其他信息")


def value_label(target_type: str, name: str, value: Any) -> str:
    """A stored value in words: a choice's label, 是/否, "—" for nothing; lists item by item."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(value_label(target_type, name, v) for v in value)
    if isinstance(value, dict):
        return "；".join(
            f"{field_label(target_type, k)}：{value_label(target_type, k, v)}" for k, v in value.items()
        )
    field = _model_field(target_type, name)
    if name in _MONEY or (
        getattr(field, "decimal_places", None) == 2 and getattr(field, "max_digits", 0) >= 16
    ):
        try:
            return format_yuan(value)
        except (ArithmeticError, ValueError, TypeError):
            return str(value)
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        try:
            return formats.date_format(timezone.localtime(datetime.fromisoformat(value)), "DATETIME_FORMAT")
        except ValueError:
            return value
    choices = {str(k): label for k, label in (getattr(field, "flatchoices", None) or [])}
    if str(value) in choices:  # the target's own field first, then words an area registered for the name
        return str(choices[str(value)])
    if name in _VALUES and str(value) in _VALUES[name]:
        return str(_VALUES[name][str(value)])
    if field is not None:
        related = getattr(field, "related_model", None)
        if related is not None and field.many_to_one and str(value).isdigit():  # an id: its object's name
            obj = related._default_manager.filter(pk=int(value)).first()
            if obj is not None:
                return str(obj)
    return str(value)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(str(text)))


@dataclass(frozen=True)
class Words:
    """A piece of text for a page; `lang` is "zh-CN" for Chinese as stored (a name, a title someone typed),
    so an English page marks it as such (tests/test_english_pages.py skips what is marked)."""

    text: str
    lang: str = ""

    def __str__(self) -> str:
        return self.text


def _stored(text) -> Words:
    text = str(text)
    return Words(text, "zh-CN" if has_cjk(text) else "")


def target_label(target_type: str, target_repr: str, target_id: str) -> tuple[Words, str]:
    """孙强（账号）: the target's own words and the kind of thing it is, never `accounts.user#11`."""
    kind = entity_label(target_type)
    text = target_repr
    if not text or text.endswith(f"#{target_id}"):
        return Words(_("第 %(n)s 号") % {"n": target_id} if target_id else ""), kind
    return _stored(text), kind


def _value(target_type: str, name: str, value: Any) -> Words:
    text = value_label(target_type, name, value)
    coded = value is None or isinstance(value, bool) or text != str(value)
    return Words(text) if coded and not isinstance(value, list | dict) else _stored(text)


def labelled_changes(target_type: str, changes: dict) -> list[tuple[str, Words, Words]]:
    """[(field label, before, after)] of an entry's changes."""
    return [
        (field_label(target_type, k), _value(target_type, k, pair[0]), _value(target_type, k, pair[1]))
        for k, pair in (changes or {}).items()
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]


def labelled_extra(target_type: str, extra: dict) -> list[tuple[str, Words]]:
    return [(field_label(target_type, k), _value(target_type, k, v)) for k, v in (extra or {}).items()]


def audit_entry_words(entry) -> dict:
    """An audit entry as a reader sees it: who, what, on what, what changed — all in words."""
    actor = getattr(entry, "actor", None)
    who = (getattr(actor, "full_name", "") or entry.actor_repr) if actor is not None else entry.actor_repr
    behalf = getattr(entry, "on_behalf_of", None)
    return {
        "actor": _stored(who),
        "on_behalf_of": _stored(
            (getattr(behalf, "full_name", "") or str(behalf)) if behalf is not None else ""
        ),
        "action": action_label(entry.action),
        "target": target_label(entry.target_type, entry.target_repr, entry.target_id),
        "changes": labelled_changes(entry.target_type, entry.changes),
        "extra": labelled_extra(entry.target_type, entry.extra),
    }


# Core's own words: the verbs most codes end with, core's entities, security events, common field names.
register(
    verbs={
        "created": pgettext_lazy("audit verb", "创建"),
        "updated": pgettext_lazy("audit verb", "修改"),
        "deleted": pgettext_lazy("audit verb", "删除"),
        "added": pgettext_lazy("audit verb", "添加"),
        "removed": pgettext_lazy("audit verb", "移除"),
        "saved": pgettext_lazy("audit verb", "保存"),
        "submit": pgettext_lazy("audit verb", "提交"),
        "submitted": pgettext_lazy("audit verb", "提交"),
        "resubmit": pgettext_lazy("audit verb", "重新提交"),
        "approve": pgettext_lazy("audit verb", "批准"),
        "approved": pgettext_lazy("audit verb", "批准"),
        "reject": pgettext_lazy("audit verb", "驳回"),
        "rejected": pgettext_lazy("audit verb", "驳回"),
        "return": pgettext_lazy("audit verb", "退回"),
        "returned": pgettext_lazy("audit verb", "退回"),
        "withdraw": pgettext_lazy("audit verb", "撤回"),
        "cancel": pgettext_lazy("audit verb", "取消"),
        "close": pgettext_lazy("audit verb", "办结"),
        "publish": pgettext_lazy("audit verb", "发布"),
        "exported": pgettext_lazy("audit verb", "导出"),
        "downloaded": pgettext_lazy("audit verb", "下载"),
        "loaded": pgettext_lazy("audit verb", "导入"),
        "imported": pgettext_lazy("audit verb", "导入"),
        "copied": pgettext_lazy("audit verb", "复制"),
        "pay": pgettext_lazy("audit verb", "支付"),
        "revoked": pgettext_lazy("audit verb", "撤销"),
        "opened": pgettext_lazy("audit verb", "打开"),
        "computed": pgettext_lazy("audit verb", "计算"),
        "changed": pgettext_lazy("audit verb", "变更"),
    },
    entities={
        "core.attachment": pgettext_lazy("audit entity", "附件"),
        "core.audit": pgettext_lazy("audit entity", "审计日志"),
    },
    actions={
        "core.uploads.orphans_removed": gettext_lazy("清理遗留上传文件"),
        "security.login.succeeded": gettext_lazy("登录成功"),
        "security.login.failed": gettext_lazy("登录失败"),
        "security.password_reset.completed": gettext_lazy("通过链接重设密码"),
        "security.password_reset.requested": gettext_lazy("申请重设密码"),
        "security.login.locked_out": gettext_lazy("登录被锁定"),
        "security.session.expired": gettext_lazy("会话超时"),
        "security.access.denied": gettext_lazy("越权访问被拒绝"),
        "security.csrf.rejected": gettext_lazy("表单校验失败（CSRF）"),
        "security.two_factor.enabled": gettext_lazy("启用两步验证"),
        "security.two_factor.disabled": gettext_lazy("停用两步验证"),
        "security.two_factor.verified": gettext_lazy("两步验证通过"),
        "security.two_factor.failed": gettext_lazy("两步验证失败"),
    },
    fields={
        "state": pgettext_lazy("audit field", "状态"),
        "amount": pgettext_lazy("audit field", "金额"),
        "reason": pgettext_lazy("audit field", "原因"),
        "comment": pgettext_lazy("audit field", "意见"),
        "note": pgettext_lazy("audit field", "备注"),
        "name": pgettext_lazy("audit field", "名称"),
        "title": pgettext_lazy("audit field", "标题"),
        "code": pgettext_lazy("audit field", "编码"),
        "kind": pgettext_lazy("audit field", "类型"),
        "type": pgettext_lazy("audit field", "文件类型"),
        "size": pgettext_lazy("audit field", "大小（字节）"),
        "roles": pgettext_lazy("audit field", "角色"),
        "username": pgettext_lazy("audit field", "用户名"),
        "is_active": pgettext_lazy("audit field", "启用"),
        "step": pgettext_lazy("audit field", "审批环节"),
        "task": pgettext_lazy("audit field", "审批任务编号"),
        "count": pgettext_lazy("audit field", "数量"),
        "total": pgettext_lazy("audit field", "合计"),
        "year": pgettext_lazy("audit field", "年度"),
        "version": pgettext_lazy("audit field", "版本"),
        "path": pgettext_lazy("audit field", "路径"),
        "format": pgettext_lazy("audit field", "格式"),
        "rows": pgettext_lazy("audit field", "行数"),
        "errors": pgettext_lazy("audit field", "错误"),
        "warnings": pgettext_lazy("audit field", "提醒"),
        "attachment": pgettext_lazy("audit field", "附件编号"),
        "retry": pgettext_lazy("audit field", "重试"),
        "older_than_hours": pgettext_lazy("audit field", "早于（小时）"),
        "lock_ip": pgettext_lazy("audit field", "锁定的 IP"),
        "from": pgettext_lazy("audit field", "原值"),
        "to": pgettext_lazy("audit field", "新值"),
        "target": pgettext_lazy("audit field", "对象"),
        "keys": pgettext_lazy("audit field", "键"),
        "action": pgettext_lazy("audit field", "操作"),
        "actor": pgettext_lazy("audit field", "操作人"),
        "outcome": pgettext_lazy("audit field", "结果"),
        "since": pgettext_lazy("audit field", "起始日期"),
        "until": pgettext_lazy("audit field", "截止日期"),
        "method": pgettext_lazy("audit field", "方式"),
        "description": pgettext_lazy("audit field", "说明"),
        "label": pgettext_lazy("audit field", "名称"),
        "field": pgettext_lazy("audit field", "字段"),
        "by": pgettext_lazy("audit field", "操作人"),
    },
    values={"roles": Role.choices, "outcome": AuditOutcome.choices},
)
