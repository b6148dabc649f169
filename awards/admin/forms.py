"""Admin forms: input shape only. Views give them the choices the user may pick (units in scope)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError

from awards.core.errors import ValidationFailed
from awards.core.formatting import parse_date, short_date
from awards.org import labels
from awards.org.models import ClusterRole
from awards.org.operations import check_password_policy

# WTForms ships no Vietnamese catalogue; these replace its built-in English messages.
_BUILTIN_MESSAGES = {
    "This field is required.": _l("Vui lòng nhập trường này."),
    "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
    "Invalid Choice: could not coerce.": _l("Lựa chọn không hợp lệ."),
    "Not a valid integer value.": _l("Vui lòng nhập một số nguyên."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
}

YEAR_MIN, YEAR_MAX = 1990, 2100


class _VietnameseMessages:
    def gettext(self, string: str) -> str:
        found = _BUILTIN_MESSAGES.get(string)
        return str(found) if found is not None else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class AdminForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _VietnameseMessages()


class VnDateField(StringField):
    """A date typed as dd/mm/yyyy (yyyy-mm-dd accepted too), shown back as dd/mm/yyyy."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return short_date(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = parse_date(text)
            except ValueError:
                raise ValueError(_l("Ngày không hợp lệ (nhập theo dạng dd/mm/yyyy).")) from None


def _required(what) -> InputRequired:
    return InputRequired(message=_l("Vui lòng nhập %(what)s.", what=what))


def _chosen(what) -> InputRequired:
    return InputRequired(message=_l("Vui lòng chọn %(what)s.", what=what))


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def _enum_or_none(enum_cls):
    """Coerce for enum selects that start on an empty option: nothing is picked for the user."""
    def coerce(value):
        return None if value in (None, "") else enum_cls(value)
    return coerce


def _enum_select(label, labels_map, what, **kwargs) -> SelectField:
    return SelectField(label, choices=placeholder(_l("— Chọn —")) + options(labels.choices(labels_map)),
                       coerce=_enum_or_none(next(iter(labels_map)).__class__),
                       validators=[_chosen(what)], **kwargs)


def _year_field() -> IntegerField:
    return IntegerField(_l("Năm"), validators=[
        _required(_l("năm")),
        NumberRange(YEAR_MIN, YEAR_MAX, message=_l("Năm phải từ %(min)s đến %(max)s.")),
    ])


def options(pairs) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms options (plain tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, text) for value, text in pairs]


def placeholder(text) -> list[SelectChoice]:
    """An empty first option; with InputRequired it makes the user choose instead of taking the first unit."""
    return [SelectChoice("", text)]


def unit_choices(units) -> list[SelectChoice]:
    return [SelectChoice(u.id, f"{u.code} — {u.name}") for u in units]


class _VersionMixin:
    # The version the page was loaded with; a different current version means someone else saved first.
    version = HiddenField()


class VersionForm(_VersionMixin, AdminForm):
    """For buttons that change a record (remove, delete, issue a token): CSRF plus the page's version."""


# --- units -------------------------------------------------------------------------------------------

class _UnitIdentityFields(AdminForm):
    code = StringField(_l("Mã đơn vị"), validators=[_required(_l("mã đơn vị")), Length(max=40)],
                       description=_l("Mã ổn định, không đổi khi đơn vị đổi tên."))
    name = StringField(_l("Tên đơn vị"), validators=[_required(_l("tên đơn vị")), Length(max=255)])
    name_valid_from = VnDateField(_l("Tên có hiệu lực từ ngày"), validators=[_required(_l("ngày hiệu lực"))])


class UnitForm(AdminForm):
    kind = _enum_select(_l("Loại đơn vị"), labels.UNIT_KIND_LABELS, _l("loại đơn vị"))
    parent_id = SelectField(_l("Đơn vị cấp trên"), coerce=_int_or_none, validate_choice=True)
    legal_personality = BooleanField(_l("Có tư cách pháp nhân (thủ trưởng ký quyết định khen thưởng)"))
    document_code = StringField(_l("Ký hiệu văn bản"), validators=[Optional(), Length(max=40)],
                                description=_l("Dùng trong số ký hiệu quyết định, ví dụ CTHADS."))
    place = StringField(_l("Địa danh"), validators=[Optional(), Length(max=120)],
                        description=_l("Dùng ở dòng “…, ngày … tháng … năm …” của văn bản."))
    authorised_staff = IntegerField(_l("Biên chế được giao"), validators=[
        Optional(), NumberRange(min=0, message=_l("Biên chế phải là số không âm."))])


class UnitEditForm(_VersionMixin, UnitForm):
    pass


class UnitCreateForm(UnitForm, _UnitIdentityFields):
    pass


class UnitNameForm(_VersionMixin, AdminForm):
    name = StringField(_l("Tên mới"), validators=[_required(_l("tên đơn vị")), Length(max=255)])
    valid_from = VnDateField(_l("Có hiệu lực từ ngày"), validators=[_required(_l("ngày hiệu lực"))])


class RatingForm(_VersionMixin, AdminForm):
    year = _year_field()
    rating = _enum_select(_l("Xếp loại"), labels.RATING_LABELS, _l("mức xếp loại"))


# --- clusters ----------------------------------------------------------------------------------------

class _ClusterCodeField(AdminForm):
    code = StringField(_l("Mã cụm"), validators=[_required(_l("mã cụm")), Length(max=40)])


class ClusterForm(AdminForm):
    name = StringField(_l("Tên cụm, khối thi đua"), validators=[_required(_l("tên cụm")), Length(max=255)])
    organiser_id = SelectField(_l("Đơn vị tổ chức"), coerce=_int_or_none,
                               validators=[_chosen(_l("đơn vị tổ chức"))])


class ClusterEditForm(_VersionMixin, ClusterForm):
    pass


class ClusterCreateForm(ClusterForm, _ClusterCodeField):
    pass


class ClusterMemberForm(_VersionMixin, AdminForm):
    year = _year_field()
    unit_id = SelectField(_l("Đơn vị"), coerce=_int_or_none, validators=[_chosen(_l("đơn vị"))])
    role = SelectField(_l("Vai trò trong cụm"), choices=options(labels.choices(labels.CLUSTER_ROLE_LABELS)),
                       coerce=ClusterRole, default=ClusterRole.MEMBER, validators=[_chosen(_l("vai trò"))])


# --- people ------------------------------------------------------------------------------------------

class _PersonIdentityFields(AdminForm):
    code = StringField(_l("Mã cán bộ"), validators=[_required(_l("mã cán bộ")), Length(max=40)])


class PersonForm(AdminForm):
    full_name = StringField(_l("Họ và tên"), validators=[_required(_l("họ và tên")), Length(max=160)])
    gender = _enum_select(_l("Giới tính"), labels.GENDER_LABELS, _l("giới tính"))
    birth_date = VnDateField(_l("Ngày sinh"), validators=[Optional()])
    hire_date = VnDateField(_l("Ngày vào ngành"), validators=[Optional()])
    position = StringField(_l("Chức vụ, chức danh"), validators=[Optional(), Length(max=160)])
    grade = StringField(_l("Ngạch, bậc"), validators=[Optional(), Length(max=120)])
    investigation_pending = BooleanField(_l("Đang bị điều tra, xem xét kỷ luật"))
    complaint_pending = BooleanField(_l("Đang có đơn thư khiếu nại, tố cáo chưa giải quyết"))

    def validate_hire_date(self, field):
        if field.data and self.birth_date.data and field.data <= self.birth_date.data:
            raise ValidationError(_l("Ngày vào ngành phải sau ngày sinh."))


class PersonEditForm(_VersionMixin, PersonForm):
    pass


class PersonCreateForm(PersonForm, _PersonIdentityFields):
    unit_id = SelectField(_l("Đơn vị công tác"), coerce=_int_or_none, validators=[_chosen(_l("đơn vị công tác"))])
    since = VnDateField(_l("Công tác tại đơn vị từ ngày"), validators=[Optional()],
                        description=_l("Để trống: lấy ngày vào ngành (hoặc hôm nay)."))


class AssignForm(_VersionMixin, AdminForm):
    unit_id = SelectField(_l("Chuyển đến đơn vị"), coerce=_int_or_none, validators=[_chosen(_l("đơn vị"))])
    since = VnDateField(_l("Từ ngày"), validators=[_required(_l("ngày bắt đầu công tác"))])


class DisciplineForm(_VersionMixin, AdminForm):
    level = _enum_select(_l("Hình thức kỷ luật"), labels.DISCIPLINE_LABELS, _l("hình thức kỷ luật"))
    start_date = VnDateField(_l("Từ ngày"), validators=[_required(_l("ngày bắt đầu"))])
    end_date = VnDateField(_l("Đến ngày"), validators=[Optional()],
                           description=_l("Để trống nếu chưa hết thời hạn."))
    reason = TextAreaField(_l("Lý do"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("Ngày kết thúc không được trước ngày bắt đầu."))


# --- users -------------------------------------------------------------------------------------------

def _password_policy(form, field):
    if field.data:
        try:
            check_password_policy(field.data)
        except ValidationFailed as exc:
            raise ValidationError(exc.message) from None


class _UserCreateFields(AdminForm):
    username = StringField(_l("Tên đăng nhập"), validators=[_required(_l("tên đăng nhập")), Length(max=80)])
    password = PasswordField(_l("Mật khẩu"), validators=[_required(_l("mật khẩu")), _password_policy],
                             description=_l("Ít nhất 8 ký tự, gồm cả chữ và số."))
    password_confirm = PasswordField(_l("Nhập lại mật khẩu"), validators=[
        _required(_l("lại mật khẩu")), EqualTo("password", message=_l("Hai mật khẩu không khớp."))])


def _person_code_field() -> StringField:
    return StringField(_l("Mã cán bộ gắn với tài khoản"), validators=[Optional(), Length(max=40)],
                       description=_l("Không bắt buộc; ví dụ tài khoản của thành viên Hội đồng."))


class UserCreateForm(_UserCreateFields):
    person_code = _person_code_field()


class UserEditForm(_VersionMixin, AdminForm):
    active = BooleanField(_l("Đang hoạt động (được phép đăng nhập)"))
    new_password = PasswordField(_l("Đặt lại mật khẩu"), validators=[Optional(), _password_policy],
                                 description=_l("Để trống nếu không đổi mật khẩu."))
    person_code = _person_code_field()


class RoleForm(_VersionMixin, AdminForm):
    role = _enum_select(_l("Vai trò"), labels.ROLE_LABELS, _l("vai trò"))
    unit_id = SelectField(_l("Phạm vi (đơn vị và các đơn vị trực thuộc)"), coerce=_int_or_none,
                          validators=[_chosen(_l("đơn vị"))])


# --- emulation years -----------------------------------------------------------------------------------

class YearForm(_VersionMixin, AdminForm):
    label = _year_field()
    start_date = VnDateField(_l("Ngày bắt đầu"), validators=[_required(_l("ngày bắt đầu"))])
    end_date = VnDateField(_l("Ngày kết thúc"), validators=[_required(_l("ngày kết thúc"))])
