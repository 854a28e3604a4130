from django import forms
from django.utils.translation import gettext_lazy as _

from center.core.forms import BootstrapMixin

from .enums import Gender, IdType, Region, TitleLevel
from .models import Discipline


class ExpertForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    name_pinyin = forms.CharField(label=_("拼音"), max_length=100, required=False)
    name_en = forms.CharField(label=_("英文名"), max_length=100, required=False)
    name_traditional = forms.CharField(label=_("繁体姓名"), max_length=50, required=False)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    birth_year = forms.IntegerField(label=_("出生年份"), min_value=1920, max_value=2010)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=30)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    employer = forms.CharField(label=_("工作单位"), max_length=120)
    credit_code = forms.CharField(label=_("单位统一社会信用代码"), max_length=18, required=False)
    title = forms.CharField(label=_("职称"), max_length=50)
    title_level = forms.TypedChoiceField(label=_("职称级别"), choices=TitleLevel.choices, coerce=int)
    disciplines = forms.ModelMultipleChoiceField(
        label=_("学科"), queryset=Discipline.objects.all(), to_field_name="code"
    )
    keywords = forms.CharField(label=_("研究方向关键词"), max_length=300, required=False)
    region = forms.ChoiceField(label=_("地区"), choices=Region.choices)
    languages = forms.CharField(label=_("工作语言"), max_length=100, initial="zh")
    bank_name = forms.CharField(label=_("开户银行"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The answer to "是否为已有单位 …？", asked when the typed employer resembles known units.
        if self.data.get("employer_confirm"):
            from .services.organisations import similar_organisations

            self.offer_employer_choices(
                [(o.pk, o.name) for o in similar_organisations(self.data.get("employer", ""))]
            )

    def offer_employer_choices(self, candidates) -> None:
        choices = [(str(pk), _("是，即已有单位 %(n)s") % {"n": name}) for pk, name in candidates]
        choices.append(("new", _("否，这是另一家单位，新建")))
        self.fields["employer_confirm"] = forms.ChoiceField(
            label=_("是否为已有单位？"), choices=choices, widget=forms.RadioSelect, required=False
        )

    def employer_answer(self) -> dict:
        answer = (self.cleaned_data.get("employer_confirm") or "") if hasattr(self, "cleaned_data") else ""
        if answer == "new":
            return {"confirmed_new": True}
        return {"confirmed_id": int(answer)} if answer.isdigit() else {}

    def profile(self) -> dict:
        d = dict(self.cleaned_data)
        for k in ("employer", "credit_code", "disciplines", "employer_confirm"):
            d.pop(k, None)
        return d


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_(".xlsx 文件"))


class CallForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("标题"), max_length=200)
    criteria = forms.CharField(label=_("征集条件"), widget=forms.Textarea(attrs={"rows": 5}))
    deadline = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    disciplines = forms.ModelMultipleChoiceField(
        label=_("征集学科"), queryset=Discipline.objects.filter(parent=None), required=False
    )


class ActivityForm(BootstrapMixin, forms.Form):
    from .enums import ActivityKind

    kind = forms.ChoiceField(label=_("类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    summary = forms.CharField(label=_("纪要"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    expert_ids = forms.CharField(label=_("参加专家编号（逗号分隔）"), required=False)
    event = forms.TypedChoiceField(
        label=_("关联活动"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("承办该活动的会展活动记录（其预算明细和绩效指标）。"),
    )

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "—")] + [
            (e.pk, f"{e.title}（{e.starts_at:%Y-%m-%d}）") for e in events
        ]
