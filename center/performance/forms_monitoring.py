from django import forms
from django.utils.translation import gettext_lazy as _

from center.core.forms import BootstrapMixin

from .forms import DAY
from .monitoring_enums import Cause, Likelihood


class RoundOpenForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    period_end = forms.DateField(
        label=_("监控截止日期"), required=False, widget=DAY, help_text=_("留空为 7 月 31 日（监控 1–7 月）。")
    )
    due_on = forms.DateField(
        label=_("报送期限"), required=False, widget=DAY, help_text=_("留空为 8 月 31 日。")
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]


class RoundForm(BootstrapMixin, forms.Form):
    period_end = forms.DateField(label=_("监控截止日期"), widget=DAY)
    due_on = forms.DateField(label=_("报送期限"), widget=DAY)


class StatementForm(BootstrapMixin, forms.Form):
    """One row's statement (prefixed by the row's key; all rows are posted together)."""

    causes = forms.MultipleChoiceField(
        label=_("偏差原因"), required=False, choices=Cause.choices, widget=forms.CheckboxSelectMultiple
    )
    likelihood = forms.ChoiceField(
        label=_("完成目标可能性"), required=False, choices=Likelihood.choices, widget=forms.RadioSelect
    )
    forecast = forms.CharField(
        label=_("全年预计完成值"),
        required=False,
        max_length=60,
        help_text=_("如“3 场”“95%”；留空则按目标值。"),
    )
    action = forms.CharField(
        label=_("原因说明和改进措施"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, needed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if needed:
            for name in ("causes", "likelihood", "action"):
                self.fields[name].required = True

    def entry(self) -> dict:
        d = self.cleaned_data
        return {
            k: d.get(k) or ([] if k == "causes" else "")
            for k in ("causes", "likelihood", "forecast", "action")
        }
