"""Forms of the upload page: choose the kind and the file; confirm a previewed upload."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Length, Regexp

from awards.imports.uploads import UPLOAD_ID


class UploadForm(FlaskForm):
    # The view checks the chosen kind against the user's roles (403), so no "not a valid choice" here.
    kind = SelectField(_l("Loại dữ liệu"), choices=[], validate_choice=False,
                       validators=[DataRequired(_l("Hãy chọn loại dữ liệu."))])
    file = FileField(_l("Tệp CSV (UTF-8) hoặc XLSX"),
                     validators=[FileRequired(_l("Hãy chọn tệp cần nhập.")),
                                 FileAllowed(["csv", "xlsx"], _l("Chỉ nhận tệp .csv hoặc .xlsx."))],
                     description=_l("Dòng 1 là tiêu đề cột; dữ liệu bắt đầu từ dòng 2. "
                                    "XLSX: chỉ đọc trang tính đầu tiên."))


class ConfirmForm(FlaskForm):
    kind = HiddenField(validators=[DataRequired()])
    upload_id = HiddenField(validators=[DataRequired(), Regexp(UPLOAD_ID)])
    # The name the user's file had: only written into the import record, never used as a path.
    file_name = HiddenField(validators=[Length(max=255)])
