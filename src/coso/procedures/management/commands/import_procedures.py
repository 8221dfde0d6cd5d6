"""Import procedures in the national portal's data shape (JSON / JSON Lines): every record or none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coso.core.exceptions import ApplicationError
from coso.core.progress import ProgressBar
from coso.procedures.portal import portal_import, read_records


class Command(BaseCommand):
    help = "Nhập thủ tục theo định dạng của Cổng DVC quốc gia (mã, tên, cấp, lĩnh vực, thời hạn theo hình thức nộp, phí, hồ sơ, căn cứ, quyết định công bố)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .json hoặc .jsonl")
        parser.add_argument("--effective-from", default=None, help="Ngày áp dụng (YYYY-MM-DD); bỏ trống: ngày của từng bản ghi (mặc định 2025-07-01)")
        parser.add_argument(
            "--commune-only",
            action="store_true",
            help="Chỉ nhập thủ tục cấp xã: bỏ qua bản ghi không có cấp Xã/Phường và thủ tục riêng của một tỉnh (bản thu thập API của Cổng)",
        )
        parser.add_argument("--refuse-other-levels", action="store_true", help="Từ chối cả tệp nếu có bản ghi không phải cấp xã")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        effective = None
        if options["effective_from"]:
            try:
                effective = dt.date.fromisoformat(options["effective_from"])
            except ValueError as exc:
                raise CommandError("Ngày áp dụng phải có dạng YYYY-MM-DD.") from exc
        bar = ProgressBar("Nhập thủ tục", stream=self.stdout)
        try:
            records = read_records(path.read_bytes())
            result = portal_import(
                actor=None,
                records=records,
                effective_from=effective,
                only_level="commune" if options["refuse_other_levels"] else None,
                commune_only=options["commune_only"],
                progress=bar.update,
                reason=f"import_procedures {path.name}",
            )
        except ApplicationError as exc:
            rows = exc.details.get("rows") or []
            lines = [exc.message] + [
                f"  - {r['message']}" if r.get("message", "").startswith("Dòng") else f"  - Dòng {r['row']}: {r['message']}" for r in rows[1:50]
            ]
            raise CommandError("\n".join(lines)) from exc
        bar.finish()
        self.stdout.write(
            f"{result['rows']} thủ tục: tạo mới {result['procedures_created']}, phiên bản mới {result['versions_created']}, "
            f"không đổi {result['unchanged']}, giữ bản đã sửa {result['kept']}; "
            f"bỏ qua {result['skipped']} bản ghi không phải cấp xã; {result['unconfirmed']} thủ tục có thời hạn chưa xác nhận (I)."
        )
