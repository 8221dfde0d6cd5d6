"""Build-time: write data/portal/commune-procedures.jsonl and COVERAGE.md from a local copy of the crawls.

Not run by Coso at run time (nothing loads from the web): a maintainer checks out the public crawl
repository, runs this command, reviews the diff and commits the data with its source.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand

from coso.core.text import fold
from coso.procedures import crawl, portal
from coso.procedures.services import load_catalogue_file

# Names of the city's list that differ from the portal's only in wording, checked by hand (list row → code, or
# the codes of a city procedure the portal now publishes as several: 343 = receiving / stopping the allowance).
VETTED: dict[str, str | list[str]] = {
    "22": "1.012592",
    "23": "1.012591",
    "24": "1.012590",
    "12": "1.003446",
    "114": "1.010736",
    "119": "1.003347",
    "244": "2.000547",
    "261": "1.004859",
    "267": "2.002165",
    "269": "2.000930",
    "273": "2.001008",
    "274": "2.000992",
    "278": "2.000815",
    "280": "2.000913",
    "281": "2.000927",
    "282": "2.000942",
    "283": "2.001406",
    "362": "2.000986",
    "101": "1.001662",
    "113": "1.011471",
    "21": "1.013798",
    "51": "1.012968",
    "144": "1.014150",
    "343": ["1.014310", "1.014312"],
    # rows whose procedure is already in the edited catalogue (procedures.json) under the portal's wording
    "86": "2.000462",
    "339": "1.001699",
    "340": "1.001653",
    "341": "1.001776",
    "356": "2.002492",
    # rows the portal now publishes under one code with sibling procedures (cooperatives: tổ hợp tác, hợp tác
    # xã and their branches share one record per action), or under the commune's wording of a former district one
    "89": "1.003434",
    "107": "1.012694",
    "109": "1.007919",
    "120": "2.001627",
    "190": "2.002638",
    "193": "2.002641",
    "195": "2.002643",
    "196": "2.002643",
    "197": "2.002643",
    "198": "2.002123",
    "199": "2.002648",
    "201": "2.002648",
    "203": "2.002123",
    "209": "2.002641",
    "210": "2.002638",
    "217": "2.000575",
    "222": "3.000410",
    "301": "1.013227",
    "302": "1.013228",
    # district planning procedures of the city's list, published since the 2024 planning law as the commune's
    # urban and rural planning procedures
    "303": "1.014159",
    "304": "1.014155",
    "305": "1.014157",
    # education procedures the portal republished under Decree 66/2026 (the city's wording predates it)
    "30": "1.014996",
    "31": "1.014997",
    # market infrastructure handed over by the former district now by the commune; protection orders (domestic
    # violence) under the portal's wording
    "17": "1.012568",
    "288": "1.012084",
    "289": "1.012085",
    # sports clubs: the city's row names the portal's procedure without "thể dục" (recognised by the commune chairman)
    "287": "2.000794",
    # religious groups: the portal's commune records carry "(CẤP XÃ)" in the name (API crawl, Decree 95/2023)
    "25": "1.012585",
    "26": "1.012584",
    # grassroots mediation: the city's list keeps the old names ("bầu"); the portal publishes the same commune step
    # as the chairman's recognition of the mediator / team leader elected by the village (Law 35/2013/QH13 Art. 8-9;
    # the dossier is the election minutes)
    "268": "1.002211",
    "270": "2.000950",
    # kindergartens: the portal republished the commune's kindergarten procedures under 1181/QĐ-BGDĐT (14/5/2026)
    # naming them “nhà trẻ, trường mẫu giáo, trường mầm non” (the city's rows keep the older order; row 41 is the
    # dissolution asked by the founders, the only dissolution the record describes)
    "37": "2.002891",
    "38": "2.002894",
    "39": "2.002892",
    "41": "2.002893",
}
UNCONFIRMED = "đã nhập, thời hạn chưa xác nhận (I)"
# Why each row of the city's list still ships no record (COVERAGE.md's note column; every row "không có trong bản
# thu thập" has one, a test checks it). "Báo cáo ghép" is the crawl repository's own matching of the 363 names
# (Database/BAO_CAO_GHEP_363_XA.md): it gives a code only for the rows it marks "review" or as a duplicate; "absent"
# means the portal's own search returned nothing. Codes named below were read in the crawls, not guessed.
_ABSENT = "Báo cáo ghép xếp “absent” (tìm trên Cổng không có kết quả); bản thu thập trang cũng không có."
_NO_CODE = "Báo cáo ghép ghi khớp tên nhưng không ghi mã; "
_NO_MOIT = "thủ tục của Bộ Công Thương, bản thu thập trang không có bộ này; mã chưa xác định nên chưa tra được bản thu thập API."
_NO_MOET = "thủ tục của Bộ GD&ĐT, bản thu thập trang không có bộ này; dãy mã giáo dục cấp xã 1.012963–1.012975 của bản thu thập API không có thủ tục này."
_NO_INSPECT = "thủ tục của Thanh tra Chính phủ, bản thu thập trang không có; mã chưa xác định nên chưa tra được bản thu thập API."
# Codes found later in lists that name them (not in either crawl, so no time or fee to ship): the list of commune
# procedures posted by the People's Committee of Vĩnh Bảo commune, Hải Phòng (public repository
# hongdienvbhp/BangNiemYetVinhBao), and the decisions of the Hải Phòng People's Committee it cites.
_VB = "theo danh mục TTHC cấp xã niêm yết của UBND xã Vĩnh Bảo, TP. Hải Phòng (kho công khai hongdienvbhp/BangNiemYetVinhBao)"
_NO_VALUES = " Chưa có thời hạn, phí từ nguồn nên chưa nhập."
# The Vĩnh Bảo repository read again (3/12/2026): its copies of the Hải Phòng decisions are Git LFS pointers whose
# content is not stored, so no decision text could be read; the times it transcribes (text it extracted from those
# PDFs, or its copy of portal pages) are a third party's and could not be checked against the decisions: not shipped.
# Its current list (data/master-data-audit.csv, 29/9/2026) names several of these procedures under other codes, taken
# from the Hải Phòng Home Affairs department's list of procedures done regardless of administrative boundary
# (26/11/2025); the API crawl holds none of those codes either.
_VB_MASTER = "Danh mục hiện hành của kho hongdienvbhp/BangNiemYetVinhBao (data/master-data-audit.csv, 29/9/2026)"
_VB_PDF = ("tệp PDF của quyết định trong kho đó chỉ là con trỏ Git LFS, không kèm nội dung, nên chưa đọc được văn bản chính "
           "thức để đối chiếu")
_SNV_NONGEO = "danh mục TTHC thực hiện không phụ thuộc địa giới hành chính của Sở Nội vụ Hải Phòng (26/11/2025)"
_ALT_READ = "bản thu thập API cũng không có mã đó (đã đọc: sau 1.012910 là 1.012944, 1.012953; sau 1.013005 là 1.013061)"
_ASSOC_READ = "; bản thu thập API không có bản ghi: đã đọc, sau 1.013695 là 1.013726, 1.013730 (không có 1.013702–1.013717)."
_GAME_GAP = ("; bản thu thập API không có bản ghi: đã đọc, sau 1.013791 là 1.013796 (không có 1.013792–1.013795). "
             f"{_VB_MASTER} không ghi các mã này (sau 1.013790 là 1.013809)." + _NO_VALUES)
_HP3626 = "Quyết định 3626/QĐ-UBND ngày 10/9/2026 của UBND TP. Hải Phòng (danh mục TTHC lĩnh vực thanh tra, cấp xã)"
# Rows 146-159: the code the current Vĩnh Bảo list gives the same procedure (by name), if any.
_ASSOC_ALT = {"146": "1.012929", "147": "1.012942", "148": "1.012943", "149": "1.012945", "150": "1.012946", "151": "1.012948",
              "153": "1.013017", "154": "1.013018", "155": "1.013019", "156": "1.013020", "157": "1.013021", "158": "1.013022",
              "159": "1.013023"}


def _assoc_alt(row: str, code: str) -> str:
    alt = _ASSOC_ALT.get(row)
    if not alt:
        return f" {_VB_MASTER} không ghi mã {code}."
    return (f" {_VB_MASTER} không ghi mã {code}; ở đó thủ tục này mang mã {alt} theo {_SNV_NONGEO}, không kèm thời hạn, "
            f"phí; {_ALT_READ}.")


_ASSOC_CODES = {
    "147": ("1.013704", "báo cáo tổ chức đại hội của hội"),
    "148": ("1.013706", "thông báo kết quả đại hội, phê duyệt đổi tên, điều lệ hội"),
    "150": ("1.013708", "hội tự giải thể"),
    "152": ("1.013710", "hỗ trợ chi phí y tế và thu nhập bị mất cho người tham gia hoạt động chữ thập đỏ bị tai nạn"),
    "153": ("1.013711", "cấp giấy phép thành lập và công nhận điều lệ quỹ"),
    "154": ("1.013712", "công nhận quỹ đủ điều kiện hoạt động và thành viên Hội đồng quản lý quỹ"),
    "155": ("1.013713", "công nhận điều lệ (sửa đổi, bổ sung) quỹ; đổi tên quỹ"),
    "156": ("1.013714", "cấp lại giấy phép thành lập và công nhận điều lệ quỹ"),
    "157": ("1.013715", "cho phép quỹ hoạt động trở lại"),
    "158": ("1.013716", "hợp nhất, sáp nhập, chia, tách quỹ"),
    "159": ("1.013717", "quỹ tự giải thể"),
}
# The Vĩnh Bảo list also names codes for rows below, but it holds codes that do not exist (1.000124 for death
# registration, whose code is 1.000656): such a code is only reported, as unverified.
_VB_UNVERIFIED = ("; danh mục niêm yết của UBND xã Vĩnh Bảo, TP. Hải Phòng (kho hongdienvbhp/BangNiemYetVinhBao) ghi mã {code} "
                  "nhưng chưa đối chiếu được (danh mục này có cả mã không có thật, như 1.000124 cho đăng ký khai tử, mã đúng "
                  "1.000656); bản thu thập API chưa đọc tới mã này.")
_MOHA_SEARCHED = ("thủ tục của Bộ Nội vụ, bản thu thập trang không có bộ này; bản thu thập API quanh các thủ tục người có công của "
                  "Quyết định 639/QĐ-BNV (đã đọc 1.013726–1.013751) không có thủ tục này; phần đã đọc của danh mục niêm yết "
                  "của xã Vĩnh Bảo (Hải Phòng) không ghi: mã chưa xác định.")
_TNXP_SEARCHED = (" Tìm cụm “thanh niên xung phong đã hoàn thành nhiệm vụ trong” trong mã nguồn công khai chỉ thấy mã riêng "
                  "của một tỉnh (3.000579, theo nghị quyết HĐND).")
_GAME_CODES = {"290": ("1.013792", "cấp"), "291": ("1.013793", "sửa đổi, bổ sung"), "292": ("1.013794", "gia hạn"), "293": ("1.013795", "cấp lại")}
UNSOURCED_NOTES: dict[str, str] = {
    **{n: _ABSENT + " Giấy phép kinh doanh có điều kiện của Bộ Công Thương (rượu, thuốc lá, LPG chai)."
       for n in ("1", "2", "3", "4", "5", "6", "9", "13", "14", "15")},
    "7": "Báo cáo ghép đề xuất 2.000362 (review): giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài, không phải bán lẻ thuốc lá.",
    "8": "Báo cáo ghép đề xuất 2.000218 (review): sửa đổi giấy phép sản xuất sản phẩm thuốc lá, không phải bán lẻ.",
    "10": _NO_CODE + _NO_MOIT,
    "11": _NO_CODE + _NO_MOIT,
    "16": _ABSENT,
    "27": "Bản thu thập API không có: dãy 1.012583–1.012592 đã đọc chỉ có 1.012584, 1.012585, 1.012590–1.012592 ở cấp xã (không có chuyển địa điểm sang xã khác).",
    **{n: f"Mã Cổng {c} {_VB}; bộ kiểm thử của kho bản thu thập API cũng dùng mã này. Bản thu thập API không có bản ghi: "
          "đã đọc, sau 1.012091 là 1.012169, 1.012286; bản thu thập trang không có Bộ Dân tộc và Tôn giáo. "
          f"{_VB_MASTER} không ghi hai mã này." + _NO_VALUES
       for n, c in (("28", "1.012222"), ("29", "1.012223"))},
    "32": "Bản thu thập API có 2.002854 (chuyển trường và tiếp nhận học sinh) ở cấp “Cơ quan khác” (hiệu trưởng quyết định), không phải cấp xã.",
    "33": "Bản thu thập API có 2.002854 (chuyển trường và tiếp nhận học sinh) ở cấp “Cơ quan khác” (hiệu trưởng quyết định), không phải cấp xã.",
    "34": "Bản thu thập API có 2.002855 (tiếp nhận học sinh Việt Nam từ nước ngoài về nước, mọi cấp học) ở cấp “Cơ quan khác”, không phải cấp xã.",
    "35": "Bản thu thập API có 2.002856 (tiếp nhận học sinh người nước ngoài, mọi cấp học) ở cấp “Cơ quan khác”, không phải cấp xã.",
    "36": _NO_CODE + "thủ tục của Bộ GD&ĐT, bản thu thập trang không có bộ này; mã chưa xác định" + _VB_UNVERIFIED.format(code="3.000182"),
    **{n: _NO_CODE + _NO_MOET[:-1] + _VB_UNVERIFIED.format(code=c) for n, c in (("44", "1.004563"), ("46", "1.001639"), ("52", "1.008725"))},
    "40": "Báo cáo ghép trỏ dòng này (tên trùng) vào 2.002894; bản thu thập API cho thấy 2.002894 là cho phép hoạt động giáo dục "
          "(đã nhập ở dòng 38), không phải hoạt động giáo dục trở lại: không ghép.",
    "45": "Báo cáo ghép đề xuất 5.003847 (review): cho phép trường phổ thông dân tộc nội trú hoạt động trở lại (mã riêng của một tỉnh), không phải trường tiểu học.",
    "50": "Báo cáo ghép trỏ vào 1.012965: cho phép hoạt động giáo dục (đã nhập ở dòng 48), không phải hoạt động giáo dục trở lại.",
    "54": "Báo cáo ghép đề xuất 1.012971 (review): thành lập cơ sở GDMN độc lập (dòng 53); bản thu thập API đi thẳng từ 1.012971 sang 1.012973, không có thủ tục này.",
    "58": _NO_CODE + "thủ tục của Bộ GD&ĐT, bản thu thập trang không có bộ này; bản thu thập API chỉ cho 1.008950, 1.008951 của Nghị định 105/2020 (dòng 57, 59)" + _VB_UNVERIFIED.format(code="1.001622"),
    "63": _ABSENT + " Gần nhất là 1.012969 (thành lập trung tâm học tập cộng đồng), thủ tục khác.",
    "66": _ABSENT,
    "68": _NO_CODE + "thủ tục của Bộ GD&ĐT (văn bằng, chứng chỉ), bản thu thập trang không có bộ này; 2.000908 (cấp bản sao từ sổ gốc, Bộ Tư pháp) là thủ tục khác" + _VB_UNVERIFIED.format(code="3.000467"),
    "69": _NO_CODE + "thủ tục của Bộ GD&ĐT (văn bằng, chứng chỉ), bản thu thập trang không có bộ này; mã chưa xác định" + _VB_UNVERIFIED.format(code="3.000468"),
    "70": "Mã 1.008951 mà báo cáo ghép của bản thu thập gán cho dòng này là thủ tục hỗ trợ giáo viên mầm non (dòng 57).",
    "71": "Báo cáo ghép đề xuất 1.014313 (review): hỗ trợ kinh phí cơ sở GDMN độc lập do UBND tỉnh Thanh Hóa công bố riêng, không phải chuyển đổi.",
    "72": "Bản thu thập API có 1.003702 nhưng thời hạn theo hình thức nộp là 0, không đơn vị (chỉ có trong phần mô tả): không nhập.",
    "73": "Bản thu thập API chỉ có 1.008148 (cơ sở GDNN công lập thuộc Bộ…, cấp Bộ), bản ghi kế tiếp là 1.008648: không có thủ tục cho cơ sở tư thục, có vốn nước ngoài.",
    "74": "Bản thu thập API có 2.002284 (chính sách nội trú tại cơ sở GDNN công lập trực thuộc xã, cấp Xã/Phường, 683/QĐ-BGDĐT "
          "ngày 13/3/2025) nhưng thời hạn của hình thức nộp trực tiếp là 0, không đơn vị (30 ngày làm việc chỉ ghi ở thời hạn chung "
          "và dịch vụ trực tuyến của bản ghi; mô tả ghi thẩm định 03 ngày làm việc): không nhập.",
    "103": "Báo cáo ghép đề xuất 3.000439 (review): giao khu vực biển (đã nhập ở dòng 102), không phải gia hạn.",
    "110": "Bản thu thập trang có 1.012922 (kiểm tra hiện trường rừng trồng bị thiệt hại, cấp xã) nhưng Cổng ghi 1 ngày làm việc, trái với 03 ngày làm việc trong trình tự của chính thủ tục: chưa nhập.",
    "112": _ABSENT,
    "115": _ABSENT,
    "118": "Báo cáo ghép xếp “absent”; bản thu thập trang có 1.014848 (phương án bảo vệ công trình thủy lợi, Nghị định 40/2026), khác căn cứ và đối tượng (đập, hồ chứa): không ghép.",
    "126": _ABSENT,
    **{n: _NO_CODE + _MOHA_SEARCHED for n in ("130", "180", "184", "185", "186")},
    **{n: _NO_CODE + _MOHA_SEARCHED + _TNXP_SEARCHED for n in ("181", "182")},
    "134": "Bản thu thập API có 1.013749 (cùng tên, Quyết định 639/QĐ-BNV ngày 19/6/2025, cấp Xã/Phường, Tỉnh) nhưng thời hạn theo "
           "hình thức nộp là 0, không đơn vị (bản ghi dịch vụ trực tuyến ghi “1”): không nhập. "
           f"{_VB_MASTER} không ghi mã này, nên cũng không có thời hạn nào khác để đối chiếu.",
    "140": _ABSENT,
    "141": _ABSENT,
    "142": _ABSENT + " Gần nhất là “Thủ tục tặng, truy tặng Huy chương Thanh niên xung phong vẻ vang” (0,768) nhưng báo cáo không ghi mã; Bộ Nội vụ.",
    **{n: f"Mã Cổng {c} ({what}) {_VB}" + _ASSOC_READ + _assoc_alt(n, c) + _NO_VALUES for n, (c, what) in _ASSOC_CODES.items()},
    "145": "Mã Cổng 1.013702 trong danh mục TTHC Bộ Nội vụ do UBND TP. Hải Phòng công khai (4/2026), trang Cổng "
           "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-1b5c-7417-b2be-9deaf8580018" + _ASSOC_READ
           + " Kho hongdienvbhp/BangNiemYetVinhBao chép trang Cổng này (bản chụp 23/6/2026, data/tthc-guidance-enrichment.json): "
           "30 ngày làm việc, lệ phí 0; đó là bản chép của bên thứ ba, không có văn bản quyết định để đối chiếu nên chưa nhập.",
    "146": "Mã Cổng 1.013703 trong danh mục TTHC Bộ Nội vụ do UBND TP. Hải Phòng công khai (4/2026), trang Cổng "
           "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfb-1b5e-74c5-be8d-c902d128672d" + _ASSOC_READ
           + " Kho hongdienvbhp/BangNiemYetVinhBao chép trang Cổng này (bản chụp 23/6/2026, data/tthc-guidance-enrichment.json): "
           "60 ngày làm việc, lệ phí 0; đó là bản chép của bên thứ ba, không có văn bản quyết định để đối chiếu nên chưa nhập. "
           f"Danh mục của kho còn ghi thủ tục thành lập hội mã 1.012929 theo {_SNV_NONGEO}, không kèm thời hạn, phí; {_ALT_READ}.",
    "149": f"Mã Cổng 1.013707 (báo cáo ghép đề xuất cùng mã) {_VB}" + _ASSOC_READ + _assoc_alt("149", "1.013707") + _NO_VALUES,
    "151": f"Mã Cổng 1.013709 (báo cáo ghép đề xuất cùng mã; dòng của Thành phố ghi “của Bộ Nội vụ”) {_VB}" + _ASSOC_READ
           + _assoc_alt("151", "1.013709") + _NO_VALUES,
    "223": "Báo cáo ghép đề xuất 6.006764 (review): giao quản lý tài sản kết cấu hạ tầng đường thủy nội địa (mã địa phương), không phải thủy lợi.",
    "224": _ABSENT,
    "263": _ABSENT + " Bản thu thập trang của Bộ Tư pháp không có khai sinh cho trẻ sinh ra do mang thai hộ.",
    "284": "Báo cáo ghép trỏ vào 2.001406: chứng thực văn bản phân chia di sản (đã nhập ở dòng 283); bản thu thập trang của Bộ Tư pháp không có văn bản khai nhận di sản.",
    **{n: f"Mã Cổng {c} ({what} giấy chứng nhận) {_VB}" + _GAME_GAP for n, (c, what) in _GAME_CODES.items()},
    "317": _ABSENT,
    "335": _ABSENT + " Thủ tục của Bộ Y tế (giấy chứng sinh).",
    "336": _ABSENT,
    "337": _ABSENT + " Thủ tục đặc thù do UBND Thành phố công bố, không có trên Cổng quốc gia.",
    "344": _ABSENT,
    "355": f"Mã Cổng 2.001909 (Thủ tục tiếp công dân tại cấp xã) theo {_HP3626}; bản thu thập trang không có Thanh tra Chính phủ; "
           "bản thu thập API không có mã này (đã đọc: sau 2.001895 là 2.001921). Thời hạn chỉ có trong đoạn văn bản mà kho "
           "hongdienvbhp/BangNiemYetVinhBao tự trích từ PDF của Quyết định 3626 (data/source-audit/city-updates-current.json, "
           "trang 6: trả lời trong 10 ngày làm việc kể từ ngày tiếp nhận nội dung khiếu nại, tố cáo, kiến nghị, phản ánh; cột phí "
           f"ghi “Không quy định”), nhưng {_VB_PDF}: không nhập.",
    "357": f"Mã Cổng 2.002396 (Giải quyết tố cáo cấp xã) theo {_HP3626}; bản thu thập trang không có Thanh tra Chính phủ; "
           "bản thu thập API không có mã này (đã đọc: sau 2.002363 là 2.002516). Thời hạn chỉ có trong đoạn văn bản mà kho "
           "hongdienvbhp/BangNiemYetVinhBao tự trích từ PDF của Quyết định 3626 (data/source-audit/city-updates-current.json, "
           "trang 7: không quá 30 ngày kể từ ngày thụ lý tố cáo, vụ việc phức tạp gia hạn một lần không quá 30 ngày, đặc biệt phức "
           f"tạp gia hạn thêm; cột phí ghi “Không quy định”), nhưng {_VB_PDF}; thời hạn lại chia theo mức phức tạp: không nhập.",
    "358": _ABSENT,
    "359": "Báo cáo ghép đề xuất 1.007674 (review): khai thuế thu nhập cá nhân từ chuyển nhượng bất động sản, không phải kê khai tài sản, thu nhập.",
    "360": _ABSENT,
    "361": _NO_CODE + f"mã chưa xác định: các mã cấp xã của {_HP3626} "
           "là 2.001909, 2.001801, 2.002409, 2.002396, không có thủ tục thực hiện việc giải trình.",
    "363": "Mã Cổng 2.002622 cùng tên đã bị bãi bỏ, thay bằng 2.002913 “Liên thông điện tử: đăng ký khai tử, xóa đăng ký thường trú, "
           "giải quyết mai táng phí, tử tuất” (Quyết định 3582/QĐ-UBND ngày 08/9/2026 của UBND TP. Hải Phòng). Bản thu thập API có "
           "2.002913 (Bộ Tư pháp, cấp Xã/Phường, chỉ nộp trực tuyến) nhưng thời hạn chung để trống: thời hạn chỉ có trong trình tự, "
           "theo từng khâu (khai tử 24 giờ, xóa thường trú 01 ngày làm việc, mai táng phí, tử tuất theo cơ quan giải quyết): không nhập. "
           "Đoạn trích PDF Quyết định 3582 của kho hongdienvbhp/BangNiemYetVinhBao (data/source-audit/city-updates-current.json, "
           "trang 4) cũng chỉ ghi thời hạn theo từng nhóm (người có công không quá 18 ngày làm việc; bảo trợ xã hội không quá 06 "
           f"ngày làm việc, 11 ngày làm việc với người từ đủ 80 tuổi…), không có thời hạn chung; {_VB_PDF}.",
}


def _key(name: str) -> str:
    import re

    s = fold(name)
    s = re.sub(r"\(\s*\d\.\d{6}\s*\)", "", s)
    s = re.sub(r"^\s*thu tuc\s*:?\s*", "", s)
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


class Command(BaseCommand):
    help = "Build the shipped portal catalogue from a local checkout of chatbot-tthc/chatbot_tthc (maintainers only)."

    def add_arguments(self, parser):
        parser.add_argument("--crawl", required=True, help="Folder scripts/crawler/data/raw of the crawl checkout")
        parser.add_argument("--commit", required=True, help="Commit of the crawl checkout")
        parser.add_argument("--repo", default="chatbot-tthc/chatbot_tthc")
        parser.add_argument(
            "--extra",
            default=str(portal.DATA_DIR / "portal-api-extracts.jsonl"),
            help="Records copied from the portal API crawl (already in the portal shape)",
        )

    def handle(self, *args, **options):
        raw_dir = Path(options["crawl"])
        records: dict[str, dict] = {}
        for f in sorted(raw_dir.glob("*/*.json")):
            raw = json.loads(f.read_text(encoding="utf-8"))
            rel = f"scripts/crawler/data/raw/{f.parent.name}/{f.name}"
            records[raw["ma_thu_tuc"]] = crawl.record_from_page(raw, repo=options["repo"], commit=options["commit"], path=rel)
        extra = {}
        if options["extra"] and Path(options["extra"]).exists():
            for rec in portal.read_records(Path(options["extra"]).read_bytes()):
                extra[rec["code"]] = rec
        by_name: dict[str, list[str]] = {}
        for code, rec in {**records, **extra}.items():
            by_name.setdefault(_key(rec["name"]), []).append(code)
        curated_names = {r["code"]: r["name"] for r in load_catalogue_file()}
        curated = set(curated_names)
        for code, name in curated_names.items():  # a procedure of the edited catalogue that no crawl record holds
            if code not in records and code not in extra:
                by_name.setdefault(_key(name), []).append(code)
        city = list(csv.DictReader((portal.DATA_DIR / "hcmc-113-2025-xa.csv").open(encoding="utf-8")))
        shipped: dict[str, dict] = {}
        lines = []
        counts: dict[str, int] = {}
        for row in city:
            vetted = VETTED.get(row["stt"])
            codes = ([vetted] if isinstance(vetted, str) else list(vetted)) if vetted else by_name.get(_key(row["name"]), [])
            status, note = "", ""
            if not codes:
                status, note = "không có trong bản thu thập", UNSOURCED_NOTES.get(row["stt"], "")
            for code in codes if vetted and len(codes) > 1 else codes[:1]:
                if code in curated and code not in extra and code not in records:
                    status = "có trong danh mục đã hiệu đính (procedures.json)"
                    continue
                rec = extra.get(code) or records[code]
                prow, problems = portal.portal_row(rec)
                if code in curated:
                    status = "có trong danh mục đã hiệu đính (procedures.json)"
                elif prow.get("decision_level") != "commune":
                    status, note = "bỏ qua", "Cổng không ghi cấp xã"
                elif problems:
                    status, note = "bỏ qua", "; ".join(problems)
                else:
                    status = UNCONFIRMED if prow["confidence"] == "I" else (status if status == UNCONFIRMED else "đã nhập")
                    if prow["confidence"] == "I":
                        note = prow["time_limit_note"]
                    shipped.setdefault(code, {**rec, "confidence": prow["confidence"]})
            counts[status] = counts.get(status, 0) + 1
            name = row["name"].replace("|", "/")
            shown = ", ".join(codes) if vetted and len(codes) > 1 else (codes[0] if codes else "")
            shown_note = note if row["stt"] in UNSOURCED_NOTES and not codes else note[:160]
            lines.append(f"| {row['stt']} | {name[:120]} | {shown} | {status} | {shown_note.replace('|', '/')} |")
        out = portal.SHIPPED_FILE
        with out.open("w", encoding="utf-8") as fh:
            for code in sorted(shipped):
                fh.write(json.dumps(shipped[code], ensure_ascii=False) + "\n")
        head = [
            "# Thủ tục cấp xã của TP. Hồ Chí Minh (Quyết định 113/QĐ-UBND năm 2025, 363 thủ tục) đối chiếu Cổng DVC quốc gia",
            "",
            "Sinh bằng `manage.py build_portal_catalogue`; đừng sửa tay. Tên trong danh sách của Thành phố không có mã: ghép theo tên",
            f"(trùng sau khi bỏ dấu, chữ “Thủ tục” và dấu câu; {len(VETTED)} dòng khác chữ được ghép tay, xem VETTED trong lệnh).",
            f"Nguồn giá trị: {options['repo']}@{options['commit'][:8]} (bản thu thập trang năm 2026) và các bản ghi API trong",
            "`portal-api-extracts.jsonl` (3-hWnG/intern-amazing-group_7@a27ed4e Database/staging/procedures.jsonl).",
            f"Bản thu thập trang không có thư mục của Bộ Nội vụ, Bộ Y tế, Bộ Giáo dục và Đào tạo, Bộ Văn hóa, Thể thao và Du lịch…; {len(extra)} bản ghi",
            "của các bộ này được chép từ bản thu thập API (đọc từng trang của tệp 17 MB), phần còn lại chưa có nguồn: bản thu thập API",
            "cũng chỉ có một phần Cổng (không có các thủ tục về hội, người có uy tín, điểm cung cấp dịch vụ trò chơi điện tử công cộng…).",
            "Thời hạn Cổng ghi không có đơn vị (hoặc chia nhiều giai đoạn) được nhập với độ tin cậy I và ghi chú; không đoán đơn vị.",
            "Kho hongdienvbhp/BangNiemYetVinhBao (danh mục TTHC của xã Vĩnh Bảo, TP. Hải Phòng) cho mã và số, ngày quyết định của",
            "UBND TP. Hải Phòng; tệp PDF quyết định trong kho là con trỏ Git LFS không kèm nội dung, nên các thời hạn kho tự trích",
            "hoặc chép lại (bên thứ ba) không được nhập khi chưa đối chiếu được với văn bản quyết định (xem Ghi chú từng dòng).",
            "Mỗi dòng chưa có nguồn ghi lý do ở cột Ghi chú; “báo cáo ghép” là Database/BAO_CAO_GHEP_363_XA.md của kho bản thu thập API",
            "(mức exact/high không kèm mã; review và tên trùng kèm mã đề xuất; absent: tìm trên Cổng không có).",
            "",
            "| Trạng thái | Số dòng |",
            "|---|---|",
            *[f"| {k} | {v} |" for k, v in sorted(counts.items())],
            f"| mã khác nhau đã nhập | {len(shipped)} |",
            "",
            "| STT | Tên trong quyết định | Mã | Trạng thái | Ghi chú |",
            "|---|---|---|---|---|",
        ]
        (portal.DATA_DIR / "COVERAGE.md").write_text("\n".join(head + lines) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(shipped)} thủ tục ghi vào {out.name}; " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
