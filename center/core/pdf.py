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
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

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
        "cover": ParagraphStyle("cover", parent=base, fontSize=24, leading=40, alignment=TA_CENTER),
        "cover_small": ParagraphStyle(
            "cover_small", parent=base, fontSize=14, leading=24, alignment=TA_CENTER
        ),
        "part": ParagraphStyle(
            "part", parent=base, fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=8
        ),
        "section": ParagraphStyle(
            "section", parent=base, fontSize=14, leading=21, alignment=TA_CENTER, spaceBefore=12, spaceAfter=6
        ),
        "sub": ParagraphStyle("sub", parent=base, fontSize=11, leading=17, spaceBefore=4, spaceAfter=2),
        "toc0": ParagraphStyle("toc0", parent=base, fontSize=12, leading=22),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=10.5, leading=18, leftIndent=21),
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


# --------------------------------------------------------------------------- a book: cover, 目录, mixed orientation


class BoldParagraph(Paragraph):
    """The embedded font has no bold face: the glyphs are filled and stroked (PDF text render mode 2), as
    word processors draw a synthetic bold."""

    def draw(self):
        self.canv.saveState()
        self.canv.addLiteral(f"2 Tr {self.style.fontSize * 0.016:.3f} w")
        super().draw()
        self.canv.restoreState()


class TocMark(Flowable):
    """An invisible mark: the 目录 entry (and PDF outline entry) of what follows it on the page."""

    def __init__(self, text: str, level: int):
        super().__init__()
        self.toc_text, self.toc_level = text, level

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        pass


class _BookTemplate(BaseDocTemplate):
    def __init__(self, buf, book: "PdfBook", **kw):
        super().__init__(buf, **kw)
        self.book = book
        margins = {
            "leftMargin": 15 * mm,
            "rightMargin": 15 * mm,
            "topMargin": 15 * mm,
            "bottomMargin": 18 * mm,
        }
        for name, size in (("portrait", A4), ("landscape", landscape(A4))):
            frame = Frame(
                margins["leftMargin"],
                margins["bottomMargin"],
                size[0] - margins["leftMargin"] - margins["rightMargin"],
                size[1] - margins["topMargin"] - margins["bottomMargin"],
                id=name,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            self.addPageTemplates(PageTemplate(id=name, frames=[frame], pagesize=size, onPage=book._footer))

    def afterFlowable(self, flowable):
        level = getattr(flowable, "toc_level", None)
        if level is None:
            return
        text = flowable.toc_text
        key = f"toc{self.seq.nextf('toc')}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, text, self.page - self.book.front_pages, key))


class PdfBook:
    """A document as government disclosures print it: a cover, a 目录 with page numbers (pages are numbered
    from the first page after the 目录), then portrait and landscape sections. `section(orientation)` starts
    a new page in that orientation; `heading(..., toc=True)` and `mark(...)` make 目录 entries."""

    front_pages = 2  # the cover and the 目录 (one page: a disclosure has some twenty entries)

    def __init__(self, title: str):
        self.title = title
        self.st = styles()
        self.story: list = []
        self.orientation = "portrait"

    def width(self) -> float:
        size = A4 if self.orientation == "portrait" else landscape(A4)
        return size[0] - 30 * mm

    def page_height(self) -> float:
        size = A4 if self.orientation == "portrait" else landscape(A4)
        return size[1] - 33 * mm

    def cover(self, lines: list[str], footer_lines: list[str]):
        self.story.append(Spacer(1, 70 * mm))
        for text in lines:
            self.story.append(BoldParagraph(escape(text), self.st["cover"]))
        self.story.append(Spacer(1, 90 * mm))
        for text in footer_lines:
            self.story.append(Paragraph(escape(text), self.st["cover_small"]))
        self.story.append(PageBreak())
        toc = TableOfContents(dotsMinLevel=0)
        toc.levelStyles = [self.st["toc0"], self.st["toc1"]]
        self.story.append(BoldParagraph("目　录", self.st["title"]))
        self.story.append(toc)

    def section(self, orientation: str):
        self.orientation = orientation
        self.story.append(NextPageTemplate(orientation))
        self.story.append(PageBreak())

    def page_break(self):
        self.story.append(PageBreak())

    def heading(self, text: str, style: str, *, toc: int | None = None):
        p = BoldParagraph(escape(text), self.st[style])
        if toc is not None:
            p.toc_text, p.toc_level = text, toc
        self.story.append(p)

    def mark(self, text: str, level: int):
        self.story.append(TocMark(text, level))

    def paragraph(self, text: str, style: str = "body"):
        self.story.append(Paragraph(escape(text), self.st[style]))

    def _footer(self, canvas, doc):
        n = doc.page - self.front_pages
        if n < 1:
            return
        canvas.saveState()
        canvas.setFont(register_font(), 9)
        canvas.drawCentredString(canvas._pagesize[0] / 2, 9 * mm, f"- {n} -")
        canvas.restoreState()

    def build(self) -> bytes:
        buf = BytesIO()
        doc = _BookTemplate(buf, self, pagesize=A4, title=self.title, author="", subject=self.title)
        doc.multiBuild(self.story)
        return buf.getvalue()
