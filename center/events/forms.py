from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from center.core.forms import BootstrapMixin

from .enums import ROADSHOW_CRITERIA, FieldKind, OutcomeKind, QuestionKind, RoadshowStage
from .models import Event, EventType

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(BootstrapMixin, forms.ModelForm):
    online_url = forms.URLField(label=_("线上链接"), required=False, assume_scheme="https")

    class Meta:
        model = Event
        fields = [
            "type",
            "title",
            "title_en",
            "summary",
            "summary_en",
            "starts_at",
            "ends_at",
            "venue",
            "venue_en",
            "online_url",
            "capacity",
            "co_organisers",
            "requires_approval",
            "registration_closes_at",
            "checkin_opens_hours",
            "checkin_closes_hours",
            "budget_item",
            "indicators",
            "planned_cost",
        ]
        widgets = {
            "starts_at": DT,
            "ends_at": DT,
            "registration_closes_at": DT,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "co_organisers": forms.Textarea(attrs={"rows": 2}),
            "indicators": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from center.budget.models import PerformanceIndicator, ProjectItem
        from center.performance.faces import event_linkable

        self.fields["type"].queryset = EventType.objects.filter(active=True)
        # The budgets of this year and later (an event is planned ahead), plus what the event already names:
        # the lists do not grow with every year of history.
        year = timezone.localdate().year
        instance = self.instance if self.instance.pk else None
        kept_item = Q(pk=instance.budget_item_id) if instance and instance.budget_item_id else Q(pk__in=[])
        self.fields["budget_item"].queryset = ProjectItem.objects.select_related(
            "project", "project__budget__fiscal_year"
        ).filter(Q(project__budget__fiscal_year__year__gte=year) | kept_item)
        self.fields["budget_item"].label_from_instance = lambda i: (
            f"{i.project.budget.fiscal_year.year} {i.project.name} / {i.name}"
        )
        kept = Q(pk__in=instance.indicators.values("pk")) if instance else Q(pk__in=[])
        # Only indicators measured by events held or their audience satisfaction (the performance area's face).
        self.fields["indicators"].queryset = event_linkable(
            PerformanceIndicator.objects.select_related("project", "budget__fiscal_year").filter(
                Q(budget__fiscal_year__year__gte=year) | kept
            )
        )
        self.fields["indicators"].label_from_instance = lambda i: (
            f"{i.budget.fiscal_year.year} {i.project.name if i.project else ''} · {i}"
        )
        for name in ("starts_at", "ends_at", "registration_closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class EventTypeForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=30)
    name = forms.CharField(label=_("名称"), max_length=50)
    name_en = forms.CharField(label=_("英文名称"), max_length=100, required=False)
    is_roadshow = forms.BooleanField(label=_("路演类"), required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    sort = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=0)


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class FormFieldForm(BootstrapMixin, forms.Form):
    label = forms.CharField(label=pgettext_lazy("form field", "标题"), max_length=200)
    label_en = forms.CharField(label=_("英文标题"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=FieldKind.choices)
    required = forms.BooleanField(label=_("必填"), required=False)
    choices = forms.CharField(
        label=_("选项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("单选/多选：每行一个选项"),
    )
    help_text = forms.CharField(label=pgettext_lazy("description", "说明"), max_length=300, required=False)


class RegistrationForm(BootstrapMixin, forms.Form):
    """Name, e-mail and phone always; then the organiser's fields (keys prefixed with x_)."""

    name = forms.CharField(label=_("姓名"), max_length=100)
    email = forms.EmailField(label=_("电子邮箱"), max_length=200)
    phone = forms.CharField(
        label=_("手机号"), max_length=20, help_text=_("中国大陆手机号，或 +852/+853 号码")
    )
    organisation = forms.CharField(label=_("工作单位"), max_length=200, required=False)

    def __init__(self, *args, fields, **kwargs):
        super().__init__(*args, **kwargs)
        lang = get_language()
        self.event_fields = list(fields)
        for f in self.event_fields:
            name, label = f"x_{f.key}", f.display_label(lang)
            opts = {"label": label, "required": f.required, "help_text": f.help_text}
            if f.kind == FieldKind.TEXT:
                field = forms.CharField(max_length=2000, **opts)
            elif f.kind == FieldKind.TEXTAREA:
                field = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **opts)
            elif f.kind == FieldKind.CHOICE:
                field = forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in f.choice_list], **opts)
            elif f.kind == FieldKind.MULTICHOICE:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in f.choice_list], widget=forms.CheckboxSelectMultiple, **opts
                )
            elif f.kind == FieldKind.FILE:
                field = forms.FileField(**opts)
                field.help_text = f.help_text or _("PDF、图片、Word 或 Excel，不超过 20 MB")
            else:  # consent
                field = forms.BooleanField(**opts)
            self.fields[name] = field
        # Last: consent to the use of the personal data asked above (the statement is on the page).
        self.fields["consent"] = forms.BooleanField(
            label=_("我已阅读并同意上述个人信息使用说明"),
            required=True,
            error_messages={"required": _("请阅读个人信息使用说明，并勾选同意后再提交报名。")},
        )
        # BootstrapMixin styled the fixed fields; style the organiser's fields the same way.
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxSelectMultiple):
                continue
            if "class" not in w.attrs:
                w.attrs["class"] = (
                    "form-check-input"
                    if isinstance(w, forms.CheckboxInput)
                    else ("form-select" if isinstance(w, forms.Select) else "form-control")
                )

    def answers(self) -> tuple[dict, dict]:
        from .services import UploadedFile

        answers, files = {}, {}
        for f in self.event_fields:
            value = self.cleaned_data.get(f"x_{f.key}")
            if f.kind == FieldKind.FILE:
                if value:
                    files[f.key] = UploadedFile(value.name, value.read())
            else:
                answers[f.key] = value
        return answers, files


class CheckinForm(forms.Form):
    code = forms.CharField(label=_("签到码"), max_length=200)


class WalkinForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=100)
    email = forms.EmailField(label=_("电子邮箱"), max_length=200)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    organisation = forms.CharField(label=_("工作单位"), max_length=200, required=False)


class SurveyQuestionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("题目"), max_length=300)
    text_en = forms.CharField(label=_("英文题目"), max_length=400, required=False)
    choices = forms.CharField(
        label=_("选项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("单选/多选：每行一个选项"),
    )
    scale_max = forms.IntegerField(label=_("满分"), min_value=3, max_value=10, initial=5)
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    counts_for_satisfaction = forms.BooleanField(label=_("计入满意度"), required=False)


class SurveyRuleForm(BootstrapMixin, forms.Form):
    threshold = forms.IntegerField(label=_("满意阈值（分）"), min_value=1, max_value=10)
    intro = forms.CharField(
        label=pgettext_lazy("description", "说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SurveyAnswerForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        lang = get_language()
        self.questions = list(survey.questions.all())
        for q in self.questions:
            opts = {"label": q.display_text(lang), "required": q.required}
            if q.kind == QuestionKind.RATING:
                field = forms.TypedChoiceField(
                    choices=[(str(v), str(v)) for v in range(q.scale_max, 0, -1)],
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    **opts,
                )
            elif q.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in q.choice_list],
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    **opts,
                )
            elif q.kind == QuestionKind.MULTICHOICE:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in q.choice_list],
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                    **opts,
                )
            else:
                field = forms.CharField(
                    max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), **opts
                )
            self.fields[f"q{q.pk}"] = field

    def answers(self) -> dict:
        return {str(q.pk): self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class ReportForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(label=_("活动总结"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    outcomes = forms.CharField(
        label=_("活动成效"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )


class CostLineForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("费用项目"), max_length=100)
    planned = forms.DecimalField(label=_("计划（元）"), min_value=0, max_digits=16, decimal_places=2)
    actual = forms.DecimalField(label=_("实际（元）"), min_value=0, max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class PhotoForm(BootstrapMixin, forms.Form):
    photo = forms.FileField(label=_("照片"), help_text=_("JPG 或 PNG，不超过 20 MB"))
    caption = forms.CharField(label=pgettext_lazy("description", "说明"), max_length=200, required=False)


class RoadshowApplicationForm(BootstrapMixin, forms.Form):
    project_name = forms.CharField(label=_("项目名称"), max_length=200)
    organisation = forms.CharField(label=_("申报单位/团队"), max_length=200)
    contact_name = forms.CharField(label=_("联系人"), max_length=100)
    email = forms.EmailField(label=_("电子邮箱"), max_length=200)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    summary = forms.CharField(label=_("项目简介"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    stage = forms.ChoiceField(label=_("项目阶段"), choices=RoadshowStage.choices)
    funding_sought = forms.DecimalField(
        label=_("融资需求（元）"), min_value=0, max_digits=16, decimal_places=2
    )
    team = forms.CharField(label=_("团队介绍"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    attachment = forms.FileField(
        label=_("商业计划书等附件"), required=False, help_text=_("PDF、Word 或 Excel，不超过 20 MB")
    )


class ScoreForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("评语"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label, weight in ROADSHOW_CRITERIA:
            self.fields[code] = forms.DecimalField(
                label=f"{label}（{weight}%）",
                min_value=0,
                max_value=100,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
            )
        self.order_fields([c for c, _l, _w in ROADSHOW_CRITERIA] + ["comment"])


class InvestorForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("投资人"), max_length=100)
    organisation = forms.CharField(label=_("投资机构"), max_length=200)
    focus = forms.CharField(label=_("关注领域"), max_length=200, required=False)
    attended = forms.BooleanField(label=_("已到场"), required=False)


class OutcomeForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("成果类型"), choices=OutcomeKind.choices)
    occurred_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(
        label=_("金额（元）"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    note = forms.CharField(label=pgettext_lazy("description", "说明"), max_length=300, required=False)
