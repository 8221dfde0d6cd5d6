"""Re-check every stored value of the rule book against its key's checks (type, bounds, ``validator=``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from coso.rules.selectors import stored_value_problems, undeclared_stored_keys


class Command(BaseCommand):
    help = (
        "Kiểm tra lại mọi giá trị đã lưu của bộ quy định (toàn quốc, mọi tỉnh, xã, mọi ngày) theo kiểu, giới hạn và hàm kiểm tra "
        "(validator=) của mã quy định; in từng giá trị không còn hợp lệ (tỉnh, mã, ngày hiệu lực, giá trị, lý do) và "
        "kết thúc với mã lỗi khi có."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", default=None, help="Chỉ kiểm tra giá trị của một tỉnh (mã tỉnh; các xã của tỉnh cũng vậy)")

    def handle(self, *args, **options):
        province = options["province"]
        problems = stored_value_problems(province_code=province.strip() if province is not None else None)
        for p in problems:
            where = f"{p.province_code}/{p.commune_code}" if p.commune_code else (p.province_code or "toàn quốc")
            period = f"từ {p.valid_from:%d/%m/%Y}" + (f" đến trước {p.valid_to:%d/%m/%Y}" if p.valid_to else "")
            left_out = "" if p.applied else "\tkhông đọc được: không áp dụng (dùng giá trị của phạm vi rộng hơn)"
            self.stdout.write(f"{where}\t{p.key}\t{period}\t{p.value_text}\t{p.message}{left_out}")
        if province is None:
            undeclared = undeclared_stored_keys()
            if undeclared:
                self.stdout.write(f"Bỏ qua giá trị của {len(undeclared)} mã quy định không còn khai báo (không được áp dụng): {', '.join(undeclared)}")
        if problems:
            raise CommandError(f"{len(problems)} giá trị đã lưu không còn hợp lệ: hãy đặt giá trị mới từ một ngày tới (trang “Căn cứ pháp lý”).")
        self.stdout.write("Mọi giá trị đã lưu của bộ quy định đều hợp lệ.")
