"""The 2025 reorganisation as data, read from the `vietnamadminunits` package (MIT).

The package ships the 63-province list (provinces, districts, 10,035 communes and 5 island
districts that had no communes), the 34-province list, and the mapping from every old commune to
the new commune(s) it became (`converter_2025.json`). Current units in Coso come from
`vietnam-provinces`; a new commune of the package is matched to Coso's commune by province and
name (the two packages disagree on some codes: see `lineage_check`).

Legal basis (one resolution of the Standing Committee of the National Assembly per new province,
all adopted 16/6/2025, in force 1/7/2025, full texts published on the Government portal
xaydungchinhsach.chinhphu.vn): "Nghị quyết số 16xx/NQ-UBTVQH15 về việc sắp xếp các đơn vị
hành chính cấp xã của tỉnh/thành phố ... năm 2025". Provinces: Nghị quyết số 202/2025/QH15 of the
National Assembly (12/6/2025) on the arrangement of provincial units; district level ended with the
two-level local government on 1/7/2025 (Law on Organisation of Local Government 72/2025/QH15).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from coso.core.text import fold, nfc

EFFECTIVE_2025 = dt.date(2025, 7, 1)
COMMUNE_RESOLUTION_DATE = dt.date(2025, 6, 16)
PROVINCE_RESOLUTION = "202/2025/QH15"
PROVINCE_RESOLUTION_DATE = dt.date(2025, 6, 12)
SOURCE = "vietnamadminunits"

# Current province code → number of the UBTVQH resolution of 16/6/2025 arranging its communes.
COMMUNE_RESOLUTIONS: dict[str, str] = {
    "01": "1656/NQ-UBTVQH15",  # Hà Nội
    "04": "1657/NQ-UBTVQH15",  # Cao Bằng
    "08": "1684/NQ-UBTVQH15",  # Tuyên Quang
    "11": "1661/NQ-UBTVQH15",  # Điện Biên
    "12": "1670/NQ-UBTVQH15",  # Lai Châu
    "14": "1681/NQ-UBTVQH15",  # Sơn La
    "15": "1673/NQ-UBTVQH15",  # Lào Cai
    "19": "1683/NQ-UBTVQH15",  # Thái Nguyên
    "20": "1672/NQ-UBTVQH15",  # Lạng Sơn
    "22": "1679/NQ-UBTVQH15",  # Quảng Ninh
    "24": "1658/NQ-UBTVQH15",  # Bắc Ninh
    "25": "1676/NQ-UBTVQH15",  # Phú Thọ
    "31": "1669/NQ-UBTVQH15",  # Hải Phòng
    "33": "1666/NQ-UBTVQH15",  # Hưng Yên
    "37": "1674/NQ-UBTVQH15",  # Ninh Bình
    "38": "1686/NQ-UBTVQH15",  # Thanh Hóa
    "40": "1678/NQ-UBTVQH15",  # Nghệ An
    "42": "1665/NQ-UBTVQH15",  # Hà Tĩnh
    "44": "1680/NQ-UBTVQH15",  # Quảng Trị
    "46": "1675/NQ-UBTVQH15",  # Huế
    "48": "1659/NQ-UBTVQH15",  # Đà Nẵng
    "51": "1677/NQ-UBTVQH15",  # Quảng Ngãi
    "52": "1664/NQ-UBTVQH15",  # Gia Lai
    "56": "1667/NQ-UBTVQH15",  # Khánh Hòa
    "66": "1660/NQ-UBTVQH15",  # Đắk Lắk
    "68": "1671/NQ-UBTVQH15",  # Lâm Đồng
    "75": "1662/NQ-UBTVQH15",  # Đồng Nai
    "79": "1685/NQ-UBTVQH15",  # Thành phố Hồ Chí Minh
    "80": "1682/NQ-UBTVQH15",  # Tây Ninh
    "82": "1663/NQ-UBTVQH15",  # Đồng Tháp
    "86": "1687/NQ-UBTVQH15",  # Vĩnh Long
    "91": "1654/NQ-UBTVQH15",  # An Giang
    "92": "1668/NQ-UBTVQH15",  # Cần Thơ
    "96": "1655/NQ-UBTVQH15",  # Cà Mau
}


def commune_legal_basis(province_code: str) -> str:
    number = COMMUNE_RESOLUTIONS.get(province_code, "")
    if not number:
        return "Nghị quyết của Ủy ban Thường vụ Quốc hội ngày 16/6/2025 về sắp xếp đơn vị hành chính cấp xã năm 2025"
    return f"Nghị quyết số {number} ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã"


def province_legal_basis() -> str:
    return f"Nghị quyết số {PROVINCE_RESOLUTION} ngày 12/6/2025 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh"


_DASHES = re.compile(r"\s*[-‐‑‒–—]\s*")


def name_key(name: str) -> str:
    """Folded name for matching across sources: accents, apostrophes, dashes and spaces normalised."""
    text = nfc(name).replace("’", "'").replace("‘", "'")
    return _DASHES.sub(" - ", fold(text)).strip()


@dataclass(frozen=True)
class LegacyUnit:
    code: str
    name: str
    level: str  # province | district | commune
    kind: str  # AdministrativeUnit.Kind value
    province_code: str
    parent_code: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class NewCommune:
    """A commune of the package's 34-province list."""

    code: str
    name: str
    province_code: str
    area_km2: float | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Pair:
    """Old unit (a commune, or an island district without communes) → new commune."""

    old_code: str
    old_level: str
    new_package_code: str
    is_default: bool


@dataclass
class Lineage2025:
    provinces: list[LegacyUnit] = field(default_factory=list)
    districts: list[LegacyUnit] = field(default_factory=list)
    communes: list[LegacyUnit] = field(default_factory=list)
    new_communes: dict[str, NewCommune] = field(default_factory=dict)  # package code → commune
    new_province_codes: dict[str, str] = field(default_factory=dict)  # package province key → code
    province_pairs: list[tuple[str, str]] = field(default_factory=list)  # (old province code, new province code)
    pairs: list[Pair] = field(default_factory=list)
    package_version: str = ""


_PROVINCE_KIND = {"Thành phố": "thanh_pho_tw", "Tỉnh": "tinh"}
_DISTRICT_KIND = {"Quận": "quan", "Huyện": "huyen", "Thị xã": "thi_xa", "Thành phố": "thanh_pho"}
_COMMUNE_KIND = {"Phường": "phuong", "Xã": "xa", "Thị trấn": "thi_tran", "Đặc khu": "dac_khu"}


def _province_kind(name: str) -> str:
    return "thanh_pho_tw" if nfc(name).startswith("Thành phố") else "tinh"


def package_version() -> str:
    try:
        return version("vietnamadminunits")
    except PackageNotFoundError:  # pragma: no cover - pinned in requirements.txt
        return "?"


@lru_cache(maxsize=1)
def read_lineage_2025() -> Lineage2025:
    """Everything the loader needs, read once per process from the installed package (no network)."""
    from vietnamadminunits.converter import converter_2025 as conv
    from vietnamadminunits.database import query

    data = Lineage2025(package_version=package_version())
    rows = query(
        "SELECT province, district, ward, districtType, wardType, provinceCode, districtCode, wardCode, provinceKey, districtKey, wardKey,"
        " provinceLat, provinceLon, districtLat, districtLon, wardLat, wardLon FROM admin_units_legacy"
        " ORDER BY provinceCode, districtCode, wardCode"
    )
    seen_p: set[str] = set()
    seen_d: set[str] = set()
    old_by_key: dict[str, tuple[str, str]] = {}  # "province_district_ward" key → (code, level)
    old_province_code: dict[str, str] = {}
    for r in rows:
        pcode, dcode = r["provinceCode"], r["districtCode"]
        if pcode not in seen_p:
            seen_p.add(pcode)
            old_province_code[r["provinceKey"]] = pcode
            data.provinces.append(
                LegacyUnit(pcode, nfc(r["province"]), "province", _province_kind(r["province"]), pcode, "", r["provinceLat"], r["provinceLon"])
            )
        if dcode not in seen_d:
            seen_d.add(dcode)
            data.districts.append(
                LegacyUnit(dcode, nfc(r["district"]), "district", _DISTRICT_KIND[r["districtType"]], pcode, pcode, r["districtLat"], r["districtLon"])
            )
        if r["wardCode"]:
            data.communes.append(
                LegacyUnit(r["wardCode"], nfc(r["ward"]), "commune", _COMMUNE_KIND[r["wardType"]], pcode, dcode, r["wardLat"], r["wardLon"])
            )
            old_by_key[f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"] = (r["wardCode"], "commune")
        else:  # island district without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo)
            old_by_key[f"{r['provinceKey']}_{r['districtKey']}_"] = (dcode, "district")

    new_by_key: dict[tuple[str, str], str] = {}
    for r in query("SELECT province, ward, provinceCode, wardCode, provinceKey, wardKey, wardAreaKm2, wardLat, wardLon FROM admin_units"):
        data.new_communes[r["wardCode"]] = NewCommune(
            r["wardCode"], nfc(r["ward"]), r["provinceCode"], r["wardAreaKm2"], r["wardLat"], r["wardLon"]
        )
        data.new_province_codes[r["provinceKey"]] = r["provinceCode"]
        new_by_key[(r["provinceKey"], r["wardKey"])] = r["wardCode"]

    for new_pkey, old_pkeys in conv.DICT_PROVINCE.items():
        for old_pkey in old_pkeys:
            data.province_pairs.append((old_province_code[old_pkey], data.new_province_codes[new_pkey]))
    for new_pkey, wards in conv.DICT_PROVINCE_WARD_NO_DIVIDED.items():
        for new_wkey, old_keys in wards.items():
            for old_key in old_keys:
                code, level = old_by_key[old_key]
                data.pairs.append(Pair(code, level, new_by_key[(new_pkey, new_wkey)], True))
    for new_pkey, divided in conv.DICT_PROVINCE_WARD_DIVIDED.items():
        for old_key, targets in divided.items():
            code, level = old_by_key[old_key]
            for t in targets:
                data.pairs.append(Pair(code, level, new_by_key[(new_pkey, t["newWardKey"])], bool(t["isDefaultNewWard"])))
    return data


@dataclass
class CommuneMatch:
    """Package new-commune code → Coso (vietnam-provinces) commune code, and what disagreed."""

    to_coso: dict[str, str] = field(default_factory=dict)
    code_differs: list[tuple[str, str, str, str]] = field(default_factory=list)  # (province, name, package code, coso code)
    name_differs: list[tuple[str, str, str]] = field(default_factory=list)  # (code, package name, coso name) where the code matched
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)  # (province, package code, package name)


def match_communes(data: Lineage2025, current: dict[str, tuple[str, str]]) -> CommuneMatch:
    """Match the package's new communes to Coso's: ``current`` maps code → (province code, name).

    By province and folded name; where a province has two communes of the same name, by code."""
    by_name: dict[tuple[str, str], list[str]] = {}
    for code, (province_code, name) in current.items():
        by_name.setdefault((province_code, name_key(name)), []).append(code)
    result = CommuneMatch()
    for pkg_code, c in sorted(data.new_communes.items()):
        candidates = by_name.get((c.province_code, name_key(c.name)), [])
        if len(candidates) == 1:
            coso_code = candidates[0]
        elif pkg_code in candidates:
            coso_code = pkg_code
        else:
            result.unmatched.append((c.province_code, pkg_code, c.name))
            continue
        result.to_coso[pkg_code] = coso_code
        if coso_code != pkg_code:
            result.code_differs.append((c.province_code, c.name, pkg_code, coso_code))
        elif nfc(current[coso_code][1]) != c.name:
            result.name_differs.append((coso_code, c.name, current[coso_code][1]))
    return result
