"""Shared PDF helpers (reportlab): a registered Chinese font that is embedded, and a simple builder of
headings, paragraphs and ruled tables. Areas build their documents with `PdfDocument`.

The font (WenQuanYi Micro Hei, Apache-2.0 / GPL-3+ with font exception, see fonts/README.md) ships in
center/core/fonts/, so a PDF never depends on the fonts installed on the machine.
"""

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
FONT = "WQYMicroHei"


def document_lang() -> str:
    """The PDF catalogue's /Lang (BCP 47) for the active language, so a screen reader reads the text in the
    right language. reportlab (open-source) writes no structure tree: the PDFs are not tagged."""
    from django.utils.translation import get_language

    return "en" if (get_language() or "").startswith("en") else "zh-CN"


def register_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": ParagraphStyle("body", parent=base, firstLineIndent=20),
        "plain": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5),
        "cell_num": ParagraphStyle("cell_num", parent=base, fontSize=7.5, leading=9.5, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=12
        ),
        "h1": ParagraphStyle("h1", parent=base, fontSize=14, leading=20, spaceBefore=10, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11.5, leading=17, spaceBefore=6, spaceAfter=4),
        "table_title": ParagraphStyle(
            "tt", parent=base, fontSize=13, leading=18, alignment=TA_CENTER, spaceAfter=4
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
    }


class PdfDocument:
    """Collect flowables, then `build()` to bytes. Tables: a list of rows of text (first `header_rows` bold)."""

    def __init__(self, title: str, *, landscape_pages: bool = False):
        self.title = title
        self.story: list = []
        self.st = styles()
        self.pagesize = landscape(A4) if landscape_pages else A4

    def heading(self, text: str, level: int = 1):
        self.story.append(Paragraph(escape(text), self.st["title" if level == 0 else f"h{min(level, 2)}"]))

    def paragraph(self, text: str, style: str = "body"):
        self.story.append(Paragraph(escape(text), self.st[style]))

    def spacer(self, height_mm: float = 4):
        self.story.append(Spacer(1, height_mm * mm))

    def page_break(self):
        self.story.append(PageBreak())

    def table(
        self,
        rows: list[list[str]],
        *,
        header_rows: int = 1,
        numeric_cols: set[int] | None = None,
        col_widths: list[float] | None = None,
        spans: list[tuple] | None = None,
        bold_rows: set[int] | None = None,
    ):
        numeric_cols = numeric_cols or set()
        width = max((len(r) for r in rows), default=1)
        data = []
        for r_i, row in enumerate(rows):
            cells = []
            for c_i in range(width):
                text = row[c_i] if c_i < len(row) else ""
                style = self.st["cell_num"] if c_i in numeric_cols and r_i >= header_rows else self.st["cell"]
                cells.append(Paragraph(escape(str(text)), style))
            data.append(cells)
        avail = self.pagesize[0] - 30 * mm
        if col_widths is None:
            col_widths = [avail / width] * width
        else:
            scale = avail / sum(col_widths)
            col_widths = [w * scale for w in col_widths]
        t = Table(data, colWidths=col_widths, repeatRows=header_rows)
        cmds = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eef1f5"))
            if header_rows
            else None,
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
        cmds = [c for c in cmds if c]
        for sp in spans or []:
            cmds.append(("SPAN", *sp))
        t.setStyle(TableStyle(cmds))
        self.story.append(t)

    def build(self) -> bytes:
        buf = BytesIO()
        font = register_font()

        def footer(canvas, doc):
            canvas.saveState()
            canvas.setFont(font, 8)
            canvas.drawCentredString(self.pagesize[0] / 2, 10 * mm, f"{self.title} · {doc.page}")
            canvas.restoreState()

        doc = SimpleDocTemplate(
            buf,
            pagesize=self.pagesize,
            title=self.title,
            lang=document_lang(),
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=15 * mm,
            bottomMargin=18 * mm,
        )
        doc.build(self.story, onFirstPage=footer, onLaterPages=footer)
        return buf.getvalue()
