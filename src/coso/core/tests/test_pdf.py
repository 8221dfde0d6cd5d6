from reportlab.pdfbase.ttfonts import TTFont

from coso.core.pdf import A5, FONT_DIR, OfficialDocument

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


def test_bundled_serif_fonts_cover_every_vietnamese_letter():
    for name in ("Regular", "Bold", "Italic", "BoldItalic"):
        font = TTFont("probe" + name, str(FONT_DIR / f"LiberationSerif-{name}.ttf"))
        cmap = font.face.charToGlyph
        missing = [c for c in VIETNAMESE + VIETNAMESE.upper() if ord(c) not in cmap]
        assert missing == [], (name, missing)


def test_official_document_builds_a_pdf():
    doc = OfficialDocument(title="GIẤY TIẾP NHẬN HỒ SƠ", agency_lines=["UBND PHƯỜNG SÀI GÒN", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"], number="Số: 1/TTPVHCC", pagesize=A5)
    doc.paragraph("Ông/bà Nguyễn Văn Đức, ngày hẹn trả kết quả: 05/12/2026.")
    doc.table([["STT", "Tên giấy tờ"], ["1", "Tờ khai đăng ký khai sinh"]], col_widths=[12, 90])
    doc.image_qr("http://127.0.0.1:8000/dossiers/lookup/?code=X")
    data = doc.build()
    assert data.startswith(b"%PDF") and len(data) > 2000
