from django import forms
from django.utils.translation import gettext_lazy as _

from center.core.forms import BootstrapMixin


class EvaluationCreateForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2016, max_value=2100)


class ItemScoreForm(BootstrapMixin, forms.Form):
    score = forms.DecimalField(label=_("得分"), min_value=0, max_digits=6, decimal_places=2)
    note = forms.CharField(
        label=_("评分依据"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("写明依据的制度、会议、培训或记录（名称、文号、日期）。"),
    )
    file = forms.FileField(
        label=_("证明材料"),
        required=False,
        help_text=_("PDF、图片、Word 或 Excel；首次评分必须上传，之后可补充。"),
    )

    def __init__(self, *args, points=None, **kwargs):
        super().__init__(*args, **kwargs)
        if points is not None:
            self.fields["score"].max_value = points
            self.fields["score"].widget.attrs["max"] = str(points)
            self.fields["score"].help_text = _("本要点满分 %(p)s 分。") % {"p": points.normalize()}
