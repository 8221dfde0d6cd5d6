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
}
UNCONFIRMED = "đã nhập, thời hạn chưa xác nhận (I)"
# Rows left unsourced after the API crawl was read around the record the crawl repository's matching report
# gives them: why no record ships (shown in COVERAGE.md's note column).
UNSOURCED_NOTES: dict[str, str] = {
    "32": "Bản thu thập API có 2.002854 (chuyển trường và tiếp nhận học sinh) ở cấp “Cơ quan khác” (hiệu trưởng quyết định), không phải cấp xã.",
    "33": "Bản thu thập API có 2.002854 (chuyển trường và tiếp nhận học sinh) ở cấp “Cơ quan khác” (hiệu trưởng quyết định), không phải cấp xã.",
    "34": "Bản thu thập API có 2.002855 (tiếp nhận học sinh Việt Nam từ nước ngoài về nước, mọi cấp học) ở cấp “Cơ quan khác”, không phải cấp xã.",
    "35": "Bản thu thập API có 2.002856 (tiếp nhận học sinh người nước ngoài, mọi cấp học) ở cấp “Cơ quan khác”, không phải cấp xã.",
    "70": "Mã 1.008951 mà báo cáo ghép của bản thu thập gán cho dòng này là thủ tục hỗ trợ giáo viên mầm non (dòng 57).",
    "72": "Bản thu thập API có 1.003702 nhưng thời hạn theo hình thức nộp là 0, không đơn vị (chỉ có trong phần mô tả): không nhập.",
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
            lines.append(f"| {row['stt']} | {name[:120]} | {shown} | {status} | {note[:160].replace('|', '/')} |")
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
