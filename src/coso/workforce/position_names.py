"""The names of the positions and offices of the catalogue (data/positions.json), marked for translation.

The catalogue is JSON, which makemessages does not read: this list lets it collect the names (each needs an English
entry in locale/en/LC_MESSAGES/django.po). The catalogue stays in Vietnamese; rules.position_name and rules.office_name
translate a name when it is shown. A test checks that every name of the catalogue is here."""

from __future__ import annotations

from django.utils.translation import gettext_noop

POSITION_NAMES: tuple[str, ...] = (
    gettext_noop("Bí thư Đảng ủy"),
    gettext_noop("Phó Bí thư Đảng ủy"),
    gettext_noop("Chủ tịch HĐND"),
    gettext_noop("Phó Chủ tịch HĐND"),
    gettext_noop("Chủ tịch UBND"),
    gettext_noop("Phó Chủ tịch UBND"),
    gettext_noop("Chủ tịch Ủy ban MTTQ Việt Nam"),
    gettext_noop("Bí thư Đoàn TNCS Hồ Chí Minh"),
    gettext_noop("Chủ tịch Hội Liên hiệp Phụ nữ"),
    gettext_noop("Chủ tịch Hội Nông dân"),
    gettext_noop("Chủ tịch Hội Cựu chiến binh"),
    gettext_noop("Chỉ huy trưởng Ban Chỉ huy Quân sự"),
    gettext_noop("Văn phòng – thống kê"),
    gettext_noop("Địa chính – xây dựng (– nông nghiệp/đô thị) và môi trường"),
    gettext_noop("Tài chính – kế toán"),
    gettext_noop("Tư pháp – hộ tịch"),
    gettext_noop("Văn hóa – xã hội"),
    gettext_noop("Chánh Văn phòng HĐND và UBND"),
    gettext_noop("Công chức Văn phòng HĐND và UBND"),
    gettext_noop("Công chức tư pháp – hộ tịch (Văn phòng)"),
    gettext_noop("Trưởng phòng Kinh tế"),
    gettext_noop("Công chức Phòng Kinh tế"),
    gettext_noop("Trưởng phòng Văn hóa – Xã hội"),
    gettext_noop("Công chức Phòng Văn hóa – Xã hội"),
    gettext_noop("Phó Giám đốc Trung tâm Phục vụ hành chính công"),
    gettext_noop("Công chức Trung tâm Phục vụ hành chính công"),
    gettext_noop("Người hoạt động không chuyên trách cấp xã"),
    gettext_noop("Bí thư chi bộ thôn/tổ dân phố"),
    gettext_noop("Trưởng thôn / Tổ trưởng tổ dân phố"),
    gettext_noop("Trưởng Ban công tác Mặt trận"),
)

OFFICE_NAMES: tuple[str, ...] = (
    gettext_noop("Đảng ủy xã"),
    gettext_noop("Hội đồng nhân dân"),
    gettext_noop("Ủy ban nhân dân"),
    gettext_noop("Ủy ban MTTQ và các đoàn thể"),
    gettext_noop("Công chức chuyên môn (Nghị định 33/2023)"),
    gettext_noop("Văn phòng HĐND và UBND"),
    gettext_noop("Phòng Kinh tế / Kinh tế, Hạ tầng và Đô thị"),
    gettext_noop("Phòng Văn hóa – Xã hội"),
    gettext_noop("Trung tâm Phục vụ hành chính công"),
    gettext_noop("Người hoạt động không chuyên trách cấp xã"),
    gettext_noop("Thôn, tổ dân phố"),
)
