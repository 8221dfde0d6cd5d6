"""Demo-data framework. Each app's ``demo.build(ctx)`` adds its part; see settings.COSO_DEMO_MODULES.

Data are deterministic (seeded random) and realistic. ``scale="national"`` builds
national-sized data for benchmarks in streamed batches (bounded memory).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from coso.core.progress import ProgressBar

FAMILY_NAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4), ("Vũ", 3), ("Võ", 3),
    ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Trương", 1), ("Lâm", 1), ("Mai", 1),
]
MALE_MIDDLE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Đình", "Gia", "Ngọc", "Trọng"]
FEMALE_MIDDLE = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Phương", "Diệu", "Hồng"]
MALE_GIVEN = ["Anh", "Bảo", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam", "Phong", "Phúc",
              "Quang", "Sơn", "Tài", "Thắng", "Thành", "Tiến", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Ân", "Đạt", "Hiếu", "Lộc", "Nghĩa"]
FEMALE_GIVEN = ["An", "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai", "My",
                "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Thu", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Yến", "Ánh"]
STREETS = ["Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ", "Cách Mạng Tháng Tám",
           "Võ Văn Tần", "Nguyễn Trãi", "Phan Đình Phùng", "Hoàng Diệu", "Quang Trung", "Lê Duẩn", "Ngô Quyền"]


def random_person(rng: random.Random) -> dict[str, Any]:
    female = rng.random() < 0.5
    names, weights = zip(*FAMILY_NAMES, strict=True)
    family = rng.choices(names, weights=weights)[0]
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    return {"full_name": f"{family} {middle} {given}", "gender": "female" if female else "male"}


def squeeze_before(now: dt.datetime, times: Iterable[dt.datetime | None]) -> dict[dt.datetime, dt.datetime]:
    """Demo records must not be dated after ``now`` (a builder run at 9:00 would otherwise file today's
    submissions at 16:00). Map each time after ``now`` to a time between the latest time not after
    ``now`` (or an hour before it) and ``now``, keeping their order; apply with ``mapping.get(t, t)``."""
    values = sorted({t for t in times if t is not None})
    past = [t for t in values if t <= now]
    future = [t for t in values if t > now]
    if not future:
        return {}
    floor = past[-1] if past else now - dt.timedelta(hours=1)
    step = (now - floor) / (len(future) + 1)
    return {t: floor + step * (i + 1) for i, t in enumerate(future)}


def random_phone(rng: random.Random) -> str:
    return rng.choice(["090", "091", "093", "097", "098", "086", "083", "070", "079", "077"]) + f"{rng.randrange(10**7):07d}"


def random_citizen_id(rng: random.Random, province_code: str, birth_year: int, female: bool) -> str:
    century = 0 if birth_year < 2000 else 2
    gender_digit = century + (1 if female else 0)
    return f"0{province_code[-2:]}{gender_digit}{birth_year % 100:02d}{rng.randrange(10**6):06d}"


@dataclass
class DemoContext:
    province: Any
    communes: list[Any]
    scale: str = "province"
    seed: int = 2026
    stdout: TextIO | None = None
    users: dict[str, Any] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, unit)
    notes: list[str] = field(default_factory=list)  # printed after the accounts

    def rng(self, salt: str) -> random.Random:
        """A deterministic random generator per builder (independent of build order)."""
        return random.Random(f"{self.seed}:{self.province.code}:{self.scale}:{salt}")

    def progress(self, label: str) -> ProgressBar:
        return ProgressBar(label, stream=self.stdout)

    @property
    def main_commune(self) -> Any:
        return self.communes[0]
