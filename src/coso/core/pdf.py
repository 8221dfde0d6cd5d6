"""PDF documents in the Vietnamese administrative layout (national motto header, Times-like serif).

Liberation Serif (SIL OFL, metric-compatible with Times New Roman, full Vietnamese coverage)
is bundled in ``core/fonts`` so PDFs look the same on every machine.

Usage::

    doc = OfficialDocument(title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", agency_lines=["UBND PHƯỜNG SÀI GÒN",
          "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"], number="Số: 12/TTPVHCC", place_date="Sài Gòn, ngày 27 tháng 11 năm 2026",
          pagesize=A5)
    doc.paragraph("Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ của: ...")
    doc.table([["STT", "Tên giấy tờ"], ["1", "Tờ khai"]], col_widths=[15, 100])
    doc.image_qr("https://...")
    pdf_bytes = doc.build()
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_DIR = Path(__file__).resolve().parent / "fonts"
_registered = False
__all__ = ["A4", "A5", "OfficialDocument", "landscape", "vn_date_line", "mm"]


def register_fonts() -> None:
    global _registered
    if _registered:
        return
    pdfmetrics.registerFont(TTFont("Serif", str(FONT_DIR / "LiberationSerif-Regular.ttf")))
    pdfmetrics.registerFont(TTFont("Serif-Bold", str(FONT_DIR / "LiberationSerif-Bold.ttf")))
    pdfmetrics.registerFont(TTFont("Serif-Italic", str(FONT_DIR / "LiberationSerif-Italic.ttf")))
    pdfmetrics.registerFont(TTFont("Serif-BoldItalic", str(FONT_DIR / "LiberationSerif-BoldItalic.ttf")))
    from reportlab.pdfbase.pdfmetrics import registerFontFamily

    registerFontFamily("Serif", normal="Serif", bold="Serif-Bold", italic="Serif-Italic", boldItalic="Serif-BoldItalic")
    _registered = True


def vn_date_line(place: str, day: dt.date) -> str:
    """"Sài Gòn, ngày 05 tháng 03 năm 2026" (administrative style)."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class OfficialDocument:
    def __init__(
        self,
        *,
        title: str,
        agency_lines: list[str],
        number: str = "",
        place_date: str = "",
        subtitle: str = "",
        pagesize: Any = A4,
        font_size: float = 12,
    ):
        register_fonts()
        self.pagesize = pagesize
        self.font_size = font_size
        small = pagesize == A5
        self.margin = (12 if small else 20) * mm
        self.styles = {
            "normal": ParagraphStyle("n", fontName="Serif", fontSize=font_size, leading=font_size * 1.35, alignment=TA_JUSTIFY),
            "left": ParagraphStyle("l", fontName="Serif", fontSize=font_size, leading=font_size * 1.35, alignment=TA_LEFT),
            "center": ParagraphStyle("c", fontName="Serif", fontSize=font_size, leading=font_size * 1.3, alignment=TA_CENTER),
            "center_bold": ParagraphStyle("cb", fontName="Serif-Bold", fontSize=font_size, leading=font_size * 1.3, alignment=TA_CENTER),
            "italic_center": ParagraphStyle("ic", fontName="Serif-Italic", fontSize=font_size, leading=font_size * 1.3, alignment=TA_CENTER),
            "title": ParagraphStyle("t", fontName="Serif-Bold", fontSize=font_size + 2, leading=(font_size + 2) * 1.3, alignment=TA_CENTER, spaceBefore=6),
            "cell": ParagraphStyle("cell", fontName="Serif", fontSize=font_size - 2, leading=(font_size - 2) * 1.25),
            "cell_bold": ParagraphStyle("cellb", fontName="Serif-Bold", fontSize=font_size - 2, leading=(font_size - 2) * 1.25, alignment=TA_CENTER),
        }
        self.story: list[Any] = []
        self.page_count = 0
        self._header(agency_lines, number, place_date)
        self.story.append(Paragraph(_esc(title), self.styles["title"]))
        if subtitle:
            self.story.append(Paragraph(_esc(subtitle), self.styles["italic_center"]))
        self.story.append(Spacer(1, 4 * mm))

    @property
    def width(self) -> float:
        return self.pagesize[0] - 2 * self.margin

    def _header(self, agency_lines: list[str], number: str, place_date: str) -> None:
        s = self.styles
        left = [Paragraph(_esc(agency_lines[0]), s["center"])] if agency_lines else []
        left += [Paragraph(f"<b>{_esc(line)}</b>", s["center"]) for line in agency_lines[1:]]
        left.append(Paragraph("―――――――", s["center"]))
        if number:
            left.append(Paragraph(_esc(number), s["center"]))
        # The national motto stays on one line (as on every official form): shrink it to fit.
        motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        column = self.width * 0.58 - 12
        size = self.font_size
        while size > 7 and pdfmetrics.stringWidth(motto, "Serif-Bold", size) > column:
            size -= 0.5
        motto_style = ParagraphStyle("motto", parent=s["center"], fontSize=size, leading=size * 1.3)
        right = [
            Paragraph(f"<b>{motto}</b>", motto_style),
            Paragraph("<b>Độc lập - Tự do - Hạnh phúc</b>", s["center"]),
            Paragraph("―――――――――――――", s["center"]),
        ]
        if place_date:
            right.append(Paragraph(f"<i>{_esc(place_date)}</i>", s["center"]))
        table = Table([[left, right]], colWidths=[self.width * 0.42, self.width * 0.58])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        self.story.append(table)
        self.story.append(Spacer(1, 4 * mm))

    def paragraph(self, text: str, style: str = "normal", *, markup: bool = False) -> None:
        self.story.append(Paragraph(text if markup else _esc(text), self.styles[style]))

    def spacer(self, height_mm: float = 3) -> None:
        self.story.append(Spacer(1, height_mm * mm))

    def table(self, rows: list[list[Any]], *, col_widths: list[float] | None = None, header_rows: int = 1, align_right_cols: tuple[int, ...] = ()) -> None:
        """A ruled table; ``col_widths`` in mm (scaled to the page width if they do not fit)."""
        data = []
        for r, row in enumerate(rows):
            style = self.styles["cell_bold"] if r < header_rows else self.styles["cell"]
            data.append([Paragraph(_esc(c), style) if not hasattr(c, "wrap") else c for c in row])
        widths = None
        if col_widths:
            total = sum(col_widths) * mm
            scale = min(1.0, self.width / total)
            widths = [w * mm * scale for w in col_widths]
        t = Table(data, colWidths=widths, repeatRows=header_rows)
        cmds = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eeeeee")) if header_rows else ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
        ]
        for c in align_right_cols:
            cmds.append(("ALIGN", (c, header_rows), (c, -1), "RIGHT"))
        t.setStyle(TableStyle(cmds))
        self.story.append(t)

    def signature(self, left_title: str = "", right_title: str = "", right_name: str = "") -> None:
        s = self.styles
        left = [Paragraph(f"<b>{_esc(left_title)}</b>", s["center"])] if left_title else []
        right = [Paragraph(f"<b>{_esc(right_title)}</b>", s["center"]), Paragraph("<i>(Ký, ghi rõ họ tên)</i>", s["center"]), Spacer(1, 14 * mm)]
        if right_name:
            right.append(Paragraph(f"<b>{_esc(right_name)}</b>", s["center"]))
        t = Table([[left, right]], colWidths=[self.width * 0.45, self.width * 0.55])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        self.story.append(Spacer(1, 5 * mm))
        self.story.append(t)

    def qr_flowable(self, url: str, size_mm: float = 28) -> Image:
        import segno

        buf = io.BytesIO()
        segno.make(url, error="m").save(buf, kind="png", scale=6, border=2)
        buf.seek(0)
        img = Image(buf, width=size_mm * mm, height=size_mm * mm)
        img.hAlign = "RIGHT"
        return img

    def image_qr(self, url: str, size_mm: float = 28) -> None:
        self.story.append(self.qr_flowable(url, size_mm))

    def paragraph_with_qr(self, text: str, url: str, size_mm: float = 22) -> None:
        """A paragraph with a QR code beside it (saves the height of a QR on its own line)."""
        t = Table([[Paragraph(_esc(text), self.styles["left"]), self.qr_flowable(url, size_mm)]],
                  colWidths=[self.width - size_mm * mm - 4, size_mm * mm + 4])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        self.story.append(t)

    def build(self) -> bytes:
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out, pagesize=self.pagesize, leftMargin=self.margin, rightMargin=self.margin, topMargin=self.margin * 0.8, bottomMargin=self.margin * 0.8,
            title="Coso", author="Coso",
        )
        doc.build(self.story)
        self.page_count = doc.page  # pages written (callers fitting a form on one page check it)
        return out.getvalue()
