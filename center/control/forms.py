from django import forms
from django.utils.translation import gettext_lazy as _

from center.core.forms import BootstrapMixin

from .enums import ApplicationType, ApproverRule, PaymentMethod, StepKind


class ApplicationForm(BootstrapMixin, forms.Form):
    app_type = forms.ChoiceField(label=_("申请类型"), choices=ApplicationType.choices)
    title = forms.CharField(label=_("事由"), max_length=200)
    quota = forms.TypedChoiceField(label=_("使用指标"), coerce=int, choices=())
    amount = forms.DecimalField(label=_("申请金额（元）"), max_digits=16, decimal_places=2, min_value=0.01)
    city = forms.CharField(label=_("地点/城市"), max_length=50, required=False)
    days = forms.IntegerField(label=_("天数"), min_value=0, max_value=365, required=False)
    attendees = forms.IntegerField(label=_("参加人数"), min_value=0, max_value=100000, required=False)
    travellers = forms.IntegerField(label=_("出差人数"), min_value=0, max_value=1000, required=False)
    route = forms.CharField(label=_("行程路线"), max_length=200, required=False)
    guests = forms.IntegerField(label=_("来宾人数"), min_value=0, max_value=1000, required=False)
    companions = forms.IntegerField(label=_("陪同人数"), min_value=0, max_value=1000, required=False)
    meals = forms.IntegerField(label=_("用餐次数"), min_value=0, max_value=100, required=False)
    justification = forms.CharField(
        label=_("超标准说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    letter = forms.FileField(label=_("公函（公务接待必填）"), required=False)
    minutes = forms.FileField(label=_("集体决策会议纪要（达到三重一大标准时必填）"), required=False)

    DETAIL_FIELDS = ("city", "days", "attendees", "travellers", "route", "guests", "companions", "meals")

    def __init__(self, *args, quotas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quota"].choices = [
            (q.pk, f"{q.name}（{q.department.name}，可用 {q.available:,.2f} 元）") for q in quotas
        ]

    def details(self) -> dict:
        return {
            k: self.cleaned_data[k] for k in self.DETAIL_FIELDS if self.cleaned_data.get(k) not in (None, "")
        }


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
    invoice_code = forms.CharField(label=_("发票代码"), max_length=20)
    invoice_number = forms.CharField(label=_("发票号码"), max_length=30)
    invoice_amount = forms.DecimalField(
        label=_("发票金额（元）"), max_digits=16, decimal_places=2, min_value=0.01
    )
    invoice_date = forms.DateField(label=_("开票日期"), widget=forms.DateInput(attrs={"type": "date"}))
    invoice_file = forms.FileField(label=_("发票文件（PDF/OFD/JPG/PNG）"))

    def __init__(self, *args, quotas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quota"].choices = [(q.pk, f"{q.name}（可用 {q.available:,.2f} 元）") for q in quotas]


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
        fields = ["app_type", "city", "name", "limit_per_person_day", "block_excess"]
        help_texts = {
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
            "rule": d.get("rule"),
            "kind": d.get("kind"),
            "user_ids": d.get("users"),
        }


def approval_step_formset(rows: int):
    """Rows for a flow's steps: the existing ones plus empty rows to add more (at most 10 in all)."""
    return forms.formset_factory(ApprovalStepForm, extra=rows, max_num=10, absolute_max=10)
