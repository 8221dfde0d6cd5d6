"""Rule keys of the workforce module (values: workforce/data/rules.json).

Standards are looked up per kind of staff and per position, quotas per commune type, evaluation
rules per year (the value in force on 1 January of the evaluated year), the retirement roadmap
nationally. Which standards apply to a kind of staff on a date is itself a rule
(``workforce.standards.regime.<kind>``): commune civil servants left Decree 33/2023's titles for job
positions (vị trí việc làm) on 1/7/2025 (Decree 170/2025/NĐ-CP).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pydantic import Field, field_validator, model_validator

from coso.rules.registry import ValueType, declare
from coso.rules.tables import TableModel, table
from coso.workforce.rules import DEGREE_FIELDS, LEVEL_LABELS, LEVELS, offices

IMPACT = "coso.workforce.selectors.rule_change_impact"
NATIONAL = ("national",)
NATIONAL_PROVINCE = ("national", "province")


# ---------------------------------------------------------------------------- schemas
def _check_code(key: str, value: str | None) -> str | None:
    if value is not None and value not in LEVELS[key]:
        raise ValueError(_g("“%(code)s” không có trong danh mục (%(codes)s)") % {"code": value, "codes": ", ".join(LEVELS[key])})
    return value


class Standard(TableModel):
    """What a kind of staff or a position requires; a level left empty is not required."""

    age_min: int | None = Field(None, ge=15, le=70, title=gettext_noop("Tuổi tối thiểu"))
    general_education: str | None = Field(None, title=gettext_noop("Giáo dục phổ thông"))
    degree_level: str | None = Field(None, title=gettext_noop("Trình độ chuyên môn"))
    degree_fields: list[str] | None = Field(None, title=gettext_noop("Chuyên ngành phù hợp"))
    political_theory: str | None = Field(None, title=gettext_noop("Lý luận chính trị"))
    state_management: str | None = Field(None, title=gettext_noop("Quản lý nhà nước"))
    it: str | None = Field(None, title=gettext_noop("Tin học"))
    foreign_language: str | None = Field(None, title=gettext_noop("Ngoại ngữ"))
    difficult_area_exempt: bool = Field(False, title=gettext_noop("Không áp dụng mức hạ chuẩn ở vùng khó khăn"))

    @field_validator("general_education", "degree_level", "political_theory", "state_management", "it", "foreign_language")
    @classmethod
    def _level(cls, value: str | None, info: Any) -> str | None:
        return _check_code(info.field_name, value)

    @field_validator("degree_fields")
    @classmethod
    def _fields(cls, value: list[str] | None) -> list[str] | None:
        for code in value or []:
            if code not in DEGREE_FIELDS:
                raise ValueError(_g("chuyên ngành “%(code)s” không có trong danh mục (%(codes)s)") % {"code": code, "codes": ", ".join(DEGREE_FIELDS)})
        return value


class JobPositionStandard(Standard):
    """The standard of a job position (vị trí việc làm); a province's own position also gives its name and office."""

    name: str | None = Field(None, max_length=200, title=gettext_noop("Tên vị trí việc làm"))
    office: str | None = Field(None, title=gettext_noop("Cơ quan, bộ phận"))

    @field_validator("office")
    @classmethod
    def _office(cls, value: str | None) -> str | None:
        if value and value not in offices():
            raise ValueError(_g("cơ quan “%(code)s” không có trong danh mục (%(codes)s)") % {"code": value, "codes": ", ".join(offices())})
        return value


class RoadmapGender(TableModel):
    before_months: int = Field(ge=40 * 12, le=75 * 12, title=gettext_noop("Tuổi nghỉ hưu trước lộ trình (tháng)"))
    start_year: int = Field(ge=1990, le=2100, title=gettext_noop("Năm bắt đầu lộ trình"))
    start_age_months: int = Field(ge=40 * 12, le=75 * 12, title=gettext_noop("Tuổi nghỉ hưu năm bắt đầu lộ trình (tháng)"))
    step_months: int = Field(ge=0, le=24, title=gettext_noop("Mức tăng mỗi năm (tháng)"))
    cap_months: int = Field(ge=40 * 12, le=75 * 12, title=gettext_noop("Tuổi nghỉ hưu cuối lộ trình (tháng)"))

    @model_validator(mode="after")
    def _order(self) -> RoadmapGender:
        if not self.before_months <= self.start_age_months <= self.cap_months:
            raise ValueError(_g("tuổi trước lộ trình ≤ tuổi năm bắt đầu ≤ tuổi cuối lộ trình"))
        return self


class RetirementRoadmap(TableModel):
    male: RoadmapGender = Field(title=gettext_noop("Lao động nam"))
    female: RoadmapGender = Field(title=gettext_noop("Lao động nữ"))


class ByClass(TableModel):
    I: int = Field(ge=0, le=500, title=gettext_noop("Loại I"))  # noqa: E741 -- the class names of Decree 33
    II: int = Field(ge=0, le=500, title=gettext_noop("Loại II"))
    III: int = Field(ge=0, le=500, title=gettext_noop("Loại III"))


class ByFamily(TableModel):
    phuong: ByClass = Field(title=gettext_noop("Phường"))
    xa: ByClass = Field(title=gettext_noop("Xã, thị trấn"))


class PopulationStep(TableModel):
    phuong_thuoc_quan: float = Field(gt=0, le=1, title=gettext_noop("Phường thuộc quận"))
    other: float = Field(gt=0, le=1, title=gettext_noop("Đơn vị khác"))


class Decree33Quota(TableModel):
    base: ByFamily = Field(title=gettext_noop("Số cán bộ, công chức theo loại đơn vị"))
    population_step: PopulationStep = Field(title=gettext_noop("Phần dân số vượt chuẩn để thêm 1 công chức (tỷ lệ của quy mô chuẩn)"))
    area_step: float = Field(gt=0, le=10, title=gettext_noop("Phần diện tích vượt chuẩn để thêm 1 công chức (tỷ lệ của diện tích chuẩn)"))
    part_time_max: ByClass = Field(title=gettext_noop("Số người hoạt động không chuyên trách tối đa"))


class FamilyNumber(TableModel):
    phuong: float = Field(gt=0, title=gettext_noop("Phường"))
    xa: float = Field(gt=0, title=gettext_noop("Xã, thị trấn"))


class UnitStandards(TableModel):
    population_standard: FamilyNumber = Field(title=gettext_noop("Quy mô dân số chuẩn (người)"))
    area_standard_km2: FamilyNumber = Field(title=gettext_noop("Diện tích tự nhiên chuẩn (km²)"))


class OfficeQuota(TableModel):
    offices: dict[str, int] = Field(title=gettext_noop("Biên chế theo cơ quan, bộ phận"))

    @field_validator("offices")
    @classmethod
    def _known(cls, value: dict[str, int]) -> dict[str, int]:
        for code, number in value.items():
            if code not in offices():
                raise ValueError(_g("cơ quan “%(code)s” không có trong danh mục (%(codes)s)") % {"code": code, "codes": ", ".join(offices())})
            if number < 0 or number > 500:
                raise ValueError(_g("biên chế của “%(code)s” phải từ 0 đến 500") % {"code": code})
        return value


class EvaluationPoints(TableModel):
    general_max: int = Field(ge=0, le=100, title=gettext_noop("Điểm tối đa tiêu chí chung"))
    task_max: int = Field(ge=0, le=100, title=gettext_noop("Điểm tối đa kết quả thực hiện nhiệm vụ"))

    @model_validator(mode="after")
    def _sum(self) -> EvaluationPoints:
        if self.general_max + self.task_max != 100:
            raise ValueError(_g("tổng điểm tối đa của hai phần phải bằng 100"))
        return self


class EvaluationThresholds(TableModel):
    xuat_sac: float = Field(ge=0, le=100, title=gettext_noop("Hoàn thành xuất sắc nhiệm vụ (từ … điểm)"))
    tot: float = Field(ge=0, le=100, title=gettext_noop("Hoàn thành tốt nhiệm vụ (từ … điểm)"))
    hoan_thanh: float = Field(ge=0, le=100, title=gettext_noop("Hoàn thành nhiệm vụ (từ … điểm)"))

    @model_validator(mode="after")
    def _order(self) -> EvaluationThresholds:
        if not self.xuat_sac > self.tot > self.hoan_thanh:
            raise ValueError(_g("ngưỡng xuất sắc > ngưỡng tốt > ngưỡng hoàn thành"))
        return self


# ---------------------------------------------------------------------------- declarations
LABOUR_CODE = "Bộ luật Lao động 2019, Điều 169; Nghị định 135/2020/NĐ-CP, Điều 4 và Phụ lục I"
DECREE_33 = "Nghị định 33/2023/NĐ-CP"
DECREE_335 = "Nghị định 335/2025/NĐ-CP"
STANDARD_REGIMES = (("nd33", _("Chức danh, chức vụ theo Nghị định 33/2023/NĐ-CP")),
                    ("job_position", _("Vị trí việc làm (Luật Cán bộ, công chức 80/2025/QH15; Nghị định 361/2025/NĐ-CP)")))
EVALUATION_REGIMES = (("nd90", _("Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định 48/2023/NĐ-CP): xếp loại theo tiêu chí")),
                      ("nd335", _("Nghị định 335/2025/NĐ-CP: thang điểm 100")))

declare("workforce.retirement.roadmap", ValueType.TABLE, _("Lộ trình tuổi nghỉ hưu"), unit="table", scopes=NATIONAL,
        schema=table(RetirementRoadmap), impact=IMPACT, default_source=LABOUR_CODE,
        description=_("Tuổi nghỉ hưu trong điều kiện lao động bình thường theo năm đạt tuổi: tuổi năm bắt đầu lộ trình, mỗi năm tăng thêm "
                      "một số tháng đến tuổi cuối lộ trình; ai đủ tuổi trước năm bắt đầu nghỉ theo tuổi trước lộ trình. Thời điểm nghỉ hưu là "
                      "hết ngày cuối cùng của tháng đủ tuổi; rà soát “nghỉ hưu trong 1/3/5 năm” tính từ đây."))

declare("workforce.standards.regime.*", ValueType.CHOICE, _("Căn cứ tiêu chuẩn theo loại cán bộ"), scopes=NATIONAL, choices=STANDARD_REGIMES,
        impact=IMPACT, default_source="Nghị định 170/2025/NĐ-CP",
        description=_("Loại cán bộ (cadre, civil_servant, commune_part_time, village_part_time) được rà soát theo tiêu chuẩn chức danh của "
                      "Nghị định 33/2023 hay theo tiêu chuẩn vị trí việc làm. Từ 1/7/2025 Nghị định 170/2025 bãi bỏ các quy định về công chức "
                      "cấp xã của Nghị định 33/2023."))
declare("workforce.standards.kind.*", ValueType.TABLE, _("Tiêu chuẩn chung theo loại cán bộ"), unit="table", scopes=NATIONAL_PROVINCE,
        schema=table(Standard), impact=IMPACT, default_source=DECREE_33,
        description=_("Tiêu chuẩn mọi người thuộc loại (mã loại ở cuối khoá) phải đạt: tuổi, giáo dục phổ thông, trình độ chuyên môn, lý "
                      "luận chính trị, quản lý nhà nước, tin học, ngoại ngữ. Tiêu chuẩn của chức danh hoặc vị trí việc làm bổ sung lên trên. "
                      "Tỉnh quy định chi tiết nhưng không thấp hơn quy định chung."))
declare("workforce.standards.position.*", ValueType.TABLE, _("Tiêu chuẩn chức danh, chức vụ (Nghị định 33/2023)"), unit="table",
        scopes=NATIONAL_PROVINCE, schema=table(Standard), impact=IMPACT, default_source=DECREE_33,
        description=_("Tiêu chuẩn riêng của một chức danh công chức cấp xã hoặc chức vụ cán bộ (mã ở cuối khoá), bổ sung lên tiêu chuẩn chung "
                      "của loại cán bộ. Chỉ áp dụng khi loại cán bộ được rà soát theo Nghị định 33/2023."))
declare("workforce.standards.job_position.*", ValueType.TABLE, _("Tiêu chuẩn vị trí việc làm"), unit="table",
        schema=table(JobPositionStandard), impact=IMPACT, default_source="Nghị định 361/2025/NĐ-CP; quyết định phê duyệt vị trí việc làm của tỉnh",
        description=_("Tiêu chuẩn của một vị trí việc làm công chức cấp xã (mã ở cuối khoá), theo bản mô tả công việc và khung năng lực "
                      "được phê duyệt (tỉnh phê duyệt chậm nhất 1/7/2026; bố trí xong chậm nhất 1/7/2027). Tỉnh hoặc từng xã nhập tiêu chuẩn "
                      "của mình từ ngày quyết định có hiệu lực; vị trí mới của tỉnh ghi thêm tên và cơ quan. Công chức chưa được bố trí vào "
                      "vị trí việc làm chỉ được rà soát theo tiêu chuẩn chung."))
declare("workforce.standards.difficult_area_degree_level", ValueType.CHOICE, _("Trình độ chuyên môn tối thiểu ở vùng khó khăn"),
        scopes=NATIONAL_PROVINCE, choices=(("", _("Không hạ chuẩn")), *LEVEL_LABELS["degree_level"].items()),
        impact=IMPACT, default_source=f"{DECREE_33}, Điều 10 khoản 3",
        description=_("Ở xã miền núi, vùng cao, biên giới, hải đảo, vùng dân tộc thiểu số, đặc biệt khó khăn, yêu cầu trình độ chuyên môn "
                      "được hạ xuống mức này (trừ chức danh ghi “không áp dụng mức hạ chuẩn”)."))

declare("workforce.quota.decree33", ValueType.TABLE, _("Số lượng cán bộ, công chức cấp xã (Nghị định 33/2023)"), unit="table",
        scopes=NATIONAL_PROVINCE, schema=table(Decree33Quota), impact=IMPACT, default_source=f"{DECREE_33}, Điều 6 và Điều 33",
        description=_("Số cán bộ, công chức theo loại đơn vị hành chính và phân loại I/II/III, cộng thêm theo phần dân số và diện tích "
                      "vượt chuẩn; số người hoạt động không chuyên trách tối đa. Chỉ áp dụng cho thời gian trước 1/7/2025."))
declare("workforce.quota.unit_standards", ValueType.TABLE, _("Quy mô dân số và diện tích chuẩn của xã, phường"), unit="table",
        scopes=NATIONAL_PROVINCE, schema=table(UnitStandards),
        impact=IMPACT, default_source="Nghị quyết 1211/2016/UBTVQH13, sửa đổi bởi Nghị quyết 27/2022/UBTVQH15",
        description=_("Chuẩn dân số và diện tích tự nhiên dùng để tính số công chức tăng thêm theo Nghị định 33/2023 Điều 6. Tỉnh miền núi, "
                      "vùng cao đặt chuẩn của vùng mình."))
declare("workforce.quota.offices", ValueType.TABLE, _("Biên chế mặc định theo cơ quan, bộ phận cấp xã"), unit="table",
        scopes=NATIONAL_PROVINCE, schema=table(OfficeQuota), impact=IMPACT, default_source="Công văn 09/CV-BCĐ (định hướng khoảng 32 biên chế mỗi xã)",
        description=_("Số biên chế của mỗi cơ quan, bộ phận dùng khi tỉnh chưa giao biên chế cho xã (biên chế tỉnh giao cho từng xã được "
                      "nhập ở danh sách biên chế và luôn được ưu tiên)."))

declare("workforce.evaluation.regime.*", ValueType.CHOICE, _("Căn cứ đánh giá, xếp loại chất lượng theo loại cán bộ"), scopes=NATIONAL,
        choices=EVALUATION_REGIMES, impact=IMPACT, default_source=DECREE_335,
        description=_("Cán bộ hoặc công chức (mã loại ở cuối khoá) được đánh giá theo bốn mức tiêu chí (Nghị định 90/2020, 48/2023) hay theo "
                      "thang điểm 100 (Nghị định 335/2025). Áp dụng theo năm đánh giá: giá trị có hiệu lực ngày 1/1 của năm."))
declare("workforce.evaluation.points", ValueType.TABLE, _("Điểm tối đa của tiêu chí chung và kết quả thực hiện nhiệm vụ"), unit="table",
        scopes=NATIONAL, schema=table(EvaluationPoints), impact=IMPACT, default_source=DECREE_335,
        description=_("Thang điểm 100: tiêu chí chung và kết quả thực hiện nhiệm vụ (theo năm đánh giá, giá trị ngày 1/1)."))
declare("workforce.evaluation.thresholds", ValueType.TABLE, _("Ngưỡng điểm xếp loại"), unit="table", scopes=NATIONAL,
        schema=table(EvaluationThresholds), impact=IMPACT, default_source=DECREE_335,
        description=_("Điểm tối thiểu của các mức hoàn thành xuất sắc, hoàn thành tốt, hoàn thành nhiệm vụ; dưới ngưỡng hoàn thành là không "
                      "hoàn thành nhiệm vụ (theo năm đánh giá, giá trị ngày 1/1)."))
declare("workforce.evaluation.penalty_per_event", ValueType.PERCENT, _("Mức trừ điểm mỗi lần không đạt chất lượng hoặc chậm tiến độ"),
        scopes=NATIONAL, impact=IMPACT, default_source=DECREE_335, minimum=Decimal(0), maximum=Decimal(100),
        description=_("Phần điểm của sản phẩm, công việc bị trừ cho mỗi lần không đạt yêu cầu chất lượng và mỗi lần chậm tiến độ, không âm "
                      "(theo năm đánh giá, giá trị ngày 1/1)."))
declare("workforce.evaluation.excellent_quota.*", ValueType.PERCENT, _("Tỷ lệ “Hoàn thành xuất sắc nhiệm vụ” tối đa"),
        scopes=NATIONAL_PROVINCE, impact=IMPACT, default_source=DECREE_335, minimum=Decimal(0), maximum=Decimal(100),
        description=_("Số người xếp loại “Hoàn thành xuất sắc nhiệm vụ” của một cơ quan không vượt quá tỷ lệ này của số người “Hoàn thành "
                      "tốt nhiệm vụ”, tính riêng cho mỗi căn cứ đánh giá (mã ở cuối khoá: nd90, nd335). Theo năm đánh giá, giá trị ngày 1/1."))
declare("workforce.retirement.notice_months", ValueType.INTEGER, _("Thông báo nghỉ hưu trước"), unit="months", minimum=Decimal(1), maximum=Decimal(24),
        default_source="Luật Cán bộ, công chức 2008, Điều 60; Nghị định 135/2020/NĐ-CP",
        description=_("Số tháng trước ngày nghỉ hưu mà cơ quan thông báo cho người sắp nghỉ hưu và chuẩn bị người thay thế."))

declare("workforce.register.min_age", ValueType.INTEGER, _("Tuổi tối thiểu của người trong danh sách cán bộ, công chức"), unit="years",
        scopes=NATIONAL, default_source="Luật Cán bộ, công chức (điều kiện đăng ký dự tuyển: đủ 18 tuổi trở lên)", minimum=Decimal(15),
        maximum=Decimal(30), description=_("Sửa hồ sơ: ngày sinh cho tuổi dưới mức này bị từ chối."))
declare("workforce.register.max_age", ValueType.INTEGER, _("Tuổi tối đa chấp nhận khi sửa hồ sơ"), unit="years", scopes=NATIONAL,
        default_source="Giới hạn kiểm tra dữ liệu của Coso (không phải quy định pháp luật)", minimum=Decimal(60), maximum=Decimal(100),
        description=_("Ngày sinh cho tuổi cao hơn mức này được coi là nhập sai."))
