"""Vietnamese labels of the initiative enums (lazy msgids, translated when rendered)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from awards.initiatives.models import InitiativeScope

SCOPE_LABELS = {
    InitiativeScope.BASE: _l("Cấp cơ sở"),
    InitiativeScope.MINISTRY: _l("Cấp bộ, ngành"),
    InitiativeScope.NATIONAL: _l("Toàn quốc"),
}
