"""Forms of the nomination pages: a new nomination, its summary, attachments, one action, bulk actions, batches."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from awards.admin.forms import AdminForm, VnDateField
from awards.nominations.models import AttachmentKind

NOMINEE_TYPES = [("person", _l("Cá nhân")), ("unit", _l("Tập thể"))]
ATTACHMENT_KINDS = {
    AttachmentKind.ACHIEVEMENT_REPORT: _l("Báo cáo thành tích"),
    AttachmentKind.MINUTES: _l("Biên bản họp xét"),
    AttachmentKind.INITIATIVE_PROOF: _l("Minh chứng sáng kiến"),
    AttachmentKind.OTHER: _l("Tài liệu khác"),
}


class NominationForm(AdminForm):
    nominee_type = SelectField(_l("Đối tượng"), choices=NOMINEE_TYPES, default="person")
    nominee_code = StringField(_l("Mã cán bộ hoặc mã đơn vị"),
                               validators=[InputRequired(message=_l("Vui lòng nhập mã.")), Length(max=40)])
    award = SelectField(_l("Danh hiệu, hình thức khen thưởng"),
                        validators=[InputRequired(message=_l("Vui lòng chọn danh hiệu."))])
    year = IntegerField(_l("Năm thi đua"), validators=[InputRequired(message=_l("Vui lòng nhập năm.")),
                                                        NumberRange(1990, 2100)])
    batch_id = SelectField(_l("Tờ trình"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                           validators=[Optional()])
    summary = TextAreaField(_l("Tóm tắt thành tích"), validators=[Length(max=20000)], render_kw={"rows": 5})


class SummaryForm(AdminForm):
    version = HiddenField()
    summary = TextAreaField(_l("Tóm tắt thành tích"), validators=[Length(max=20000)], render_kw={"rows": 8})


class AttachmentForm(AdminForm):
    kind = SelectField(_l("Loại tài liệu"), choices=[(k.value, v) for k, v in ATTACHMENT_KINDS.items()])
    file = FileField(_l("Tệp (PDF, DOCX, PNG, JPEG; tối đa 10 MB)"),
                     validators=[FileRequired(message=_l("Vui lòng chọn tệp."))])


class ActionForm(AdminForm):
    """One transition from the nomination page; which extra fields matter depends on the trigger."""

    version = HiddenField()
    trigger = HiddenField()
    comment = TextAreaField(_l("Ý kiến, lý do"), validators=[Length(max=5000)], render_kw={"rows": 2})
    start = VnDateField(_l("Ngày bắt đầu công khai"))
    working_days = IntegerField(_l("Số ngày làm việc"), validators=[Optional(), NumberRange(1, 60)], default=5)
    revoking_decision = StringField(_l("Số quyết định thu hồi"), validators=[Length(max=80)])


class BulkForm(AdminForm):
    ids = SelectMultipleField(coerce=int, choices=[], validate_choice=False)
    trigger = SelectField(_l("Thao tác"), choices=[])
    comment = TextAreaField(_l("Ý kiến, lý do"), validators=[Length(max=5000)], render_kw={"rows": 2})
    confirmed = HiddenField()


class BatchForm(AdminForm):
    unit_id = SelectField(_l("Đơn vị lập tờ trình"), coerce=lambda v: int(v) if v not in (None, "") else None,
                          validators=[InputRequired(message=_l("Vui lòng chọn đơn vị."))])
    year = IntegerField(_l("Năm thi đua"), validators=[InputRequired(message=_l("Vui lòng nhập năm.")),
                                                        NumberRange(1990, 2100)])
    title = StringField(_l("Trích yếu"), validators=[Length(max=500)])


class BatchAddForm(AdminForm):
    nomination_ids = SelectMultipleField(_l("Hồ sơ"), coerce=int, choices=[], validate_choice=False)
