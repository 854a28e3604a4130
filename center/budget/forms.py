"""Forms for the structured disclosure inputs. They only parse; the services validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from center.core.forms import BootstrapMixin

from .models import AssetFigures, Staffing, ThreePublicBudget

LIST_FIELDS = ("functions", "departments", "change_reasons")


class StaffingForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Staffing
        fields = [
            "admin_posts",
            "admin_filled",
            "institution_posts",
            "institution_filled",
            "retired_cadres",
            "retirees",
        ]


class AssetsForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AssetFigures
        fields = [
            "as_of",
            "vehicles",
            "general_equipment",
            "special_equipment",
            "planned_vehicles",
            "planned_general_equipment",
            "planned_special_equipment",
        ]


class ThreePublicForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ThreePublicBudget
        fields = [
            "overseas",
            "reception",
            "vehicle_purchase",
            "vehicle_running",
            "vehicles_held",
            "overseas_note",
            "reception_purpose",
            "vehicle_note",
            "vehicle_purchase_note",
            "vehicle_running_note",
            "table_note",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 2})
            for f in (
                "overseas_note",
                "reception_purpose",
                "vehicle_note",
                "vehicle_purchase_note",
                "vehicle_running_note",
            )
        }


class NarrativeForm(BootstrapMixin, forms.Form):
    """The narrative inputs; lists are one entry per line, goals "工作领域：目标；目标", glossary "名词：解释"."""

    responsibilities = forms.CharField(
        label=_("部门职责（沿革）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    functions = forms.CharField(
        label=_("主要职能（每行一项）"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    departments = forms.CharField(
        label=_("内设部门（每行一个）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    goals = forms.CharField(
        label=_("年度主要工作目标（每行：工作领域：目标；目标）"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    change_reasons = forms.CharField(
        label=_("收支增减原因（每行一条）"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    personnel_content = forms.CharField(label=_("人员支出主要内容"), required=False)
    public_content = forms.CharField(label=_("公用支出主要内容"), required=False)
    family_content = forms.CharField(label=_("对个人和家庭补助主要内容"), required=False)
    operating_costs = forms.CharField(label=_("机关运行经费（元）"), required=False)
    operating_costs_note = forms.CharField(label=_("机关运行经费说明"), required=False)
    other_notes = forms.CharField(
        label=_("其他需要说明的情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    glossary = forms.CharField(
        label=_("名词解释（每行：名词：解释）"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    @classmethod
    def initial_from(cls, n) -> dict:
        if n is None:
            return {}
        return {
            "responsibilities": n.responsibilities,
            "functions": "\n".join(n.functions),
            "departments": "\n".join(n.departments),
            "goals": "\n".join(f"{g.get('area', '')}：{'；'.join(g.get('items', []))}" for g in n.goals),
            "change_reasons": "\n".join(n.change_reasons),
            "personnel_content": n.personnel_content,
            "public_content": n.public_content,
            "family_content": n.family_content,
            "operating_costs": str(n.operating_costs),
            "operating_costs_note": n.operating_costs_note,
            "other_notes": n.other_notes,
            "glossary": "\n".join(f"{g.get('term', '')}：{g.get('definition', '')}" for g in n.glossary),
        }

    def to_data(self) -> dict:
        d = dict(self.cleaned_data)
        for f in LIST_FIELDS:
            d[f] = [line.strip() for line in d[f].splitlines() if line.strip()]
        goals = []
        for line in d["goals"].splitlines():
            area, _sep, items = line.partition("：")
            if area.strip():
                goals.append(
                    {"area": area.strip(), "items": [i.strip() for i in items.split("；") if i.strip()]}
                )
        d["goals"] = goals
        glossary = []
        for line in d["glossary"].splitlines():
            term, _sep, definition = line.partition("：")
            if term.strip():
                glossary.append({"term": term.strip(), "definition": definition.strip()})
        d["glossary"] = glossary
        return d


class ProcurementForm(BootstrapMixin, forms.Form):
    """One 政府采购预算 line: its kind, the project paying for it and the shares for SMEs."""

    kind = forms.ChoiceField(label=_("采购类别"))
    project = forms.TypedChoiceField(label=_("所属项目"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(label=_("采购内容"), max_length=200, required=False)
    amount = forms.CharField(label=_("金额（元）"), max_length=20)
    sme_amount = forms.CharField(label=_("面向中小企业（元）"), max_length=20, required=False)
    small_micro_amount = forms.CharField(label=_("面向小型、微型企业（元）"), max_length=20, required=False)

    def __init__(self, *args, kinds=(), projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.name) for k in kinds]
        self.fields["project"].choices = [("", "—")] + [(p.pk, p.name) for p in projects]
