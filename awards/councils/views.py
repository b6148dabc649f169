"""Council pages: councils and their members, sessions run by the secretariat, and each member's own ballot.

Views stay thin: every change goes through ``awards.councils.operations`` (which checks roles, states and
versions again), and the domain errors it raises are shown on the page the user acted from, with the status the
API would give (403/409/422). Ballot secrecy on the pages: during a round the secretariat sees who has voted and
how many ballots came in, never a count of choices; a round's results appear only once it is closed.
"""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from awards.admin.forms import options, placeholder, unit_choices
from awards.core.errors import AwardsError, NotFound, PermissionDenied
from awards.councils import operations as ops
from awards.councils import queries
from awards.councils.documents import council_name
from awards.councils.forms import (ROLE_LABELS, AttendanceForm, BallotForm, CouncilForm, HandsForm, QuotaForm,
                                   SecondRoundForm, SessionForm, TieBreakForm, VersionForm, WrittenVoteForm,
                                   vote_field_name, votes_of, with_votes)
from awards.councils.models import (Council, CouncilKind, CouncilSession, MemberRole, RoundState, SessionState,
                                    VotingRound)
from awards.councils.scans import scan_path
from awards.councils.voting import share_text
from awards.eligibility import service as eligibility
from awards.extensions import db
from awards.initiatives.labels import SCOPE_LABELS
from awards.initiatives.models import InitiativeScope
from awards.nominations.views import award_name
from awards.org.models import Unit
from awards.org.permissions import require

bp = Blueprint("councils", __name__, url_prefix="/councils")

SESSION_STATES = {SessionState.PLANNED: ("secondary", _l("Dự kiến")), SessionState.OPEN: ("success", _l("Đang họp")),
                  SessionState.CLOSED: ("dark", _l("Đã bế mạc"))}
KIND_LABELS = {CouncilKind.AWARDS: _l("Hội đồng Thi đua - Khen thưởng"),
               CouncilKind.INITIATIVES: _l("Hội đồng sáng kiến"), CouncilKind.CLUSTER: _l("Cụm thi đua")}
ROLE_ORDER = {MemberRole.CHAIR: 0, MemberRole.VICE_CHAIR: 1, MemberRole.SECRETARY: 2, MemberRole.MEMBER: 3}
DOCUMENTS = ("minutes", "tally")


@bp.app_context_processor
def _council_helpers() -> dict:
    return {"open_ballots": lambda: queries.open_ballots(current_user), "council_name_of": _council_label,
            "member_role_label": lambda role: ROLE_LABELS[MemberRole(role)],
            "session_state_badge": lambda s: SESSION_STATES[SessionState(s)][0],
            "session_state_label": lambda s: str(SESSION_STATES[SessionState(s)][1])}


def _council_label(council: Council) -> str:
    if council.name:
        return council.name
    if council.kind == CouncilKind.CLUSTER and council.cluster is not None:
        return f"{KIND_LABELS[council.kind]} {council.cluster.name}"
    return f"{KIND_LABELS[council.kind]} {council.unit.name}"


# --- loading with scope --------------------------------------------------------------------------------------

def _visible(council: Council) -> None:
    """404 outside the user's scope (existence does not leak), 403 in scope without a council role or a seat."""
    access = queries.council_access(current_user, council)
    if access is None:
        raise NotFound()
    require(access == "view")


def _council(council_id: int) -> Council:
    council = queries.get_council_or_404(council_id)
    _visible(council)
    return council


def _session(session_id: int) -> CouncilSession:
    session = queries.get_session_or_404(session_id)
    _visible(session.council)
    return session


def _require_secretary(council: Council) -> None:
    require(ops.is_secretary(current_user, council))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _reasons(error: AwardsError) -> list[str]:
    details = error.details
    if isinstance(details, dict):
        return [str(v) for v in details.values()]
    reasons = [str(d) for d in details or []]
    return [] if reasons == [error.message] else reasons


def _error(error: AwardsError) -> dict:
    return {"status": error.status, "message": error.message, "reasons": _reasons(error)}


# --- councils ------------------------------------------------------------------------------------------------

@bp.route("/")
@login_required
def index():
    councils = list(db.session.scalars(queries.councils_for(current_user)))
    return render_template("councils/index.html", councils=councils, ballots=queries.open_ballots(current_user),
                           can_create=bool(queries.secretariat_units(current_user)))


def _members_from(request_form, groups) -> list[tuple]:
    """(person, role) for every listed person given a role, chair first, then by the order of the list."""
    chosen = []
    for _unit, people in groups:
        for person in people:
            role = request_form.get(f"role-{person.id}") or ""
            if role in {r.value for r in MemberRole}:
                chosen.append((person, role))
    return sorted(chosen, key=lambda pr: ROLE_ORDER[MemberRole(pr[1])])


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    units = queries.secretariat_units(current_user)
    require(bool(units))
    form = CouncilForm()
    form.unit_id.choices = unit_choices(units)
    if request.method == "GET":
        wanted = request.args.get("unit", type=int)
        form.unit_id.data = wanted if wanted in {u.id for u in units} else units[0].id
        form.year.data = form.year.data or request.args.get("year", type=int)
    unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data in {u.id for u in units} else units[0]
    groups = queries.subtree_people(unit)
    chosen = {}
    error = None
    if form.validate_on_submit():
        members = _members_from(request.form, groups)
        chosen = {person.id: role for person, role in members}
        try:
            council = ops.create_council(actor=current_user, unit=unit, year=form.year.data, members=members,
                                         name=(form.name.data or "").strip(), kind=form.kind.data)
        except AwardsError as failure:
            db.session.rollback()
            error = _error(failure)
        else:
            flash(_("Đã lập Hội đồng với %(n)s thành viên.", n=len(council.members)), "success")
            return redirect(url_for("councils.detail", council_id=council.id))
    elif form.is_submitted():
        chosen = {int(k.removeprefix("role-")): v for k, v in request.form.items()
                  if k.startswith("role-") and k.removeprefix("role-").isdigit()}
    status = (error or {}).get("status", 422 if form.is_submitted() else 200)
    return render_template("councils/new.html", form=form, unit=unit, units=units, groups=groups, chosen=chosen,
                           roles=ROLE_LABELS, error=error), status


@bp.route("/<int:council_id>")
@login_required
def detail(council_id: int):
    council = _council(council_id)
    return render_template("councils/detail.html", council=council, secretary=ops.is_secretary(current_user, council),
                           me=ops.member_of(current_user, council))


# --- sessions ------------------------------------------------------------------------------------------------

def _grouped(items) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for item in items:
        label = award_name(item.nomination.award) if item.nomination is not None else _("Công nhận sáng kiến")
        groups.setdefault(label, []).append(item)
    return list(groups.items())


@bp.route("/<int:council_id>/sessions/new", methods=["GET", "POST"])
@login_required
def session_new(council_id: int):
    council = _council(council_id)
    _require_secretary(council)
    if council.kind == CouncilKind.INITIATIVES:
        return _initiative_session_new(council)
    waiting = queries.waiting_nominations(council)
    form = SessionForm()
    form.nomination_ids.choices = options((n.id, str(n.id)) for n in waiting)
    error = None
    if form.validate_on_submit():
        try:
            session = ops.create_session(actor=current_user, council=council, held_on=form.held_on.data,
                                         place=(form.place.data or "").strip(), number=(form.number.data or "").strip(),
                                         nomination_ids=form.nomination_ids.data or [])
        except AwardsError as failure:
            db.session.rollback()
            error = _error(failure)
        else:
            flash(_("Đã lập phiên họp với %(n)s hồ sơ.", n=len(session.items)), "success")
            return redirect(url_for("councils.session", session_id=session.id))
    groups: dict[str, list] = {}
    for n in waiting:
        groups.setdefault(award_name(n.award), []).append(n)
    status = (error or {}).get("status", 422 if form.is_submitted() else 200)
    return render_template("councils/session_new.html", council=council, form=form, groups=list(groups.items()),
                           selected=set(form.nomination_ids.data or []), error=error), status


def _initiative_session_new(council: Council):
    """The agenda of an initiative council: initiatives under evaluation in its unit's subtree, each with the scope
    it is proposed to be recognised at (cơ sở unless the secretariat says otherwise)."""
    waiting = queries.waiting_initiatives(council)
    form = SessionForm()
    form.initiative_ids.choices = options((i.id, str(i.id)) for i in waiting)
    scopes = {i.id: request.form.get(f"scope-{i.id}") or InitiativeScope.BASE.value for i in waiting}
    error = None
    if form.validate_on_submit():
        chosen = form.initiative_ids.data or []
        try:
            session = ops.create_session(actor=current_user, council=council, held_on=form.held_on.data,
                                         place=(form.place.data or "").strip(), number=(form.number.data or "").strip(),
                                         initiative_ids=chosen, scopes={i: scopes[i] for i in chosen})
        except AwardsError as failure:
            db.session.rollback()
            error = _error(failure)
            waiting = queries.waiting_initiatives(council)
        else:
            flash(_("Đã lập phiên họp với %(n)s sáng kiến.", n=len(session.items)), "success")
            return redirect(url_for("councils.session", session_id=session.id))
    status = (error or {}).get("status", 422 if form.is_submitted() else 200)
    return render_template("councils/session_new.html", council=council, form=form, initiatives=waiting,
                           scopes=scopes, scope_labels=SCOPE_LABELS, groups=[],
                           selected=set(form.initiative_ids.data or []), error=error), status


def _round_rows(session: CouncilSession, voting_round: VotingRound, tally: dict) -> list[dict]:
    """A closed round's results: only ever built from the counts written when the round closed."""
    rows = []
    for item in session.items:
        count = voting_round.counts.get(str(item.id))
        if count is None:
            continue
        entry = tally[str(item.subject_id)]
        rows.append({"item": item, "yes": count["yes"], "no": count["no"],
                     "share": share_text(count["yes"], session.member_count or 0), "threshold": entry["threshold"],
                     "required": entry["required"], "passed": bool(count["passed"])})
    return rows


def _session_page(session: CouncilSession, *, error=None, status=200, written_form=None):
    council = session.council
    secretary = ops.is_secretary(current_user, council)
    member = ops.member_of(current_user, council)
    chair = secretary or (member is not None and member.role == MemberRole.CHAIR)
    current = ops.current_round(session)
    round_open = session.state == SessionState.OPEN and current is not None and current.state == RoundState.OPEN
    present = {a.member_id for a in session.attendance if a.present}
    context = {"session": session, "council": council, "secretary": secretary, "member": member, "chair": chair,
               "current": current, "round_open": round_open, "groups": _grouped(session.items), "error": error,
               "present": present, "attendance_known": bool(session.attendance),
               "quorum_rule": ops.quorum_rule(session),
               "scans": [a for a in session.attendance if a.scan_stored] if secretary else [],
               "version_form": VersionForm(formdata=None, data={"version": session.version}),
               "quotas": {q.award_id: q for q in session.quotas}}
    awards = {}
    for item in session.items:
        if item.nomination is not None:
            awards.setdefault(item.nomination.award_id, item.nomination.award)
    context["awards"] = list(awards.values())
    # The catalogue's quota for each award on the agenda, shown beside the session's own: the secretariat
    # sets the session's from it (awards decided in this very session, e.g. its LĐTT, change the base count).
    context["catalogue_quotas"] = {q.award: q for q in eligibility.quotas(council.unit, council.year)
                                   if q.limit is not None} if session.state == SessionState.PLANNED else {}
    tally = ops.tally(session) if session.member_count else {}
    context["tally"] = tally
    context["closed_rounds"] = [(r, _round_rows(session, r, tally)) for r in session.rounds
                                if r.state == RoundState.CLOSED]
    if round_open:
        in_round = [i for i in session.items if i.id in current.item_ids]
        marks = queries.voter_marks(session, current.number)
        voted = {m.member_id for m in marks}
        absent = [m for m in council.members if m.id not in present and m.id not in voted]
        secret_items = [i for i in in_round if i.secret]
        if written_form is None:
            written_form = with_votes(WrittenVoteForm, secret_items)(formdata=None,
                                                                     data={"round_number": current.number})
        written_form.person_id.choices = placeholder(_("— Chọn thành viên —")) + options(
            (m.person_id, m.person.full_name) for m in absent)
        context.update(in_round=in_round, marks=marks, ballots=ops.ballots_cast(session, current.number),
                       absent=absent, secret_items=secret_items, hands_items=[i for i in in_round if not i.secret],
                       written_form=written_form, vote_field_name=vote_field_name)
    if session.state == SessionState.OPEN and current is not None and current.state == RoundState.CLOSED:
        failed = [i for i in session.items if i.id in current.item_ids and not i.passed]
        context["second_round"] = failed if current.number < ops.max_rounds(session) else []
        ties = []
        for award_id, outcome in ops.ranking(session).items():
            if outcome.tied:
                ties.append({"award": awards[award_id], "outcome": outcome,
                             "decided": all(i.selected is not None for i in outcome.tied)})
        context["ties"] = ties
    return render_template("councils/session.html", **context), status


@bp.route("/sessions/<int:session_id>")
@login_required
def session(session_id: int):
    return _session_page(_session(session_id))


def _act(session_id: int, action, message: str, anchor: str = ""):
    """Run one operation; on a domain error show the session page with the reasons and the error's status."""
    try:
        action()
    except PermissionDenied:
        raise
    except AwardsError as failure:
        db.session.rollback()
        return _session_page(_session(session_id), error=_error(failure), status=failure.status)
    flash(message, "success")
    return redirect(url_for("councils.session", session_id=session_id) + anchor)


def _secretary_session(session_id: int) -> CouncilSession:
    session = _session(session_id)
    _require_secretary(session.council)
    return session


@bp.route("/sessions/<int:session_id>/attendance", methods=["POST"])
@login_required
def attendance(session_id: int):
    session = _secretary_session(session_id)
    form = AttendanceForm()
    form.validate()
    return _act(session_id, lambda: ops.record_attendance(
        actor=current_user, session=session, version=_int(form.version.data),
        present_person_ids=[m.person_id for m in session.council.members if m.id in set(form.present.data or [])]),
        _("Đã lưu điểm danh."), "#attendance")


@bp.route("/sessions/<int:session_id>/quota", methods=["POST"])
@login_required
def quota(session_id: int):
    session = _secretary_session(session_id)
    form = QuotaForm()
    if not form.validate():
        return _session_page(session, error={"status": 422, "message": _("Chỉ tiêu phải là số không âm."),
                                             "reasons": []}, status=422)
    return _act(session_id, lambda: ops.set_quota(actor=current_user, session=session, award_code=form.award_code.data,
                                                  max_count=form.max_count.data, note=(form.note.data or "").strip()),
                _("Đã lưu chỉ tiêu."), "#quotas")


@bp.route("/sessions/<int:session_id>/open", methods=["POST"])
@login_required
def open_session(session_id: int):
    session = _secretary_session(session_id)
    form = VersionForm()
    return _act(session_id, lambda: ops.open_session(actor=current_user, session=session,
                                                     version=_int(form.version.data)),
                _("Đã khai mạc phiên họp; vòng bỏ phiếu 1 đã mở."))


def _round_number(value, session: CouncilSession) -> int:
    number = _int(value)
    if number is None:
        current = ops.current_round(session)
        number = current.number if current is not None else 1
    return number


@bp.route("/sessions/<int:session_id>/written-vote", methods=["POST"])
@login_required
def written_vote(session_id: int):
    session = _secretary_session(session_id)
    current = ops.current_round(session)
    items = [i for i in session.items if current is not None and i.id in current.item_ids and i.secret]
    form = with_votes(WrittenVoteForm, items)()
    form.person_id.choices = placeholder("") + options((m.person_id, m.person.full_name)
                                                       for m in session.council.members)
    if not form.validate():
        error = {"status": 422, "message": _("Chọn thành viên vắng mặt và các lựa chọn trên phiếu."),
                 "reasons": [e for errors in form.errors.values() for e in errors]}
        return _session_page(session, error=error, status=422, written_form=None)
    upload = form.scan.data
    scan = (upload.filename or "phieu", upload.read()) if upload and getattr(upload, "filename", "") else None
    name = next((m.person.full_name for m in session.council.members if m.person_id == form.person_id.data), "")
    return _act(session_id, lambda: ops.record_written_vote(
        actor=current_user, session=session, person_id=form.person_id.data,
        round_number=_round_number(form.round_number.data, session), votes=votes_of(form, items), scan=scan),
        _("Đã ghi phiếu bằng văn bản của %(name)s.", name=name), "#round")


@bp.route("/sessions/<int:session_id>/hands", methods=["POST"])
@login_required
def hands(session_id: int):
    session = _secretary_session(session_id)
    form = HandsForm()
    if not form.validate():
        error = {"status": 422, "message": _("Nhập số đồng ý và không đồng ý (số không âm)."), "reasons": []}
        return _session_page(session, error=error, status=422)
    return _act(session_id, lambda: ops.record_hands(
        actor=current_user, session=session, round_number=_round_number(form.round_number.data, session),
        subject_id=_int(form.subject_id.data) or 0, yes=form.yes.data, no=form.no.data),
        _("Đã ghi kết quả biểu quyết giơ tay."), "#round")


@bp.route("/sessions/<int:session_id>/close-round", methods=["POST"])
@login_required
def close_round(session_id: int):
    session = _secretary_session(session_id)
    form = VersionForm()
    return _act(session_id, lambda: ops.close_round(actor=current_user, session=session,
                                                    version=_int(form.version.data)),
                _("Đã kết thúc vòng bỏ phiếu và kiểm phiếu."), "#results")


def _chair_session(session_id: int) -> CouncilSession:
    session = _session(session_id)
    require(ops.is_secretary(current_user, session.council) or ops.is_chair(current_user, session.council))
    return session


@bp.route("/sessions/<int:session_id>/second-round", methods=["POST"])
@login_required
def second_round(session_id: int):
    session = _chair_session(session_id)
    form = SecondRoundForm()
    form.validate()
    return _act(session_id, lambda: ops.open_second_round(actor=current_user, session=session,
                                                          subject_ids=form.subject_ids.data or [],
                                                          version=_int(form.version.data)),
                _("Đã mở vòng bỏ phiếu tiếp theo."))


@bp.route("/sessions/<int:session_id>/tie-break", methods=["POST"])
@login_required
def tie_break(session_id: int):
    session = _chair_session(session_id)
    form = TieBreakForm()
    form.validate()
    return _act(session_id, lambda: ops.break_tie(actor=current_user, session=session,
                                                  award_code=form.award_code.data or "",
                                                  subject_ids=form.subject_ids.data or [], note=form.note.data or "",
                                                  version=_int(form.version.data)),
                _("Đã ghi ý kiến của Chủ tịch Hội đồng."), "#results")


@bp.route("/sessions/<int:session_id>/close", methods=["POST"])
@login_required
def close(session_id: int):
    session = _secretary_session(session_id)
    form = VersionForm()
    return _act(session_id, lambda: ops.close_session(actor=current_user, session=session,
                                                      version=_int(form.version.data)),
                _("Đã bế mạc phiên họp; biên bản và biên bản kiểm phiếu đã được lưu."))


@bp.route("/sessions/<int:session_id>/<any(minutes, tally):kind>.pdf")
@login_required
def document(session_id: int, kind: str):
    session = _session(session_id)
    stored = session.minutes if kind == "minutes" else session.tally
    if session.state != SessionState.CLOSED or stored is None:
        raise NotFound()
    return send_file(BytesIO(stored.content), mimetype="application/pdf", as_attachment=False,
                     download_name=stored.filename, max_age=0)


@bp.route("/sessions/<int:session_id>/scans/<int:member_id>")
@login_required
def scan(session_id: int, member_id: int):
    """The scanned paper of an absent member's written vote: the secretariat entered it, only it reads it back."""
    session = _session(session_id)
    _require_secretary(session.council)
    row = next((a for a in session.attendance if a.member_id == member_id and a.scan_stored), None)
    if row is None:
        raise NotFound()
    return send_file(scan_path(row.scan_stored), as_attachment=True, download_name=row.scan_name, max_age=0)


# --- the member's ballot -------------------------------------------------------------------------------------

def _ballot_page(session: CouncilSession, *, form=None, stage="form", error=None, status=200):
    council = session.council
    member = ops.member_of(current_user, council)
    current = ops.current_round(session)
    round_open = session.state == SessionState.OPEN and current is not None and current.state == RoundState.OPEN
    items = [i for i in session.items if round_open and i.id in current.item_ids and i.secret]
    attendance = next((a for a in session.attendance if a.member_id == member.id), None)
    voted = round_open and any(m.member_id == member.id for m in queries.voter_marks(session, current.number))
    if form is None and round_open:
        form = with_votes(BallotForm, items)(formdata=None, data={"round_number": current.number})
    return render_template("councils/ballot.html", session=session, council=council, member=member,
                           current=current, round_open=round_open, items=items, form=form, stage=stage,
                           absent=attendance is not None and not attendance.present, voted=voted, error=error,
                           vote_field_name=vote_field_name, name=council_name(session)), status


def _member_session(session_id: int) -> CouncilSession:
    session = _session(session_id)
    require(ops.member_of(current_user, session.council) is not None)  # the secretariat does not vote here
    return session


@bp.route("/sessions/<int:session_id>/ballot", methods=["GET", "POST"])
@login_required
def ballot(session_id: int):
    session = _member_session(session_id)
    if request.method == "GET":
        return _ballot_page(session)
    current = ops.current_round(session)
    number = _int(request.form.get("round_number"))
    if current is None or current.number != number or current.state != RoundState.OPEN:
        # A form of a round that has closed since it was shown: nothing of it is accepted any more.
        return _ballot_page(session, error=_error(ops.RoundClosed()), status=ops.RoundClosed.status)
    items = [i for i in session.items if i.id in current.item_ids and i.secret]
    form = with_votes(BallotForm, items)()
    if not form.validate():
        error = {"status": 422, "message": _("Phiếu không hợp lệ; hãy chọn lại."),
                 "reasons": [e for errors in form.errors.values() for e in errors]}
        return _ballot_page(session, form=form, error=error, status=422)
    if form.confirmed.data != "1" or "edit" in request.form:
        return _ballot_page(session, form=form, stage="form" if "edit" in request.form else "confirm")
    try:
        ops.cast_ballot(actor=current_user, session=session, round_number=number or 0, votes=votes_of(form, items))
    except PermissionDenied:
        raise
    except AwardsError as failure:
        db.session.rollback()
        return _ballot_page(_member_session(session_id), error=_error(failure), status=failure.status)
    flash(_("Đã ghi nhận phiếu bầu vòng %(n)s.", n=number), "success")
    return redirect(url_for("councils.ballot", session_id=session_id))
