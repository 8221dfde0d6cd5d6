"""Rule keys of the funding module and the base salary (values: funding/data/rules.json).

Money is in đồng; a coefficient ("coef") multiplies the base salary per month. Families (``.*``) hold one key
per organisation kind and commune class (``funding.org.mttq.I``), per special association
(``funding.association.khuyen_hoc``), per commune class (``funding.commune_pt.coef.II``) and per village
title and tier (``funding.village.position.bi_thu.high``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pydantic import Field

from coso.accounts.roles import Role
from coso.rules.registry import ValueType, declare
from coso.rules.tables import TableModel, table

DECREE_33 = "Nghị định 33/2023/NĐ-CP, Điều 34"
DECREE_73 = "Nghị định 73/2024/NĐ-CP, Điều 3"
TT_121 = "Thông tư 121/2017/TT-BTC"
PROVINCE_HDND = "Nghị quyết của HĐND tỉnh"
NATIONAL = ("national",)
COEF_MAX = Decimal(100)
MONEY_MAX = Decimal(10_000_000_000)


# Province finance departments set the funding norms with the province's administrators.
EDITORS = frozenset({Role.PROVINCE_FINANCE, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})


def _declare(key: str, type: ValueType, label: Any, **kwargs: Any) -> Any:  # noqa: A002 -- as coso.rules.registry.declare
    kwargs.setdefault("editors", EDITORS)
    kwargs.setdefault("impact", "coso.funding.selectors.rule_change_impact")
    return declare(key, type, label, **kwargs)


class VillageTitle(TableModel):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$", title=gettext_noop("Mã chức danh"))
    label: str = Field(min_length=1, max_length=200, title=gettext_noop("Tên chức danh"))
    coef_high: Decimal = Field(ge=0, le=20, title=gettext_noop("Hệ số ở thôn, tổ dân phố mức cao (× lương cơ sở/tháng)"))
    coef_low: Decimal = Field(ge=0, le=20, title=gettext_noop("Hệ số ở thôn, tổ dân phố mức thường (× lương cơ sở/tháng)"))


# A list of titles, each checked with Vietnamese messages (built at run time: the element type is a validator).
TITLES_SCHEMA: Any = list.__class_getitem__(table(VillageTitle))


declare(
    "salary.base",
    ValueType.MONEY,
    _("Mức lương cơ sở"),
    unit="vnd_month",
    scopes=NATIONAL,
    default_source=DECREE_73,
    description=_("Mức lương cơ sở do Chính phủ quy định; mọi khoản tính theo hệ số × lương cơ sở dùng mức của tháng được tính."),
    minimum=Decimal(1),
    maximum=Decimal(100_000_000),
)

# ----------------------------------------------------------------------------- commune part-time workers
_declare(
    "funding.commune_pt.coef.*",
    ValueType.DECIMAL,
    _("Quỹ phụ cấp người hoạt động không chuyên trách cấp xã theo loại xã"),
    unit="coef",
    default_source=DECREE_33,
    minimum=Decimal(0),
    maximum=COEF_MAX,
    description=_("Quỹ phụ cấp hằng tháng của xã, tính bằng hệ số × lương cơ sở, theo loại đơn vị hành chính (I, II, III)."),
    members="coso.funding.rule_keys.commune_classes",
)
_declare(
    "funding.commune_pt.extra_worker_coef",
    ValueType.DECIMAL,
    _("Quỹ tăng thêm cho mỗi người hoạt động không chuyên trách cấp xã tăng thêm"),
    unit="coef",
    default_source=DECREE_33,
    minimum=Decimal(0),
    maximum=COEF_MAX,
    description=_("Xã được bố trí thêm người hoạt động không chuyên trách thì quỹ tăng thêm hệ số này cho mỗi người."),
)
_declare(
    "funding.commune_pt.position.default",
    ValueType.DECIMAL,
    _("Hệ số phân phối mặc định cho một người hoạt động không chuyên trách cấp xã"),
    unit="coef",
    default_source=PROVINCE_HDND,
    minimum=Decimal(0),
    maximum=Decimal(20),
    description=_("Hệ số dùng khi phân phối quỹ của xã mà không ghi hệ số riêng cho người hưởng."),
)

# ----------------------------------------------------------------------------- villages (thôn, tổ dân phố)
_declare(
    "funding.village.coef.high",
    ValueType.DECIMAL,
    _("Quỹ phụ cấp thôn, tổ dân phố mức cao"),
    unit="coef",
    default_source=DECREE_33,
    minimum=Decimal(0),
    maximum=COEF_MAX,
    description=_("Thôn từ 350 hộ, tổ dân phố từ 500 hộ, thôn/tổ ở xã biên giới, hải đảo, trọng điểm an ninh trật tự, thôn chuyển thành tổ dân phố."),
)
_declare(
    "funding.village.coef.low",
    ValueType.DECIMAL,
    _("Quỹ phụ cấp thôn, tổ dân phố mức thường"),
    unit="coef",
    default_source=DECREE_33,
    minimum=Decimal(0),
    maximum=COEF_MAX,
    description=_("Các thôn, tổ dân phố còn lại."),
)
_declare(
    "funding.village.threshold.thon",
    ValueType.INTEGER,
    _("Số hộ để thôn (ấp, bản) hưởng mức cao"),
    unit="households",
    default_source=DECREE_33,
    minimum=Decimal(1),
    maximum=Decimal(100_000),
)
_declare(
    "funding.village.threshold.tdp",
    ValueType.INTEGER,
    _("Số hộ để tổ dân phố (khu phố) hưởng mức cao"),
    unit="households",
    default_source=DECREE_33,
    minimum=Decimal(1),
    maximum=Decimal(100_000),
)
_declare(
    "funding.village.max_positions",
    ValueType.INTEGER,
    _("Số chức danh hưởng phụ cấp tối đa ở thôn, tổ dân phố"),
    unit="count",
    default_source=DECREE_33,
    minimum=Decimal(0),
    maximum=Decimal(20),
)
_declare(
    "funding.village.titles",
    ValueType.TABLE,
    _("Chức danh hưởng phụ cấp ở thôn, tổ dân phố và hệ số từng chức danh"),
    unit="table",
    default_source=PROVINCE_HDND,
    schema=TITLES_SCHEMA,
    description=_(
        "Khi tỉnh quy định phụ cấp theo từng chức danh (hệ số × lương cơ sở mỗi người/tháng) thay cho quỹ khoán của thôn, "
        "kinh phí của thôn là tổng phụ cấp các chức danh này. Danh sách rỗng: dùng quỹ khoán (mức cao/mức thường)."
    ),
)
_declare(
    "funding.village.position.*",
    ValueType.DECIMAL,
    _("Hệ số phân phối quỹ thôn cho từng chức danh"),
    unit="coef",
    default_source=PROVINCE_HDND,
    minimum=Decimal(0),
    maximum=Decimal(20),
    description=_(
        "Hệ số mặc định khi chia quỹ phụ cấp của thôn cho Bí thư chi bộ, Trưởng thôn/Tổ trưởng, Trưởng Ban công tác Mặt trận (mức cao/mức thường)."
    ),    members="coso.funding.rule_keys.village_position_members",
)
_declare(
    "funding.village.activist.coef",
    ValueType.DECIMAL,
    _("Hỗ trợ mỗi người trực tiếp tham gia hoạt động ở thôn, tổ dân phố"),
    unit="coef",
    default_source=PROVINCE_HDND,
    minimum=Decimal(0),
    maximum=Decimal(20),
    description=_("Mức hỗ trợ hằng tháng cho mỗi người trực tiếp tham gia hoạt động ở thôn, tổ dân phố (ngoài các chức danh hưởng phụ cấp)."),
)
_declare(
    "funding.village.activist.count",
    ValueType.INTEGER,
    _("Số người trực tiếp tham gia hoạt động được hỗ trợ ở mỗi thôn, tổ dân phố"),
    unit="people",
    default_source=PROVINCE_HDND,
    minimum=Decimal(0),
    maximum=Decimal(50),
    description=_("Số người tối đa được tính kinh phí hỗ trợ ở mỗi thôn, tổ dân phố."),
)

# ----------------------------------------------------------------------------- Front, organisations, associations
_declare(
    "funding.mttq_campaign.commune",
    ValueType.MONEY,
    _("Kinh phí Cuộc vận động “Toàn dân đoàn kết…” của UB MTTQ cấp xã"),
    unit="vnd_year",
    default_source=TT_121,
    minimum=Decimal(0),
    maximum=MONEY_MAX,
)
_declare(
    "funding.mttq_campaign.commune_difficult",
    ValueType.MONEY,
    _("Kinh phí Cuộc vận động của UB MTTQ xã vùng khó khăn"),
    unit="vnd_year",
    default_source=TT_121,
    minimum=Decimal(0),
    maximum=MONEY_MAX,
)
_declare(
    "funding.ctmt.base",
    ValueType.MONEY,
    _("Kinh phí Ban công tác Mặt trận khu dân cư (mức cơ bản)"),
    unit="vnd_year",
    default_source=TT_121,
    minimum=Decimal(0),
    maximum=MONEY_MAX,
)
_declare(
    "funding.ctmt.threshold",
    ValueType.INTEGER,
    _("Số hộ của khu dân cư từ đó được cộng thêm"),
    unit="households",
    default_source=TT_121,
    minimum=Decimal(1),
    maximum=Decimal(100_000),
)
_declare(
    "funding.ctmt.step_households",
    ValueType.INTEGER,
    _("Số hộ tăng thêm cho mỗi bậc cộng thêm"),
    unit="households",
    default_source=TT_121,
    minimum=Decimal(1),
    maximum=Decimal(100_000),
)
_declare(
    "funding.ctmt.step_amount",
    ValueType.MONEY,
    _("Mức cộng thêm mỗi bậc cho Ban công tác Mặt trận"),
    unit="vnd_year",
    default_source=TT_121,
    minimum=Decimal(0),
    maximum=MONEY_MAX,
)
_declare(
    "funding.ctmt.difficult_addon",
    ValueType.MONEY,
    _("Cộng thêm cho Ban công tác Mặt trận ở xã vùng khó khăn"),
    unit="vnd_year",
    default_source=TT_121,
    minimum=Decimal(0),
    maximum=MONEY_MAX,
)
_declare(
    "funding.org.*",
    ValueType.MONEY,
    _("Khoán kinh phí hoạt động của UB MTTQ và tổ chức chính trị - xã hội cấp xã"),
    unit="vnd_year",
    default_source=PROVINCE_HDND,
    minimum=Decimal(0),
    maximum=MONEY_MAX,
    description=_("Một mã cho mỗi tổ chức và loại xã, ví dụ funding.org.mttq.I."),
    members="coso.funding.rule_keys.org_members",
)
_declare(
    "funding.association.*",
    ValueType.MONEY,
    _("Hỗ trợ hội có tính chất đặc thù cấp xã"),
    unit="vnd_year",
    default_source="Quyết định 68/2010/QĐ-TTg; nghị quyết của HĐND tỉnh",
    minimum=Decimal(0),
    maximum=MONEY_MAX,
    description=_("Một mã cho mỗi hội, ví dụ funding.association.khuyen_hoc."),
)


# ----------------------------------------------------------------------------- labels of family members
ORG_NAMES = {"mttq": "UB MTTQ", "doan": "Đoàn Thanh niên", "phu_nu": "Hội LHPN", "nong_dan": "Hội Nông dân", "ccb": "Hội Cựu chiến binh"}
ASSOCIATION_NAMES = {
    "nguoi_cao_tuoi": "Hội Người cao tuổi",
    "chu_thap_do": "Hội Chữ thập đỏ",
    "khuyen_hoc": "Hội Khuyến học",
    "bao_tro_nkt": "Hội Bảo trợ người khuyết tật và trẻ mồ côi",
    "cuu_tnxp": "Hội Cựu thanh niên xung phong",
    "nan_nhan_da_cam": "Hội Nạn nhân chất độc da cam/dioxin",
    "nguoi_mu": "Hội Người mù",
}
POSITION_NAMES = {"bi_thu": "Bí thư chi bộ", "truong_thon": "Trưởng thôn/Tổ trưởng tổ dân phố", "truong_ban_ctmt": "Trưởng Ban công tác Mặt trận"}
TIER_NAMES = {"high": "mức cao", "low": "mức thường"}
# The classes of commune a norm is set for (Resolution 1211/2016/UBTVQH13 classes I–III; the engine pays a special commune as class I).
COMMUNE_CLASSES = ("I", "II", "III")


def commune_classes() -> tuple[str, ...]:
    """Members of ``funding.commune_pt.coef.*``: one per class of commune."""
    return COMMUNE_CLASSES


def org_members() -> list[str]:
    """Members of ``funding.org.*``: one per organisation and class of commune (``mttq.I``)."""
    return [f"{org}.{cls}" for org in ORG_NAMES for cls in COMMUNE_CLASSES]


def village_position_members() -> list[str]:
    """Members of ``funding.village.position.*``: one per paid title of a village and tier (``bi_thu.high``)."""
    return [f"{code}.{tier}" for code in POSITION_NAMES for tier in TIER_NAMES]



def label_for(key: str) -> str:
    """A Vietnamese label for a funding key, naming the member of a family (“Khoán kinh phí UB MTTQ xã loại I”)."""
    from coso.rules.registry import declaration

    parts = key.split(".")
    if key.startswith("funding.org.") and len(parts) == 4:
        return f"Khoán kinh phí hoạt động {ORG_NAMES.get(parts[2], parts[2])} xã loại {parts[3]}"
    if key.startswith("funding.association.") and len(parts) == 3:
        return f"Hỗ trợ {ASSOCIATION_NAMES.get(parts[2], parts[2])} cấp xã"
    if key.startswith("funding.commune_pt.coef.") and len(parts) == 4:
        return f"Quỹ phụ cấp người hoạt động không chuyên trách xã loại {parts[3]}"
    if key.startswith("funding.village.position.") and len(parts) == 5:
        return f"Hệ số phân phối: {POSITION_NAMES.get(parts[3], parts[3])} ({TIER_NAMES.get(parts[4], parts[4])})"
    try:
        return str(declaration(key).label)
    except KeyError:
        return key
