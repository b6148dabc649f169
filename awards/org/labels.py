"""Vietnamese labels of the organisation's enums, in one place (pages, admin forms and exports share them).

Each mapping is keyed by the enum member; members are ``StrEnum`` so the raw stored value works as a key too.
The strings are ``lazy_gettext`` msgids: they are translated when rendered, in the request's locale.
"""
from __future__ import annotations

import enum
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from awards.org.models import ClusterRole, DisciplineLevel, Gender, RatingLevel, Role, UnitKind

UNIT_KIND_LABELS = {
    UnitKind.GENERAL_DEPARTMENT: _l("Tổng cục"),
    UnitKind.PROVINCIAL_DEPARTMENT: _l("Cục (cấp tỉnh)"),
    UnitKind.DISTRICT_BRANCH: _l("Chi cục (cấp huyện)"),
    UnitKind.DIVISION: _l("Phòng chuyên môn"),
    UnitKind.REGIONAL_OFFICE: _l("Phòng khu vực"),
    UnitKind.OTHER: _l("Khác"),
}

RATING_LABELS = {
    RatingLevel.HTXSNV: _l("Hoàn thành xuất sắc nhiệm vụ"),
    RatingLevel.HTTNV: _l("Hoàn thành tốt nhiệm vụ"),
    RatingLevel.HTNV: _l("Hoàn thành nhiệm vụ"),
    RatingLevel.KHTNV: _l("Không hoàn thành nhiệm vụ"),
}

# In increasing gravity, as DisciplineLevel orders them.
DISCIPLINE_LABELS = {
    DisciplineLevel.KHIEN_TRACH: _l("Khiển trách"),
    DisciplineLevel.CANH_CAO: _l("Cảnh cáo"),
    DisciplineLevel.GIANG_CHUC: _l("Giáng chức"),
    DisciplineLevel.CACH_CHUC: _l("Cách chức"),
    DisciplineLevel.BUOC_THOI_VIEC: _l("Buộc thôi việc"),
}

CLUSTER_ROLE_LABELS = {
    ClusterRole.LEADER: _l("Trưởng cụm"),
    ClusterRole.DEPUTY: _l("Phó cụm"),
    ClusterRole.MEMBER: _l("Thành viên"),
}

ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị hệ thống"),
    Role.HR: _l("Tổ chức cán bộ"),
    Role.PROPOSER: _l("Đơn vị đề nghị"),
    Role.SECRETARY: _l("Thường trực Hội đồng"),
    Role.COUNCIL_MEMBER: _l("Thành viên Hội đồng"),
    Role.APPROVER: _l("Người phê duyệt"),
    Role.VIEWER: _l("Người xem"),
}

GENDER_LABELS = {
    Gender.MALE: _l("Nam"),
    Gender.FEMALE: _l("Nữ"),
}

SUBJECT_TYPE_LABELS = {
    "person": _l("Cá nhân"),
    "unit": _l("Tập thể"),
}


def label(labels: Mapping, value: enum.Enum | str | None) -> str:
    """The label of ``value`` as text, the raw value if it has none, an empty string for None."""
    if value is None:
        return ""
    found = labels.get(value)
    if found is None:
        return str(getattr(value, "value", value))
    return str(found)


def choices(labels: Mapping) -> list[tuple[str, str]]:
    """``(value, label)`` pairs for a WTForms SelectField, in the mapping's order.

    The labels stay lazy, so a form built at import time still renders in the request's locale.
    """
    return [(getattr(key, "value", key), text) for key, text in labels.items()]
