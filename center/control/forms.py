from django import forms
from django.utils.translation import gettext_lazy as _

from center.core.forms import BootstrapMixin

from .enums import ApplicationType, ApproverRule, PaymentMethod, StepKind


class QuotaSelect(forms.Select):
    """A quota list whose options name the application types they may fund (`data-types`): the form's script
    shows only the quotas compatible with the chosen type (without it all are listed, none preselected)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.types: dict[int, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = getattr(value, "value", value)
        if key in self.types:
            option["attrs"]["data-types"] = self.types[key]
        return option


def quota_label(q) -> str:
    """The quota's name (it carries its economic code and name), department and what is left."""
    return f"{q.name}（{q.department.name}，{_('可用')} {q.available:,.2f}）"


class ApplicationForm(BootstrapMixin, forms.Form):
    """A prior application. The details asked for depend on its type (GROUPS): the page shows the chosen type's
    groups only (control/forms.js; without the script every group shows under its heading), and only the
    chosen type's fields are validated and kept."""

    app_type = forms.ChoiceField(label=_("申请类型"), choices=ApplicationType.choices)
    title = forms.CharField(label=_("事由"), max_length=200)
    quota = forms.TypedChoiceField(label=_("使用指标"), coerce=int, choices=(), widget=QuotaSelect)
    amount = forms.DecimalField(label=_("申请金额（元）"), max_digits=16, decimal_places=2, min_value=0.01)
    start_date = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    city = forms.CharField(label=_("地点/城市"), max_length=50, required=False)
    attendees = forms.IntegerField(label=_("参加人数"), min_value=0, max_value=100000, required=False)
    travellers = forms.IntegerField(label=_("出差人数"), min_value=0, max_value=1000, required=False)
    route = forms.CharField(label=_("行程路线"), max_length=200, required=False)
    guests = forms.IntegerField(label=_("来宾人数"), min_value=0, max_value=1000, required=False)
    companions = forms.IntegerField(label=_("陪同人数"), min_value=0, max_value=1000, required=False)
    meals = forms.IntegerField(label=_("用餐次数"), min_value=0, max_value=100, required=False)
    experts = forms.IntegerField(label=_("专家人数"), min_value=0, max_value=10000, required=False)
    purchase = forms.CharField(
        label=_("采购内容"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    justification = forms.CharField(
        label=_("超标准说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    letter = forms.FileField(label=_("公函（公务接待必填）"), required=False)
    minutes = forms.FileField(label=_("集体决策会议纪要（达到三重一大标准时必填）"), required=False)

    T = ApplicationType
    DATED = (T.MEETING, T.TRAINING, T.TRAVEL, T.RECEPTION, T.EVENT)
    # (group, heading, the types that show it, its fields)
    GROUPS = (
        ("when", _("时间和地点"), DATED, ("start_date", "end_date", "city")),
        ("people", _("参加人员"), (T.MEETING, T.TRAINING, T.EVENT), ("attendees",)),
        ("travel", _("出差人员和行程"), (T.TRAVEL,), ("travellers", "route")),
        ("reception", _("接待对象"), (T.RECEPTION,), ("guests", "companions", "meals", "letter")),
        ("experts", _("专家劳务"), (T.EXPERT_FEE,), ("experts",)),
        ("procurement", _("采购事项"), (T.PROCUREMENT,), ("purchase",)),
        ("standard", _("费用标准"), (T.MEETING, T.TRAINING, T.TRAVEL, T.RECEPTION), ("justification",)),
    )
    # what each type must give (the service checks the rest: standards, the letter, the dates' year)
    REQUIRED = {
        T.MEETING: ("start_date", "end_date", "city", "attendees"),
        T.TRAINING: ("start_date", "end_date", "city", "attendees"),
        T.TRAVEL: ("start_date", "end_date", "city", "travellers"),
        T.RECEPTION: ("start_date", "guests"),
        T.EXPERT_FEE: ("experts",),
        T.PROCUREMENT: ("purchase",),
    }
    DETAIL_FIELDS = (
        "start_date",
        "end_date",
        "city",
        "attendees",
        "travellers",
        "route",
        "guests",
        "companions",
        "meals",
        "experts",
        "purchase",
    )
    TYPED_FIELDS = (*DETAIL_FIELDS, "justification", "letter")

    def __init__(self, *args, quotas=(), quota_types=None, fixed_type: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["quota"]
        field.choices = [("", _("请选择指标"))] + [(q.pk, quota_label(q)) for q in quotas]
        field.widget.types = {pk: " ".join(types) for pk, types in (quota_types or {}).items()}
        if fixed_type:  # a returned application keeps its type
            self.fields["app_type"].disabled = True
            self.initial["app_type"] = fixed_type

    def chosen_type(self) -> str:
        if self.fields["app_type"].disabled:
            return self.initial.get("app_type", "")
        return (self.data.get(self.add_prefix("app_type")) if self.is_bound else "") or self.initial.get(
            "app_type", ""
        )

    def fields_of(self, app_type: str) -> set[str]:
        return {f for _g, _h, types, fields in self.GROUPS if app_type in types for f in fields}

    def groups(self):
        """The type groups for the template: (key, heading, "type1 type2", [bound fields])."""
        return [
            (key, heading, " ".join(types), [self[f] for f in fields if f in self.fields])
            for key, heading, types, fields in self.GROUPS
        ]

    def clean(self):
        data = super().clean()
        app_type = data.get("app_type") or self.chosen_type()
        mine = self.fields_of(app_type)
        for name in self.TYPED_FIELDS:
            if name not in mine:  # another type's field: neither validated nor kept
                self._errors.pop(name, None)
                data.pop(name, None)
        for name in self.REQUIRED.get(app_type, ()):
            if name in self.fields and data.get(name) in (None, "") and name not in self._errors:
                self.add_error(name, _("%(t)s须填写此项。") % {"t": ApplicationType(app_type).label})
        return data

    def details(self) -> dict:
        out = {}
        for k in self.DETAIL_FIELDS:
            value = self.cleaned_data.get(k)
            if value not in (None, ""):
                out[k] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


class ApprovalActionForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", _("同意")),
            ("reject", _("驳回")),
            ("return", _("退回")),
            ("add_signer", _("加签")),
            ("transfer", _("转办")),
        ]
    )
    comment = forms.CharField(
        label=_("审批意见"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    user = forms.IntegerField(required=False)
    to_step = forms.IntegerField(required=False)


class ReimbursementForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("事由"), max_length=200)
    quota = forms.TypedChoiceField(label=_("使用指标"), coerce=int, choices=())
    amount = forms.DecimalField(label=_("报销金额（元）"), max_digits=16, decimal_places=2, min_value=0.01)

    def __init__(self, *args, quotas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quota"].choices = [("", _("请选择指标"))] + [(q.pk, quota_label(q)) for q in quotas]


class InvoiceForm(BootstrapMixin, forms.Form):
    """One invoice of a claim: a fully digital invoice (数电票) has a 20-digit number and no code; any other
    has its code and number. The file is stored when the form is posted (`kept` then names it), so a refused
    form keeps it."""

    number = forms.CharField(label=_("发票号码"), max_length=30)
    code = forms.CharField(
        label=_("发票代码"),
        max_length=20,
        required=False,
        help_text=_("数电票（20 位号码）无发票代码，留空。"),
    )
    issued_on = forms.DateField(
        label=_("开票日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    amount = forms.DecimalField(label=_("发票金额（元）"), max_digits=16, decimal_places=2, min_value=0.01)
    seller = forms.CharField(label=_("销售方"), max_length=100, required=False)
    file = forms.FileField(label=_("发票文件（PDF/OFD/JPG/PNG）"), required=False)
    kept = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_number(self):
        return self.cleaned_data["number"].strip()

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean(self):
        data = super().clean()
        number, code = data.get("number", ""), data.get("code", "")
        if number and not number.isdigit():
            self.add_error("number", _("发票号码须为数字。"))
        elif number and len(number) != 20 and not code:
            self.add_error("code", _("非数电票须填写发票代码（数电票号码为 20 位）。"))
        if not data.get("kept") and not data.get("file"):
            self.add_error("file", _("请选择发票文件。"))
        return data


def invoice_formset(extra: int = 2):
    return forms.formset_factory(InvoiceForm, extra=extra, max_num=30, absolute_max=30)


class PaymentForm(BootstrapMixin, forms.Form):
    method = forms.ChoiceField(label=_("支付方式"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("银行流水号/公务卡交易号"), max_length=60, required=False)


class AdjustmentForm(BootstrapMixin, forms.Form):
    from_quota = forms.TypedChoiceField(label=_("调出指标"), coerce=int, choices=())
    to_quota = forms.TypedChoiceField(label=_("调入指标"), coerce=int, choices=())
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=16, decimal_places=2, min_value=0.01)
    doc_no = forms.CharField(label=_("调剂文号"), max_length=40)
    reason = forms.CharField(label=_("调剂理由"), max_length=300)

    def __init__(self, *args, quotas=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(q.pk, f"{q.name}（{q.department.name}，可用 {q.available:,.2f} 元）") for q in quotas]
        self.fields["from_quota"].choices = choices
        self.fields["to_quota"].choices = choices


class ControlSettingsForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        from .models import ControlSettings

        model = ControlSettings
        fields = [
            "collective_threshold",
            "small_reimbursement_threshold",
            "over_reimbursement_pct",
            "application_valid_days",
            "reminder_hours",
            "warn_thresholds",
            "progress_margin_pct",
        ]
        help_texts = {
            "warn_thresholds": _("整数百分比，用逗号分隔，如 80,90：使用率每越过一个阈值提醒一次。"),
            "collective_threshold": _("达到此金额的事项，最后一步审批须上传集体决策会议纪要。"),
        }


class SpendingStandardForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        from .models import SpendingStandard

        model = SpendingStandard
        fields = ["app_type", "city", "name", "name_en", "limit_per_person_day", "block_excess"]
        help_texts = {
            "name_en": _("选填；英文页面显示。未填时英文页面显示中文名称。"),
            "city": _("留空表示适用于所有城市；同时有城市标准时以城市标准为准。"),
            "block_excess": _("不勾选时，超标准的申请须填写超标准说明。"),
        }


DOC_TYPE_CHOICES = [
    ("application", _("事前申请")),
    ("reimbursement", _("报销")),
    ("advance", _("借款")),
]


class ApprovalFlowForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("流程名称"), max_length=100)
    name_en = forms.CharField(
        label=_("英文名称"),
        max_length=200,
        required=False,
        help_text=_("选填；英文页面显示。未填时英文页面显示中文名称。"),
    )
    doc_type = forms.ChoiceField(label=_("单据类型"), choices=DOC_TYPE_CHOICES)
    app_types = forms.MultipleChoiceField(
        label=_("适用事项类型"),
        choices=ApplicationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示适用于所有事项类型。"),
    )
    min_amount = forms.DecimalField(
        label=_("金额下限（含，元）"), max_digits=16, decimal_places=2, min_value=0, initial=0
    )
    max_amount = forms.DecimalField(
        label=_("金额上限（不含，元）"),
        max_digits=16,
        decimal_places=2,
        min_value=0.01,
        required=False,
        help_text=_("留空表示不设上限。"),
    )
    department = forms.TypedChoiceField(
        label=_("适用部门"), coerce=int, required=False, empty_value=None, help_text=_("留空表示全部门。")
    )
    owner_department = forms.TypedChoiceField(
        label=_("归口部门"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("只用于使用该部门归口指标的单据；留空表示不限。"),
    )
    priority = forms.IntegerField(
        label=_("优先级"),
        min_value=0,
        max_value=1000,
        initial=100,
        help_text=_("多个流程都适用时，数字小的优先。"),
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(d.pk, d.name) for d in departments]
        self.fields["department"].choices = choices
        self.fields["owner_department"].choices = choices


class ApprovalStepForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("环节名称"), max_length=50, required=False)
    name_en = forms.CharField(label=_("英文名称"), max_length=100, required=False)
    rule = forms.ChoiceField(label=_("审批人"), choices=[("", "—"), *ApproverRule.choices], required=False)
    kind = forms.ChoiceField(label=_("审批方式"), choices=StepKind.choices, required=False)
    users = forms.TypedMultipleChoiceField(label=_("指定人员"), coerce=int, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].choices = [(u.pk, f"{u.full_name}（{u.username}）") for u in people]
        self.fields["users"].widget.attrs["size"] = 3

    def step(self) -> dict | None:
        """The step this row describes, or None for an empty row."""
        d = self.cleaned_data
        if not d.get("name") and not d.get("rule"):
            return None
        return {
            "name": d.get("name", ""),
            "name_en": d.get("name_en", ""),
            "rule": d.get("rule"),
            "kind": d.get("kind"),
            "user_ids": d.get("users"),
        }


def approval_step_formset(rows: int):
    """Rows for a flow's steps: the existing ones plus empty rows to add more (at most 10 in all)."""
    return forms.formset_factory(ApprovalStepForm, extra=rows, max_num=10, absolute_max=10)
