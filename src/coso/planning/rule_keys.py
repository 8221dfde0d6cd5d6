"""Rule keys of the planning app (values: planning/data/rules.json).

Cadre planning follows Quy định 50-QĐ/TW (27/12/2021) until 7/10/2025 and Quy định 377-QĐ/TW from
8/10/2025, which replaced it and Quy định 80-QĐ/TW (appointment; the discipline waiting periods).
Training follows Nghị định 171/2025/NĐ-CP from 1/7/2025; course costs are provincial norms under
Thông tư 36/2018/TT-BTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pydantic import Field

from coso.rules.registry import ValueType, declare
from coso.rules.tables import TableModel, table

QD377 = "Quy định 377-QĐ/TW ngày 08/10/2025 (trước đó Quy định 50-QĐ/TW ngày 27/12/2021)"
NATIONAL_PROVINCE = ("national", "province")


class DisciplineWait(TableModel):
    khien_trach: int = Field(ge=0, le=120, title=gettext_noop("Khiển trách (tháng)"))
    canh_cao: int = Field(ge=0, le=120, title=gettext_noop("Cảnh cáo (tháng)"))
    cach_chuc: int = Field(ge=0, le=120, title=gettext_noop("Cách chức (tháng)"))


class CourseCosts(TableModel):
    llct_so_cap: int = Field(ge=0, title=gettext_noop("Sơ cấp lý luận chính trị (đồng/người)"))
    llct_trung_cap: int = Field(ge=0, title=gettext_noop("Trung cấp lý luận chính trị (đồng/người)"))
    llct_cao_cap: int = Field(ge=0, title=gettext_noop("Cao cấp lý luận chính trị (đồng/người)"))
    qlnn_chuyen_vien: int = Field(ge=0, title=gettext_noop("Quản lý nhà nước – chuyên viên (đồng/người)"))
    qlnn_chuyen_vien_chinh: int = Field(ge=0, title=gettext_noop("Quản lý nhà nước – chuyên viên chính (đồng/người)"))
    tin_hoc_co_ban: int = Field(ge=0, title=gettext_noop("Tin học cơ bản (đồng/người)"))
    tin_hoc_nang_cao: int = Field(ge=0, title=gettext_noop("Tin học nâng cao (đồng/người)"))
    ngoai_ngu_bac2: int = Field(ge=0, title=gettext_noop("Ngoại ngữ bậc 2 (đồng/người)"))
    ngoai_ngu_bac3: int = Field(ge=0, title=gettext_noop("Ngoại ngữ bậc 3 (đồng/người)"))
    dai_hoc: int = Field(ge=0, title=gettext_noop("Đại học (đồng/người)"))
    lanh_dao_cap_phong: int = Field(default=0, ge=0, title=gettext_noop("Bồi dưỡng lãnh đạo, quản lý cấp phòng (đồng/người)"))


class Priority(TableModel):
    candidate: int = Field(ge=1, le=100, title=gettext_noop("Người trong quy hoạch"))
    leader: int = Field(ge=1, le=100, title=gettext_noop("Lãnh đạo đương nhiệm"))
    staff: int = Field(ge=1, le=100, title=gettext_noop("Cán bộ, công chức khác"))


declare("planning.candidates.max_per_position", ValueType.INTEGER, _("Số người tối đa quy hoạch vào một chức danh"), unit="people",
        default_source=QD377, minimum=Decimal(1), maximum=Decimal(10), scopes=("national",),
        description=_("Mỗi chức danh lãnh đạo, quản lý quy hoạch không quá số người này trong một nhiệm kỳ."))
declare("planning.candidates.max_positions_per_level", ValueType.INTEGER, _("Số chức danh tối đa của một người ở cùng cấp"), unit="count",
        default_source=QD377, minimum=Decimal(1), maximum=Decimal(10), scopes=("national",),
        description=_("Một người được quy hoạch không quá số chức danh này ở cùng một cấp trong một nhiệm kỳ."))
declare("planning.age.term_months", ValueType.INTEGER, _("Thời gian một nhiệm kỳ"), unit="months", default_source=QD377,
        minimum=Decimal(12), maximum=Decimal(120), scopes=("national",),
        description=_("Người quy hoạch nhiệm kỳ kế tiếp phải còn đủ thời gian công tác đến tuổi nghỉ hưu thực tế cho ít nhất một nhiệm kỳ "
                      "tính từ đầu nhiệm kỳ."))
declare("planning.age.preferred_terms", ValueType.INTEGER, _("Số nhiệm kỳ nên còn đủ tuổi công tác"), unit="count", default_source=QD377,
        minimum=Decimal(1), maximum=Decimal(3), scopes=("national",),
        description=_("Người quy hoạch nhiệm kỳ kế tiếp nên còn đủ tuổi công tác từ số nhiệm kỳ này trở lên; thiếu thì chỉ cảnh báo."))
declare("planning.age.first_appointment_months", ValueType.INTEGER, _("Thời gian còn công tác khi bổ nhiệm lần đầu"), unit="months",
        default_source="Hướng dẫn 06-HD/BTCTW ngày 26/7/2021; Nghị định 33/2023/NĐ-CP Điều 8 khoản 3", minimum=Decimal(0),
        maximum=Decimal(120), scopes=("national",),
        description=_("Quy hoạch nhiệm kỳ hiện tại (bổ sung quy hoạch): tính từ ngày xem xét đến ngày nghỉ hưu thực tế phải còn đủ số tháng này."))
declare("planning.discipline.wait_months", ValueType.TABLE, _("Thời gian chờ sau kỷ luật trước khi bổ nhiệm, quy hoạch chức vụ cao hơn"),
        unit="table", schema=table(DisciplineWait), default_source="Quy định 377-QĐ/TW (từ 08/10/2025); Quy định 80-QĐ/TW (trước đó)",
        scopes=("national",),
        description=_("Số tháng kể từ ngày quyết định kỷ luật mà người bị kỷ luật chưa được bổ nhiệm, giới thiệu ứng cử hoặc quy hoạch "
                      "vào chức vụ cao hơn, theo hình thức kỷ luật."))
declare("planning.structure.young_age_under", ValueType.INTEGER, _("Tuổi của cán bộ trẻ trong quy hoạch"), unit="years",
        default_source="Quy định 50-QĐ/TW (cấp tỉnh, cấp huyện: dưới 40 tuổi); tỉnh quy định cho cấp xã", minimum=Decimal(25),
        maximum=Decimal(50), scopes=NATIONAL_PROVINCE,
        description=_("Người dưới tuổi này (tính ở đầu nhiệm kỳ quy hoạch) được tính là cán bộ trẻ trong cơ cấu quy hoạch."))
declare("planning.structure.young_target", ValueType.PERCENT, _("Tỷ lệ cán bộ trẻ trong quy hoạch (mục tiêu)"), unit="percent",
        default_source="Quy định 50-QĐ/TW", minimum=Decimal(0), maximum=Decimal(100), scopes=NATIONAL_PROVINCE)
declare("planning.structure.women_target", ValueType.PERCENT, _("Tỷ lệ cán bộ nữ trong quy hoạch (mục tiêu)"), unit="percent",
        default_source="Quy định 50-QĐ/TW", minimum=Decimal(0), maximum=Decimal(100), scopes=NATIONAL_PROVINCE)
declare("planning.structure.minority_target", ValueType.PERCENT, _("Tỷ lệ cán bộ dân tộc thiểu số trong quy hoạch (mục tiêu)"),
        unit="percent", default_source="Quy định 377-QĐ/TW: phù hợp với từng địa phương (tỉnh quy định)", minimum=Decimal(0),
        maximum=Decimal(100), scopes=NATIONAL_PROVINCE)
declare("planning.review.min_evaluation", ValueType.CHOICE, _("Mức xếp loại tối thiểu để ở lại quy hoạch"), default_source=QD377,
        choices=(("hoan_thanh", _("Hoàn thành nhiệm vụ")), ("tot", _("Hoàn thành tốt nhiệm vụ"))), scopes=NATIONAL_PROVINCE,
        description=_("Rà soát hằng năm đề xuất đưa ra khỏi quy hoạch người có xếp loại năm trước thấp hơn mức này."))
declare("planning.training.cost_per_person", ValueType.TABLE, _("Định mức chi phí đào tạo, bồi dưỡng theo loại khóa (đồng/người)"),
        unit="table", schema=table(CourseCosts), scopes=NATIONAL_PROVINCE,
        default_source="Thông tư 36/2018/TT-BTC; nghị quyết của HĐND tỉnh về định mức chi đào tạo, bồi dưỡng",
        description=_("Chi phí một học viên theo loại khóa, dùng khi khóa học chưa ghi chi phí riêng. Tỉnh nhập theo nghị quyết của HĐND tỉnh."))
declare("planning.training.courses_per_person", ValueType.INTEGER, _("Số khóa tối đa của một người trong năm"), unit="count",
        default_source="Nghị định 171/2025/NĐ-CP, Điều 2 (đào tạo theo vị trí việc làm, kế hoạch của cơ quan)", minimum=Decimal(1),
        maximum=Decimal(10), scopes=NATIONAL_PROVINCE)
declare("planning.training.priority", ValueType.TABLE, _("Trọng số ưu tiên trong kế hoạch đào tạo"), unit="table", schema=table(Priority),
        scopes=NATIONAL_PROVINCE, default_source="Nghị định 171/2025/NĐ-CP, Điều 2; Quy định 377-QĐ/TW (đào tạo theo quy hoạch)",
        description=_("Mỗi thiếu hụt tiêu chuẩn được khép lại có giá trị bằng trọng số của người: người trong quy hoạch, lãnh đạo, người khác."))


# ---------------------------------------------------------------- postgraduate training (Decree 171/2025 Ch. II; Decree 101/2017 before)
class PostgradConditions(TableModel):
    min_service_years: int = Field(ge=0, le=20, title=gettext_noop("Thời gian công tác tối thiểu (năm)"))
    good_years: int = Field(ge=0, le=10, title=gettext_noop("Số năm liên tục liền kề xếp loại hoàn thành tốt trở lên"))
    max_age: int = Field(ge=20, le=65, title=gettext_noop("Tuổi tối đa khi được cử đi đào tạo sau đại học lần đầu"))
    commitment_multiple: int = Field(ge=1, le=10, title=gettext_noop("Thời gian cam kết phục vụ (số lần thời gian đào tạo)"))


declare("planning.postgrad.conditions", ValueType.TABLE, _("Điều kiện cử đi đào tạo sau đại học và thời gian cam kết phục vụ"), unit="table",
        schema=table(PostgradConditions), scopes=("national",),
        default_source="Nghị định 171/2025/NĐ-CP (từ 01/7/2025); Nghị định 101/2017/NĐ-CP (trước đó)",
        description=_("Công chức được cử đi đào tạo sau đại học phải đủ thời gian công tác, có các năm liền kề xếp loại hoàn thành tốt nhiệm vụ "
                      "trở lên, không quá tuổi tối đa khi bắt đầu khóa học, chuyên ngành phù hợp vị trí việc làm; cam kết phục vụ ít nhất "
                      "số lần thời gian đào tạo."))


# ---------------------------------------------------------------- leaving payments after the 2025 merger (Decree 178/2024, amended by Decree 67/2025)
class EarlyRetirement(TableModel):
    min_months_early: int = Field(ge=0, le=120, title=gettext_noop("Nghỉ sớm tối thiểu (tháng)"))
    max_months_early: int = Field(ge=0, le=120, title=gettext_noop("Nghỉ sớm tối đa (tháng)"))
    first_window_months: int = Field(ge=0, le=60, title=gettext_noop("Thời hạn đầu kể từ quyết định sắp xếp (tháng)"))
    factor_first: Decimal = Field(ge=0, le=10, title=gettext_noop("Trợ cấp mỗi tháng nghỉ sớm, nghỉ trong thời hạn đầu (tháng lương)"))
    factor_later: Decimal = Field(ge=0, le=10, title=gettext_noop("Trợ cấp mỗi tháng nghỉ sớm, nghỉ sau thời hạn đầu (tháng lương)"))
    months_per_year_early: Decimal = Field(ge=0, le=24, title=gettext_noop("Trợ cấp mỗi năm nghỉ sớm (tháng lương)"))
    base_si_years: int = Field(ge=0, le=40, title=gettext_noop("Số năm đóng bảo hiểm xã hội đầu tiên (năm)"))
    base_months: Decimal = Field(ge=0, le=24, title=gettext_noop("Trợ cấp cho số năm đóng bảo hiểm đầu tiên (tháng lương)"))
    months_per_extra_year: Decimal = Field(ge=0, le=12, title=gettext_noop("Trợ cấp mỗi năm đóng bảo hiểm còn lại (tháng lương)"))
    half_year_max_odd_months: int = Field(ge=0, le=11, title=gettext_noop("Số tháng lẻ tối đa tính là nửa năm"))


class Resignation(TableModel):
    first_window_months: int = Field(ge=0, le=60, title=gettext_noop("Thời hạn đầu kể từ quyết định sắp xếp (tháng)"))
    factor_first: Decimal = Field(ge=0, le=10, title=gettext_noop("Trợ cấp mỗi tháng đến tuổi nghỉ hưu, nghỉ trong thời hạn đầu (tháng lương)"))
    factor_later: Decimal = Field(ge=0, le=10, title=gettext_noop("Trợ cấp mỗi tháng đến tuổi nghỉ hưu, nghỉ sau thời hạn đầu (tháng lương)"))
    max_months: int = Field(ge=0, le=120, title=gettext_noop("Số tháng tính trợ cấp tối đa"))
    months_per_si_year: Decimal = Field(ge=0, le=12, title=gettext_noop("Trợ cấp mỗi năm đóng bảo hiểm xã hội (tháng lương)"))
    job_search_months: Decimal = Field(ge=0, le=24, title=gettext_noop("Trợ cấp tìm việc làm (tháng lương)"))
    half_year_max_odd_months: int = Field(ge=0, le=11, title=gettext_noop("Số tháng lẻ tối đa tính là nửa năm"))


ND178 = "Nghị định 178/2024/NĐ-CP, sửa đổi, bổ sung bởi Nghị định 67/2025/NĐ-CP"
declare("planning.leaving.early_retirement", ValueType.TABLE, _("Chính sách nghỉ hưu trước tuổi khi sắp xếp tổ chức bộ máy"), unit="table",
        schema=table(EarlyRetirement), scopes=("national",), default_source=ND178,
        description=_("Nghỉ hưu trước tuổi trong khoảng số tháng nghỉ sớm quy định: trợ cấp một lần cho số tháng nghỉ sớm (hệ số theo thời điểm "
                      "nghỉ kể từ quyết định sắp xếp), trợ cấp theo số năm nghỉ sớm và theo số năm đóng bảo hiểm xã hội."))
declare("planning.leaving.resignation", ValueType.TABLE, _("Chính sách nghỉ thôi việc khi sắp xếp tổ chức bộ máy"), unit="table",
        schema=table(Resignation), scopes=("national",), default_source=ND178,
        description=_("Nghỉ thôi việc: trợ cấp theo số tháng đến tuổi nghỉ hưu (tối đa), theo số năm đóng bảo hiểm xã hội và trợ cấp tìm việc làm."))


class MandatoryProgrammes(TableModel):
    positions: dict[str, list[str]] = Field(title=gettext_noop("Chương trình bồi dưỡng bắt buộc theo chức danh (mã chức danh → mã chương trình)"))


class TransitionPriority(TableModel):
    deadline: dt.date = Field(title=gettext_noop("Hạn chuẩn hóa tiêu chuẩn"))
    window_months: int = Field(ge=0, le=120, title=gettext_noop("Ưu tiên trong số tháng trước hạn"))
    bonus: int = Field(ge=0, le=100, title=gettext_noop("Trọng số cộng thêm"))


declare("planning.training.mandatory_programmes", ValueType.TABLE, _("Chương trình bồi dưỡng bắt buộc theo chức danh"), unit="table",
        schema=table(MandatoryProgrammes), scopes=NATIONAL_PROVINCE,
        default_source="Nghị định 171/2025/NĐ-CP (chương trình bồi dưỡng lãnh đạo, quản lý cấp phòng và tương đương: 4 tuần)",
        description=_("Người giữ hoặc được quy hoạch vào chức danh chưa học chương trình bắt buộc của chức danh có nhu cầu đào tạo; "
                      "học xong, hồ sơ ghi nhận và nhu cầu được khép lại."))
declare("planning.training.transition_priority", ValueType.TABLE, _("Ưu tiên người sắp hết hạn chuẩn hóa tiêu chuẩn"), unit="table",
        schema=table(TransitionPriority), scopes=NATIONAL_PROVINCE,
        default_source="Nghị định 33/2023/NĐ-CP (cán bộ, công chức chưa đạt chuẩn có 5 năm, đến 01/8/2028)",
        description=_("Thiếu hụt tiêu chuẩn của chức danh đang giữ được cộng trọng số khi năm kế hoạch bắt đầu trong số tháng này trước hạn "
                      "chuẩn hóa: người sắp hết hạn được ưu tiên."))


class ScienceFields(TableModel):
    fields: list[str] = Field(title=gettext_noop("Chuyên ngành được tính là khoa học, công nghệ (mã chuyên ngành)"))


declare("planning.structure.science_fields", ValueType.TABLE, _("Chuyên ngành khoa học, công nghệ trong cơ cấu quy hoạch"), unit="table",
        schema=table(ScienceFields), scopes=NATIONAL_PROVINCE, default_source="Quy định 377-QĐ/TW (cơ cấu: cán bộ có trình độ khoa học, công nghệ)",
        description=_("Người có bằng chuyên môn thuộc các chuyên ngành này được tính vào tỷ lệ cán bộ khoa học, công nghệ của danh sách quy hoạch."))
declare("planning.structure.science_target", ValueType.PERCENT, _("Tỷ lệ cán bộ khoa học, công nghệ trong quy hoạch (mục tiêu)"),
        unit="percent", default_source="Quy định 377-QĐ/TW: tỷ lệ hợp lý (tỉnh quy định)", minimum=Decimal(0), maximum=Decimal(100),
        scopes=NATIONAL_PROVINCE)
