"""Printable forms: application, approval and reimbursement forms as PDF, with the amount in figures and
in Chinese capitals (大写), the full approval history, and a QR code to the record's verification page."""

import hashlib
import hmac

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

from center.core.money import rmb_upper
from center.core.pdf import PdfDocument

from . import approvals


def verification_token(kind: str, doc) -> str:
    """Binds the printed facts (number, amount, state): a form altered after printing no longer verifies."""
    msg = f"{kind}:{doc.pk}:{doc.number}:{doc.amount}:{doc.state}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()[:20]


def verification_path(kind: str, doc) -> str:
    return reverse("control:verify", args=[kind, doc.pk, verification_token(kind, doc)])


def _qr(url: str, size: float = 90) -> Drawing:
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(widget)
    return d


def document_pdf(kind: str, doc, base_url: str) -> bytes:
    title = _("事前申请审批单") if kind == "application" else _("报销审批单")
    pdf = PdfDocument(title)
    pdf.heading(_("深圳市科技交流服务中心"), 0)
    pdf.heading(title, 1)
    rows = [
        [_("单据号"), doc.number, _("状态"), doc.get_state_display()],
        [_("申请人"), doc.applicant.full_name, _("部门"), doc.department.name],
        [
            _("事由"),
            doc.title,
            _("提交时间"),
            timezone.localtime(doc.submitted_at).strftime("%Y-%m-%d %H:%M") if doc.submitted_at else "",
        ],
        [_("金额（小写）"), f"¥{doc.amount:,.2f}", _("金额（大写）"), rmb_upper(doc.amount)],
    ]
    if kind == "application":
        rows.append(
            [
                _("申请类型"),
                doc.get_app_type_display(),
                _("有效期至"),
                doc.valid_until.isoformat() if doc.valid_until else "",
            ]
        )
    elif doc.application_id:
        rows.append([_("事前申请"), doc.application.number, _("超出申请金额"), f"{doc.over_amount:,.2f}"])
    pdf.table(rows, header_rows=0, col_widths=[25, 60, 25, 60])
    pdf.spacer()
    pdf.paragraph(_("使用指标"), "plain")
    pdf.table(
        [[_("指标"), _("经济分类"), _("金额（元）")]]
        + [
            [ln.quota.name, ln.quota.economic.code, f"{ln.amount:,.2f}"]
            for ln in doc.lines.select_related("quota__economic")
        ],
        numeric_cols={2},
        col_widths=[110, 25, 35],
    )
    if kind == "reimbursement":
        pdf.spacer()
        pdf.paragraph(_("发票"), "plain")
        pdf.table(
            [[_("发票代码"), _("发票号码"), _("开票日期"), _("金额（元）")]]
            + [[i.code, i.number, i.issued_on.isoformat(), f"{i.amount:,.2f}"] for i in doc.invoices.all()],
            numeric_cols={3},
        )
    pdf.spacer()
    pdf.paragraph(_("审批记录"), "plain")
    history = [[_("轮次"), _("环节"), _("审批人"), _("结果"), _("意见"), _("时间")]]
    for t in approvals.chain_tasks(doc):
        who = t.assignee.full_name
        if t.acted_by_id and t.acted_by_id != t.assignee_id:
            who += _("（%(name)s 代）") % {"name": t.acted_by.full_name}
        history.append(
            [
                str(t.round),
                t.step_name,
                who,
                t.get_state_display(),
                t.comment,
                timezone.localtime(t.acted_at).strftime("%Y-%m-%d %H:%M") if t.acted_at else "",
            ]
        )
    pdf.table(history, col_widths=[12, 28, 35, 18, 50, 30])
    pdf.spacer(6)
    pdf.story.append(_qr(base_url + verification_path(kind, doc)))
    pdf.paragraph(
        _("扫描二维码（本单位职工登录后）核验本单据的真实性与当前状态。打印时间：%(t)s")
        % {"t": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        "small",
    )
    return pdf.build()
