"""The Decision 766/QĐ-TTg indicator catalogue: groups, indicators, what Coso can feed.

Definitions only (names, formulas, which record feeds them). The points, the group maxima and the
thresholds for full points are rules (``indices.d766.*`` in the rule book), never constants here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Group:
    key: str
    number: int
    label: Promise


@dataclass(frozen=True)
class Indicator:
    code: str  # "2.1"
    group: str
    label: Promise
    formula: Promise
    # "dossier" / "feedback": fed from Coso's records (rollups); "catalogue": from the procedure catalogue in force
    # on the period's last day; "usage": the catalogue's online procedures against the usage rollups (online dossiers
    # per procedure and day); "" = Coso has no data for it ("no data", never zero).
    source: str = ""
    missed_label: Promise | str = ""

    @property
    def slug(self) -> str:
        return "i" + self.code.replace(".", "_")

    @property
    def fed(self) -> bool:
        return bool(self.source)

    @property
    def from_records(self) -> bool:
        """Fed by dossiers or feedback (rolled up by day, with a drill-down to the records)."""
        return self.source in ("dossier", "feedback")

    @property
    def drillable(self) -> bool:
        """A figure with a list behind it: the records, or for 3.2 the online procedures with their online dossiers."""
        return self.from_records or self.source == "usage"


# The six groups the national public-service portal publishes.
GROUPS: tuple[Group, ...] = (
    Group("publicity", 1, _("Công khai, minh bạch")),
    Group("progress", 2, _("Tiến độ, kết quả giải quyết")),
    Group("online", 3, _("Dịch vụ công trực tuyến")),
    Group("payment", 4, _("Thanh toán trực tuyến")),
    Group("satisfaction", 5, _("Mức độ hài lòng")),
    Group("digitisation", 6, _("Số hóa hồ sơ")),
)
GROUP_BY_KEY = {g.key: g for g in GROUPS}

INDICATORS: tuple[Indicator, ...] = (
    Indicator("1.1", "publicity", _("TTHC được công bố đúng hạn"), _("TTHC công bố đúng hạn ÷ TTHC công bố trong kỳ")),
    Indicator(
        "1.2",
        "publicity",
        _("TTHC được cập nhật, công khai đúng hạn trên CSDL quốc gia"),
        _("TTHC công khai trong 5 ngày làm việc kể từ quyết định công bố ÷ TTHC phải công khai"),
    ),
    Indicator(
        "1.3",
        "publicity",
        _("TTHC công khai đầy đủ các bộ phận tạo thành"),
        _(
            "TTHC cấp xã công khai đủ tên, trình tự, thành phần và số lượng hồ sơ, thời hạn, đối tượng thực hiện "
            "(Nghị định 63/2010/NĐ-CP, Điều 8 khoản 2) ÷ TTHC cấp xã đang công khai"
        ),
        "catalogue",
        _("thủ tục công khai chưa đủ bộ phận"),
    ),
    Indicator("1.4", "publicity", _("Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"), _("Hồ sơ đã đồng bộ ÷ hồ sơ tiếp nhận trong kỳ")),
    Indicator(
        "2.1",
        "progress",
        _("Hồ sơ xử lý trước hạn, đúng hạn"),
        _("Hồ sơ kết thúc xử lý trước hạn, đúng hạn ÷ hồ sơ kết thúc xử lý trong kỳ"),
        "dossier",
        _("hồ sơ trễ hạn"),
    ),
    Indicator(
        "3.1",
        "online",
        _("TTHC cung cấp dịch vụ công trực tuyến"),
        _("TTHC cấp xã có DVC trực tuyến một phần hoặc toàn trình ÷ TTHC cấp xã thuộc thẩm quyền"),
        "catalogue",
        _("thủ tục chưa có DVC trực tuyến"),
    ),
    Indicator(
        "3.2",
        "online",
        _("DVC trực tuyến có phát sinh hồ sơ"),
        _(
            "TTHC cấp xã có DVC trực tuyến (một phần hoặc toàn trình) đã tiếp nhận ít nhất một hồ sơ trực tuyến trong kỳ "
            "÷ TTHC cấp xã có DVC trực tuyến"
        ),
        "usage",
        _("DVC trực tuyến chưa phát sinh hồ sơ"),
    ),
    Indicator(
        "3.3",
        "online",
        _("Hồ sơ nộp trực tuyến"),
        _("Hồ sơ tiếp nhận trực tuyến ÷ hồ sơ tiếp nhận trong kỳ"),
        "dossier",
        _("hồ sơ không nộp trực tuyến"),
    ),
    Indicator("3.5", "payment", _("TTHC có phí tích hợp thanh toán trực tuyến"), _("TTHC tích hợp thanh toán ÷ TTHC có phí, lệ phí")),
    Indicator("3.6", "payment", _("Hồ sơ thanh toán trực tuyến"), _("Hồ sơ thanh toán trực tuyến ÷ hồ sơ của TTHC có phí, lệ phí")),
    Indicator("5.1", "satisfaction", _("Phản ánh, kiến nghị theo phân loại"), _("PAKN theo phân loại ÷ tổng số PAKN")),
    Indicator(
        "5.2",
        "satisfaction",
        _("Phản ánh, kiến nghị xử lý đúng hạn"),
        _("PAKN xử lý trước hạn, đúng hạn ÷ PAKN thuộc thẩm quyền"),
        "feedback",
        _("phản ánh quá hạn"),
    ),
    Indicator(
        "5.3",
        "satisfaction",
        _("Hài lòng trong xử lý phản ánh, kiến nghị"),
        _("(PAKN − PAKN không hài lòng, phản ánh lại hoặc quá hạn) ÷ PAKN"),
        "feedback",
        _("phản ánh chưa hài lòng hoặc quá hạn"),
    ),
    Indicator(
        "5.4",
        "satisfaction",
        _("Hài lòng trong tiếp nhận, giải quyết TTHC"),
        _("100 % − (tỷ lệ hồ sơ trễ hạn + tỷ lệ hồ sơ bị đánh giá không hài lòng)"),
        "dossier",
        _("hồ sơ trễ hạn hoặc không hài lòng"),
    ),
    Indicator(
        "4.1",
        "digitisation",
        _("Hồ sơ cấp kết quả điện tử"),
        _("Hồ sơ có kết quả điện tử ÷ hồ sơ có kết quả"),
        "dossier",
        _("hồ sơ chưa có kết quả điện tử"),
    ),
    Indicator(
        "4.2",
        "digitisation",
        _("Hồ sơ được số hóa"),
        _("Hồ sơ có thành phần được số hóa ÷ hồ sơ tiếp nhận"),
        "dossier",
        _("hồ sơ chưa số hóa thành phần"),
    ),
    Indicator("4.3", "digitisation", _("Hồ sơ tái sử dụng dữ liệu số hóa"), _("Hồ sơ tái sử dụng dữ liệu ÷ hồ sơ tiếp nhận")),
    Indicator("4.4", "digitisation", _("Hồ sơ số hóa liên kết kho dữ liệu công dân"), _("Hồ sơ liên kết kho dữ liệu ÷ hồ sơ")),
    Indicator("4.5", "digitisation", _("Khai thác Cơ sở dữ liệu quốc gia về dân cư"), _("Hồ sơ dùng dữ liệu dân cư ÷ hồ sơ")),
)
INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}
FED_CODES = tuple(i.code for i in INDICATORS if i.fed)
RECORD_CODES = tuple(i.code for i in INDICATORS if i.from_records)


def indicators_of(group: str) -> list[Indicator]:
    return [i for i in INDICATORS if i.group == group]
