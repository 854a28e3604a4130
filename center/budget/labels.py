"""Words for the budget area's audit codes (center/core/labels.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.labels import register

register(
    entities={
        "budget.budget": pgettext_lazy("audit entity", "部门预算"),
        "budget.catalogue": pgettext_lazy("audit entity", "预算科目目录"),
        "budget.check": pgettext_lazy("audit entity", "预算审核"),
        "budget.income": pgettext_lazy("audit entity", "收入预算"),
        "budget.indicator": pgettext_lazy("audit entity", "绩效指标"),
        "budget.item": pgettext_lazy("audit entity", "项目明细"),
        "budget.line": pgettext_lazy("audit entity", "支出预算行"),
        "budget.procurement": pgettext_lazy("audit entity", "政府采购预算"),
        "budget.project": pgettext_lazy("audit entity", "预算项目"),
        "budget.fiscalyear": pgettext_lazy("audit entity", "预算年度"),
    },
    actions={
        "budget.budget.consolidate": _("汇总部门预算"),
        "budget.budget.prepare_next": _("由上年预算准备下一年预算"),
        "budget.line.refused": _("预算行修改被拒绝"),
        "budget.budget.submit_first": _("报送预算（一上）"),
        "budget.budget.record_control": _("登记控制数（一下）"),
        "budget.budget.submit_second": _("报送预算（二上）"),
        "budget.budget.record_approval": _("登记批复（二下）"),
        "budget.check.run": _("运行预算审核"),
    },
    fields={
        "functional": pgettext_lazy("audit field", "功能科目"),
        "economic": pgettext_lazy("audit field", "经济科目"),
        "source": pgettext_lazy("audit field", "资金来源"),
        "income": pgettext_lazy("audit field", "收入"),
        "projects": pgettext_lazy("audit field", "项目"),
        "lines": pgettext_lazy("audit field", "支出行"),
        "item": pgettext_lazy("audit field", "项目明细"),
        "line": pgettext_lazy("audit field", "支出行"),
        "from_year": pgettext_lazy("audit field", "来源年度"),
        "to_year": pgettext_lazy("audit field", "目标年度"),
        "by_version": pgettext_lazy("audit field", "版本"),
        "difference": pgettext_lazy("audit field", "差额"),
        "bureau_doc_no": pgettext_lazy("audit field", "批复文号"),
        "needs_bureau": pgettext_lazy("audit field", "需主管部门批复"),
        "copied": pgettext_lazy("audit field", "已复制"),
        "created": pgettext_lazy("audit field", "已创建"),
    },
)

# The performance framework's 一级/二级 indicator names and the usual units, in the reader's language
# (an indicator's own name has its `name_en`).
INDICATOR_WORDS = {
    "产出指标": _("产出指标"),
    "效益指标": _("效益指标"),
    "满意度指标": _("满意度指标"),
    "数量指标": _("数量指标"),
    "质量指标": _("质量指标"),
    "时效指标": _("时效指标"),
    "成本指标": _("成本指标"),
    "经济效益指标": _("经济效益指标"),
    "社会效益指标": _("社会效益指标"),
    "可持续影响指标": _("可持续影响指标"),
    "生态效益指标": _("生态效益指标"),
    "服务对象满意度指标": _("服务对象满意度指标"),
    "场": _("场"),
    "批次": _("批次"),
    "次": pgettext_lazy("unit", "次"),
    "个": pgettext_lazy("unit", "个"),
    "台": _("台"),
    "项": pgettext_lazy("unit", "项"),
    "人": pgettext_lazy("unit", "人"),
    "人次": _("人次"),
    "份": pgettext_lazy("unit", "份"),
    "天": pgettext_lazy("unit", "天"),
    "万元": _("万元"),
    "元": pgettext_lazy("unit", "元"),
}
