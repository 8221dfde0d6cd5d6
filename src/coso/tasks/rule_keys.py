"""Rule keys of the tasks module (values: tasks/data/rules.json)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from coso.rules.registry import ValueType, declare

QD42 = "Quyết định 42/2014/QĐ-TTg (sửa đổi bởi Quyết định 23/2018/QĐ-TTg)"

declare(
    "tasks.extension.counts_on_time",
    ValueType.BOOLEAN,
    _("Nhiệm vụ được gia hạn hoàn thành trong hạn mới được tính đúng hạn"),
    description=_(
        "Có: nhiệm vụ được cấp có thẩm quyền đồng ý gia hạn được đánh giá theo thời hạn mới (hoàn thành trước thời hạn mới là "
        "đúng hạn, chưa quá thời hạn mới là trong hạn). Không: luôn đánh giá theo thời hạn giao ban đầu."
    ),
    default_source=QD42,
)
declare(
    "tasks.rate.method",
    ValueType.CHOICE,
    _("Cách làm tròn tỷ lệ hoàn thành, quá hạn"),
    description=_(
        "Tỷ lệ tính trên số nhiệm vụ đến hạn (đã hoàn thành + chưa hoàn thành đã quá hạn). "
        "“Cắt bớt và lấy phần bù”: tỷ lệ hoàn thành cắt bớt ở 2 chữ số thập phân, tỷ lệ quá hạn = 100 % trừ tỷ lệ hoàn thành "
        "(như số liệu báo cáo của Tổ công tác của Thủ tướng); “Làm tròn”: mỗi tỷ lệ làm tròn riêng ở 2 chữ số."
    ),
    choices=(("truncate_complement", _("Cắt bớt và lấy phần bù")), ("round_half_up", _("Làm tròn từng tỷ lệ"))),
    default_source="Báo cáo 1270/BC-TCTTTg ngày 27/12/2017",
    scopes=("national", "province"),
)
declare(
    "tasks.report.cutoff_day",
    ValueType.INTEGER,
    _("Ngày chốt số liệu báo cáo định kỳ"),
    unit="",
    description=_(
        "Kỳ báo cáo tháng tính từ ngày sau ngày chốt của tháng trước đến ngày chốt của tháng báo cáo (quý, 6 tháng, năm "
        "tương tự, kết thúc ở tháng cuối kỳ). 0 = theo tháng dương lịch (đến ngày cuối tháng)."
    ),
    default_source="Nghị định 09/2019/NĐ-CP, Điều 12",
    minimum=Decimal(0),
    maximum=Decimal(28),
    scopes=("national", "province"),
)
