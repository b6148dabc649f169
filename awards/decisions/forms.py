"""Forms of the decision pages: input shape only. The views set the choices (issuers in scope, the issuer's
signers, the catalogue's legal bases, the waiting nominations); the operations check the rest."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from awards.admin.forms import AdminForm, VnDateField, options
from awards.decisions.models import SigningMode

SIGNING_MODES = options([(SigningMode.NONE.value, _l("Thủ trưởng ký trực tiếp")),
                 (SigningMode.KT.value, _l("KT. (cấp phó ký thay)")),
                 (SigningMode.TM.value, _l("TM. (thay mặt tập thể)")),
                 (SigningMode.Q.value, _l("Q. (quyền thủ trưởng)")),
                 (SigningMode.TL.value, _l("TL. (thừa lệnh)")),
                 (SigningMode.TUQ.value, _l("TUQ. (thừa ủy quyền)"))])


def _id_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def _ids() -> SelectMultipleField:
    # The views list what may be chosen; the operations refuse anything else with a reason.
    return SelectMultipleField(coerce=int, choices=[], validate_choice=False)


def recipient_lines(text: str | None) -> list[str]:
    """One recipient per line ("Như Điều 3;", "Lưu: VT, TCCB."); a leading "- " is dropped (the PDF adds it)."""
    lines = [line.strip() for line in (text or "").splitlines()]
    return [line[1:].strip() if line.startswith("-") else line for line in lines if line.strip(" -")]


class _SignatureFields(AdminForm):
    decided_on = VnDateField(_l("Ngày ban hành"),
                             validators=[InputRequired(message=_l("Vui lòng nhập ngày ban hành."))])
    signer_id = SelectField(_l("Người ký"), coerce=_id_or_none, validate_choice=False)
    signing_mode = SelectField(_l("Thể thức ký"), choices=SIGNING_MODES, default=SigningMode.NONE.value)


class DecisionForm(_SignatureFields):
    """A new draft: issuer, date, signer, legal bases, recipients and the nominations it grants."""

    issuer_id = SelectField(_l("Đơn vị ban hành"), coerce=_id_or_none,
                            validators=[InputRequired(message=_l("Vui lòng chọn đơn vị ban hành."))])
    # Checked: the legal bases in force on the decision's date (operations.default_legal_bases), whatever the
    # boxes below say — the date is often typed after the page was loaded with today's defaults.
    bases_by_date = BooleanField(_l("Căn cứ có hiệu lực vào ngày ban hành (tự chọn)"), default=True)
    legal_basis_ids = _ids()
    recipients = TextAreaField(_l("Nơi nhận (mỗi dòng một nơi)"), validators=[Length(max=5000)],
                               render_kw={"rows": 3})
    nomination_ids = _ids()


class DraftForm(_SignatureFields):
    """The draft's texts and header data; ``version`` is the one the page was loaded with (409 when stale)."""

    version = HiddenField()
    action = HiddenField()  # "save" or "regenerate" (the buttons' values)
    subject = TextAreaField(_l("Trích yếu"), validators=[Length(max=2000)], render_kw={"rows": 2})
    authority = StringField(_l("Thẩm quyền ban hành"), validators=[Length(max=500)])
    considering = TextAreaField(_l("Xét đề nghị"), validators=[Length(max=2000)], render_kw={"rows": 2})
    article1 = TextAreaField(_l("Điều 1"), validators=[Length(max=20000)], render_kw={"rows": 5})
    article2 = TextAreaField(_l("Điều 2"), validators=[Length(max=5000)], render_kw={"rows": 3})
    article3 = TextAreaField(_l("Điều 3"), validators=[Length(max=5000)], render_kw={"rows": 3})
    fund = StringField(_l("Nguồn chi"), validators=[Length(max=500)])
    recipients = TextAreaField(_l("Nơi nhận (mỗi dòng một nơi)"), validators=[Length(max=5000)],
                               render_kw={"rows": 3})
    legal_basis_ids = _ids()

    TEXTS = ("subject", "authority", "considering", "article1", "article2", "article3", "fund")


class VersionForm(AdminForm):
    """Issue, delete: CSRF plus the version of the page."""

    version = HiddenField()


class RevokeForm(_SignatureFields):
    version = HiddenField()
    reason = TextAreaField(_l("Lý do thu hồi"), validators=[DataRequired(message=_l("Vui lòng nêu lý do thu hồi.")),
                                                           Length(max=5000)], render_kw={"rows": 2})
    item_ids = _ids()


class ExternalForm(AdminForm):
    """An outcome from a higher authority: who issued it, its number and date, the referred nominations."""

    unit_id = SelectField(_l("Đơn vị trình"), coerce=_id_or_none,
                          validators=[InputRequired(message=_l("Vui lòng chọn đơn vị."))])
    external_issuer = StringField(_l("Cơ quan ban hành"), default="Bộ Tư pháp",
                                  validators=[InputRequired(message=_l("Vui lòng nhập cơ quan ban hành.")),
                                              Length(max=255)])
    external_number = StringField(_l("Số, ký hiệu quyết định"),
                                  validators=[InputRequired(message=_l("Vui lòng nhập số quyết định.")),
                                              Length(max=80)], render_kw={"placeholder": "1234/QĐ-BTP"})
    decided_on = VnDateField(_l("Ngày ban hành"),
                             validators=[InputRequired(message=_l("Vui lòng nhập ngày ban hành."))])
    nomination_ids = _ids()
