"""Initiative forms: input shape only. Views give them the choices (units in scope, authors, awards)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from awards.admin.forms import AdminForm, VersionForm, VnDateField, options, placeholder
from awards.imports.parsers import code as parse_code
from awards.initiatives.labels import SCOPE_LABELS
from awards.initiatives.models import InitiativeScope
from awards.org.labels import choices

YEAR_MIN, YEAR_MAX = 1990, 2100


def _required(what) -> InputRequired:
    return InputRequired(message=_l("Vui lòng nhập %(what)s.", what=what))


def _chosen(what) -> InputRequired:
    return InputRequired(message=_l("Vui lòng chọn %(what)s.", what=what))


def _int_or_none(value):
    return None if value in (None, "", "None") else int(value)


def _scope_or_none(value):
    return None if value in (None, "", "None") else InitiativeScope(value)


def _year_field() -> IntegerField:
    return IntegerField(_l("Năm"), validators=[
        _required(_l("năm")), NumberRange(YEAR_MIN, YEAR_MAX, message=_l("Năm phải từ %(min)s đến %(max)s."))])


def split_codes(text: str | None) -> list[str]:
    """``"DT-0001; DT-0002"`` (or one a line, or comma-separated) → ``["DT-0001", "DT-0002"]``."""
    return [c for c in (part.strip() for part in (text or "").replace("\n", ";").replace(",", ";").split(";")) if c]


class InitiativeForm(AdminForm):
    title = TextAreaField(_l("Tên sáng kiến"), validators=[_required(_l("tên sáng kiến")), Length(max=2000)],
                          render_kw={"rows": 2})
    author_codes = StringField(_l("Mã cán bộ tác giả"), validators=[_required(_l("mã tác giả"))],
                               description=_l("Cách nhau bởi dấu chấm phẩy, tác giả chính trước, ví dụ DT-0001; "
                                              "DT-0002."))
    unit_id = SelectField(_l("Đơn vị"), coerce=_int_or_none, validators=[_chosen(_l("đơn vị"))])
    year = _year_field()
    scope = SelectField(_l("Phạm vi công nhận"), coerce=_scope_or_none, validators=[Optional()],
                        choices=placeholder(_l("Chưa được công nhận")) + options(choices(SCOPE_LABELS)))
    decision_no = StringField(_l("Số quyết định công nhận"), validators=[Optional(), Length(max=80)])
    decision_date = VnDateField(_l("Ngày quyết định công nhận"), validators=[Optional()])

    def validate_author_codes(self, field):
        if not split_codes(field.data):
            raise ValidationError(_l("Vui lòng nhập mã tác giả."))


class InitiativeCreateForm(InitiativeForm):
    code = StringField(_l("Mã sáng kiến"), validators=[_required(_l("mã sáng kiến")), Length(max=40)],
                       description=_l("Mã ổn định, duy nhất, ví dụ SK-DT-2021-01."))

    def validate_code(self, field):
        try:
            parse_code(field.data.strip())
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class InitiativeEditForm(InitiativeForm, VersionForm):
    pass


class RegisterForm(InitiativeCreateForm):
    """An initiative registered for evaluation: no scope and no decision, those come from the council."""

    scope = None
    decision_no = None
    decision_date = None


class ActionForm(VersionForm):
    """One workflow step from the initiative page; scope and decision matter only when the head recognises it."""

    trigger = HiddenField()
    comment = TextAreaField(_l("Ý kiến, lý do"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2})
    scope = SelectField(_l("Phạm vi công nhận"), coerce=_scope_or_none, validators=[Optional()],
                        choices=placeholder(_l("— Chọn —")) + options(choices(SCOPE_LABELS)))
    decision_no = StringField(_l("Số quyết định công nhận"), validators=[Optional(), Length(max=80)])
    decision_date = VnDateField(_l("Ngày quyết định công nhận"), validators=[Optional()])


class UseForm(VersionForm):
    subject = SelectField(_l("Đề nghị khen thưởng cho"), validators=[_chosen(_l("cá nhân hoặc tập thể"))])
    award_id = SelectField(_l("Danh hiệu, hình thức khen thưởng"), coerce=_int_or_none,
                           validators=[_chosen(_l("danh hiệu, hình thức khen thưởng"))])
    year = _year_field()
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
