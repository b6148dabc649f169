"""Catalogue forms: input shape only. A parameter's value is checked against its key by the operation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from awards.admin.forms import AdminForm, VnDateField, options
from awards.catalogue.models import Reliability

RELIABILITY_LABELS = {
    Reliability.LAW: _l("Quy định của pháp luật"),
    Reliability.PRACTICE: _l("Thực tiễn (có thể cấu hình)"),
    Reliability.UNSURE: _l("Chưa xác nhận"),
}


def _required(what) -> InputRequired:
    return InputRequired(message=_l("Vui lòng nhập %(what)s.", what=what))


def _reliability_field() -> SelectField:
    return SelectField(_l("Mức tin cậy"), choices=options((r.value, label) for r, label in RELIABILITY_LABELS.items()),
                       coerce=Reliability, default=Reliability.LAW)


# Defined first so that the forms using them show them first (WTForms orders fields by creation).
_CODE = StringField(_l("Mã văn bản"), validators=[_required(_l("mã văn bản")), Length(max=40)],
                    description=_l("Mã ổn định, không đổi, ví dụ ND98_2023."))
_EFFECTIVE_FROM = VnDateField(_l("Có hiệu lực từ ngày"), validators=[_required(_l("ngày có hiệu lực"))],
                              description=_l("Phiên bản đang áp dụng sẽ kết thúc vào ngày hôm trước."))


class AwardForm(AdminForm):
    version = HiddenField()
    name_vi = StringField(_l("Tên tiếng Việt"), validators=[_required(_l("tên tiếng Việt")), Length(max=255)])
    name_en = StringField(_l("Tên tiếng Anh"), validators=[_required(_l("tên tiếng Anh")), Length(max=255)])
    rank = IntegerField(_l("Thứ tự xét"), validators=[
        _required(_l("thứ tự xét")), NumberRange(0, 1000, message=_l("Thứ tự xét phải từ %(min)s đến %(max)s."))],
        description=_l("Hội đồng bỏ phiếu từ danh hiệu có thứ tự nhỏ lên lớn."))
    secret_ballot = BooleanField(_l("Bỏ phiếu kín"))
    active = BooleanField(_l("Đang sử dụng"))


class LegalBasisForm(AdminForm):
    version = HiddenField()
    number = StringField(_l("Số, ký hiệu"), validators=[_required(_l("số, ký hiệu")), Length(max=80)])
    title = TextAreaField(_l("Trích yếu"), validators=[_required(_l("trích yếu"))], render_kw={"rows": 2})
    issued_on = VnDateField(_l("Ngày ban hành"), validators=[Optional()])
    effective_from = VnDateField(_l("Có hiệu lực từ ngày"), validators=[_required(_l("ngày có hiệu lực"))])
    effective_to = VnDateField(_l("Hết hiệu lực từ sau ngày"), validators=[Optional()],
                               description=_l("Để trống nếu văn bản còn hiệu lực."))
    citation_line = TextAreaField(_l("Dòng căn cứ"), validators=[_required(_l("dòng căn cứ"))], render_kw={"rows": 2},
                                  description=_l("In trong quyết định sau chữ “Căn cứ”, không có dấu “;” ở cuối."))
    reliability = _reliability_field()
    note = TextAreaField(_l("Ghi chú"), validators=[Optional()], render_kw={"rows": 2})

    def validate_effective_to(self, field):
        if field.data and self.effective_from.data and field.data < self.effective_from.data:
            raise ValidationError(_l("Ngày hết hiệu lực không được trước ngày có hiệu lực."))


class LegalBasisCreateForm(LegalBasisForm):
    code = _CODE


class _ParameterFields(AdminForm):
    value = TextAreaField(_l("Giá trị"), validators=[Optional()], render_kw={"rows": 2},
                          description=_l("Số (2340000, 0.15), phân số (4/5), majority, một từ, hoặc JSON "
                                         "(null, {…}, […]) — cùng kiểu với các phiên bản đã có."))
    legal_basis_id = SelectField(_l("Văn bản căn cứ"), coerce=lambda v: int(v) if v not in (None, "", "None") else None)
    article = StringField(_l("Điều, khoản"), validators=[Optional(), Length(max=120)])
    reliability = _reliability_field()
    note = TextAreaField(_l("Ghi chú"), validators=[Optional()], render_kw={"rows": 2})


class ParameterVersionForm(_ParameterFields):
    # The state of the key's versions when the page was loaded (see operations.key_fingerprint).
    fingerprint = HiddenField()
    effective_from = _EFFECTIVE_FROM


class ParameterCorrectForm(_ParameterFields):
    fingerprint = HiddenField()  # the row's values when the page was loaded (see operations.fingerprint)
