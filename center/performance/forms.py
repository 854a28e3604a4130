from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.forms import BootstrapMixin

from .enums import Rating, SourceKind

DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the evidence of a value or an acceptance)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def file_pairs(files) -> list[tuple[str, bytes]]:
    """Uploaded files as (name, bytes) for the services (core.files checks size, type and content)."""
    return [(f.name, f.read()) for f in files or []]


EVIDENCE_HELP = _("PDF、图片、Word 或 Excel，可多选，每个不超过 20 MB。")


class BindingForm(BootstrapMixin, forms.Form):
    source = forms.ChoiceField(label=_("数据来源"), choices=SourceKind.choices)
    event_types = forms.MultipleChoiceField(
        label=_("计入的活动类型"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("仅“活动举办场数”：本项目预算明细下举办的这些类型的活动计入。"),
    )
    base = forms.TypedChoiceField(label=_("依据的数量指标"), required=False, coerce=int, empty_value=None)
    deadline = forms.DateField(
        label=_("完成期限"), required=False, widget=DAY, help_text=_("留空为预算年度 12 月 31 日。")
    )
    note = forms.CharField(
        label=_("口径补充说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, event_types=(), bases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = list(event_types)
        self.fields["base"].choices = [("", "—"), *bases]


class ValueForm(BootstrapMixin, forms.Form):
    value = forms.DecimalField(label=_("数值"), required=False, min_value=0, max_digits=14, decimal_places=2)
    rating = forms.ChoiceField(label=_("评价"), required=False, choices=[("", "—"), *Rating.choices])
    as_of = forms.DateField(label=_("截至日期"), widget=DAY)
    note = forms.CharField(
        label=pgettext_lazy("description", "说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("数据口径、来源和证明材料的内容。"),
    )
    files = MultipleFileField(label=_("证明材料"), help_text=EVIDENCE_HELP)

    def __init__(self, *args, rated: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if rated:
            del self.fields["value"]
        else:
            del self.fields["rating"]


class RecordForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("内容"), max_length=200)
    due_on = forms.DateField(label=_("计划完成日期"), required=False, widget=DAY)


class AcceptForm(BootstrapMixin, forms.Form):
    accepted_on = forms.DateField(label=_("验收日期"), widget=DAY)
    note = forms.CharField(label=_("验收意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("证明材料"), help_text=EVIDENCE_HELP)


def _pct(label):
    return forms.DecimalField(label=label, max_digits=7, decimal_places=2)


class RuleForm(BootstrapMixin, forms.Form):
    execution_weight = _pct(_("预算执行率分值"))
    output_weight = _pct(_("产出指标分值"))
    benefit_weight = _pct(_("效益指标分值"))
    satisfaction_weight = _pct(_("满意度指标分值"))
    achieved_min = _pct(_("达成下限（%）"))
    partly_min = _pct(_("部分达成下限（%）"))
    excellent_min = _pct(_("优（≥）"))
    good_min = _pct(_("良（≥）"))
    fair_min = _pct(_("中（≥）"))
    explain_below = _pct(_("执行率低于此值须说明（%）"))


class LineForm(BootstrapMixin, forms.Form):
    applicable = forms.BooleanField(label=_("适用"), required=False)
    reason = forms.CharField(label=_("不适用原因"), required=False, max_length=200)
    rating_pct = forms.DecimalField(
        label=_("评价得分比例（%）"),
        required=False,
        max_digits=7,
        decimal_places=2,
        min_value=0,
        max_value=100,
    )


class TextsForm(BootstrapMixin, forms.Form):
    execution_explanation = forms.CharField(
        label=_("执行率偏低原因说明"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("预算执行率低于规定界限（默认 90%）时必填。"),
    )
    conclusion = forms.CharField(
        label=_("自评结论"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    problems = forms.CharField(
        label=_("存在问题及改进措施"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("退回意见"), max_length=300)
