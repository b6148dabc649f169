"""Forms of the council pages: input shape only; the views set the choices and the operations decide.

Agenda and ballot fields depend on the session, so ``with_votes`` builds a form class with one optional
yes/no radio per agenda item (left blank = not yes, as the law counts it).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from awards.admin.forms import AdminForm, VnDateField, options
from awards.councils.models import CouncilKind, MemberRole

ROLE_LABELS = {MemberRole.CHAIR: _l("Chủ tịch"), MemberRole.VICE_CHAIR: _l("Phó Chủ tịch"),
               MemberRole.SECRETARY: _l("Thư ký"), MemberRole.MEMBER: _l("Ủy viên")}
CHOICE_LABELS = (("yes", _l("Đồng ý")), ("no", _l("Không đồng ý")))
# The kinds set up from the council page (a cluster's council comes with the cluster scoring).
KIND_CHOICES = ((CouncilKind.AWARDS.value, _l("Hội đồng Thi đua - Khen thưởng")),
                (CouncilKind.INITIATIVES.value, _l("Hội đồng sáng kiến")))


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class CouncilForm(AdminForm):
    """A new council; members come as ``role-<person id>`` selects the view reads (one per person listed)."""

    unit_id = SelectField(_l("Đơn vị"), coerce=_int_or_none,
                          validators=[InputRequired(message=_l("Vui lòng chọn đơn vị."))])
    year = IntegerField(_l("Năm thi đua"), validators=[InputRequired(message=_l("Vui lòng nhập năm.")),
                                                        NumberRange(1990, 2100)])
    name = StringField(_l("Tên Hội đồng (để trống: tên theo đơn vị)"), validators=[Length(max=300)])
    kind = SelectField(_l("Loại Hội đồng"), choices=options(KIND_CHOICES), default=CouncilKind.AWARDS.value)


class SessionForm(AdminForm):
    held_on = VnDateField(_l("Ngày họp"), validators=[InputRequired(message=_l("Vui lòng nhập ngày họp."))])
    place = StringField(_l("Địa điểm"), validators=[Length(max=300)])
    number = StringField(_l("Số biên bản"), validators=[Length(max=40)], render_kw={"placeholder": "12/BB-HĐTĐKT"})
    nomination_ids = SelectMultipleField(_l("Hồ sơ đưa ra Hội đồng"), coerce=int, choices=[])
    # Before an initiative council; each one's proposed scope comes as ``scope-<initiative id>`` (read by the view).
    initiative_ids = SelectMultipleField(_l("Sáng kiến đưa ra Hội đồng"), coerce=int, choices=[])


class VersionForm(AdminForm):
    """A button that acts on the session as the user saw it (opening, closing a round, closing the session)."""

    version = HiddenField()


class AttendanceForm(VersionForm):
    present = SelectMultipleField(_l("Có mặt"), coerce=int, choices=[], validate_choice=False)


class QuotaForm(AdminForm):
    award_code = HiddenField(validators=[InputRequired()])
    max_count = IntegerField(_l("Chỉ tiêu tối đa"), validators=[Optional(), NumberRange(0, 10000)])
    note = StringField(_l("Căn cứ"), validators=[Length(max=300)])


class HandsForm(AdminForm):
    round_number = HiddenField(validators=[InputRequired()])
    subject_id = HiddenField(validators=[InputRequired()])
    yes = IntegerField(_l("Đồng ý"), validators=[InputRequired(message=_l("Nhập số đồng ý.")), NumberRange(0)])
    no = IntegerField(_l("Không đồng ý"), validators=[InputRequired(message=_l("Nhập số không đồng ý.")),
                                                       NumberRange(0)])


class SecondRoundForm(VersionForm):
    subject_ids = SelectMultipleField(_l("Hồ sơ bỏ phiếu lại"), coerce=int, choices=[], validate_choice=False)


class TieBreakForm(VersionForm):
    award_code = HiddenField(validators=[InputRequired()])
    subject_ids = SelectMultipleField(_l("Hồ sơ được chọn"), coerce=int, choices=[], validate_choice=False)
    note = TextAreaField(_l("Ý kiến của Chủ tịch Hội đồng"), validators=[Length(max=2000)], render_kw={"rows": 2})


class BallotForm(AdminForm):
    round_number = HiddenField(validators=[InputRequired()])
    confirmed = HiddenField()


class WrittenVoteForm(AdminForm):
    round_number = HiddenField(validators=[InputRequired()])
    person_id = SelectField(_l("Thành viên vắng mặt"), coerce=_int_or_none,
                            validators=[InputRequired(message=_l("Vui lòng chọn thành viên."))])
    scan = FileField(_l("Bản chụp phiếu (PDF, PNG, JPEG)"))


def vote_field_name(subject_id: int) -> str:
    return f"vote_{subject_id}"


def with_votes(base: type[AdminForm], items) -> type[AdminForm]:
    """``base`` plus one optional yes/no radio per agenda item (named by the item's nomination or initiative)."""

    class Form(base):
        pass

    for item in items:
        setattr(Form, vote_field_name(item.subject_id),
                RadioField(str(item.subject_id), choices=options(CHOICE_LABELS), validators=[Optional()]))
    return Form


def votes_of(form, items) -> dict[str, str]:
    """The answered items as the operations take them: {"<subject id>": "yes" | "no"}; blanks left out."""
    votes = {}
    for item in items:
        value = getattr(form, vote_field_name(item.subject_id)).data
        if value in ("yes", "no"):
            votes[str(item.subject_id)] = value
    return votes
