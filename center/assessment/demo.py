"""Demo data of the internal-control evaluation: the 2022 evaluation drafted by finance from the demo's
records. The computed points read whatever the other demos left (thin or rich: nothing here depends on their
numbers); the hand points are scored with a short evidence file each, as finance would upload the Center's
documents. The evaluation stays a draft for the director to review. Idempotent."""

from decimal import Decimal

from center.accounts.enums import Role
from center.accounts.models import User

from . import services
from .models import Evaluation
from .sheet import sheet

YEAR = 2022

# Hand points: (score as a share of the item's points, the basis written by finance, the evidence file's title).
EVIDENCE = {
    "1.1": (
        1,
        "2021年3月中心办公会决定成立内部控制领导小组，主任任组长，印发《内部控制建设工作机制》。",
        "内部控制领导小组成立通知",
    ),
    "1.2": (1, "2022年组织内部控制专题培训2次，签到表和课件存档。", "内部控制专题培训记录"),
    "1.3": (
        Decimal("0.67"),
        "2022年6月完成年度风险评估，未覆盖采购和资产业务。",
        "2022年度内部控制风险评估报告",
    ),
    "1.4": (1, "结合内控管理系统上线梳理审批流程，形成业务流程图。", "业务流程再造说明"),
    "2.1": (1, "主任主持召开内部控制专题会议2次，会议纪要存档。", "内部控制专题会议纪要"),
    "2.2": (1, "主任主持制定《2022年内部控制工作方案》。", "2022年内部控制工作方案"),
    "2.3": (1, "明确综合部牵头、各部门分工，配备内控专员。", "内部控制工作分工通知"),
    "4.1": (1, "《预算管理办法》（2021年修订）。", "预算管理办法"),
    "4.2": (1, "《收入管理办法》。", "收入管理办法"),
    "4.3": (1, "《经费支出管理办法》含事前申请、审批和报销规定。", "经费支出管理办法"),
    "4.4": (Decimal("0.5"), "《政府采购管理办法》未按2022年新规修订。", "政府采购管理办法"),
    "4.5": (1, "《国有资产管理办法》。", "国有资产管理办法"),
    "4.7": (
        Decimal("0.5"),
        "合同管理规定散见于《经费支出管理办法》，尚无单独制度。",
        "经费支出管理办法（合同条款）",
    ),
    "4.8": (1, "《“三重一大”事项集体决策制度》。", "三重一大集体决策制度"),
    "8.1": (1, "中心无经营性收入；财政拨款收入由综合部归口管理。", "收入情况说明"),
    "8.3": (1, "中心无举债事项（年度决算说明）。", "举债情况说明"),
    "9.1": (
        Decimal("0.67"),
        "办公设备8台通过政府采购网上商城采购；采购申请与验收记录为纸质。",
        "政府采购执行记录",
    ),
    "9.2": (1, "采购执行中小企业和节能产品政策。", "政府采购政策执行说明"),
    "9.3": (1, "本年度无采购方式变更和进口产品。", "政府采购方式说明"),
    "10.1": (1, "资产按国标分类登记。", "资产分类目录"),
    "10.2": (Decimal("0.5"), "资产台账为表格，年末盘点有差异2项待处理。", "2022年资产盘点表"),
    "10.3": (1, "资产卡片明确使用人和保管人。", "资产使用保管责任清单"),
    "12.1": (Decimal("0.67"), "合同由业务部门起草，财务会签；无统一合同台账。", "合同会签记录"),
    "12.2": (Decimal("0.67"), "合同付款按节点审核，履行情况未系统跟踪。", "合同履行检查记录"),
}


def _evidence_pdf(title: str, basis: str) -> bytes:
    from center.core.pdf import PdfDocument

    doc = PdfDocument(title)
    doc.heading(title, 0)
    doc.paragraph(basis)
    doc.paragraph("深圳市科技交流服务中心（演示材料）", "small")
    return doc.build()


def seed(stdout) -> None:
    if Evaluation.objects.filter(year=YEAR).exists():
        stdout.write("  assessment: the 2022 evaluation exists")
        return
    finance = User.objects.filter(username="finance").first() or (
        User.objects.filter(roles__role=Role.FINANCE, is_active=True).order_by("pk").first()
    )
    if finance is None:
        stdout.write("assessment demo skipped: no finance account")
        return
    evaluation = services.evaluation_create(actor=finance, year=YEAR)
    for item in sheet().items:
        if not item.applicable or item.computed or item.code not in EVIDENCE:
            continue
        share, basis, title = EVIDENCE[item.code]
        services.item_score(
            actor=finance,
            evaluation_id=evaluation.pk,
            code=item.code,
            score=(item.points * Decimal(share)).quantize(Decimal("0.01")),
            note=basis,
            files=[(f"{title}.pdf", _evidence_pdf(title, basis))],
        )
    stdout.write(
        f"  assessment: the {YEAR} internal-control evaluation drafted ({len(EVIDENCE)} hand points)"
    )
