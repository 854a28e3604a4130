from django import forms
from django.utils.translation import gettext_lazy as _

from center.core.forms import BootstrapMixin

from .enums import ApplicationType, PaymentMethod


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
