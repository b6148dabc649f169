"""Forms of the reminders pages: input shape only; the views fill the choices."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from awards.admin.forms import YEAR_MAX, YEAR_MIN, AdminForm, VnDateField, options
from awards.reminders.models import DeadlineKind

KIND_LABELS = {
    DeadlineKind.FILING: _l("Hạn nộp hồ sơ đề nghị"),
    DeadlineKind.POSTING_END: _l("Hạn kết thúc công khai"),
    DeadlineKind.SESSION: _l("Ngày họp hội đồng"),
    DeadlineKind.DECISION: _l("Hạn ban hành quyết định"),
}


class AccountForm(AdminForm):
    email = StringField(_l("Địa chỉ thư điện tử"), validators=[
        Optional(), Length(max=255),
        Email(message=_l("Địa chỉ thư điện tử không hợp lệ."), check_deliverability=False)])
    email_notifications = BooleanField(_l("Nhận thư điện tử"),
                                       description=_l("Thư tổng hợp các việc đến hạn, gửi khi có nhắc việc mới."))


class DeadlineForm(AdminForm):
    id = HiddenField()
    kind = SelectField(_l("Loại hạn"), choices=options((k.value, label) for k, label in KIND_LABELS.items()),
                       validators=[InputRequired(message=_l("Vui lòng chọn loại hạn."))])
    due_on = VnDateField(_l("Ngày"), validators=[InputRequired(message=_l("Vui lòng nhập ngày."))])
    unit_code = StringField(_l("Mã đơn vị"), validators=[InputRequired(message=_l("Vui lòng nhập mã đơn vị.")),
                                                         Length(max=40)],
                            description=_l("Hạn áp dụng cho đơn vị này và các đơn vị trực thuộc."))
    award = SelectField(_l("Danh hiệu, hình thức (không bắt buộc)"), choices=[], validate_choice=True)
    year = IntegerField(_l("Năm thi đua"), validators=[Optional(), NumberRange(min=YEAR_MIN, max=YEAR_MAX)])
    label = StringField(_l("Nội dung"), validators=[Optional(), Length(max=500)])


class MarkReadForm(AdminForm):
    id = HiddenField()
