"""Every route × every role (and anonymous), generated from the URL map, with cross-unit attempts.

The table ACCESS says, for each endpoint, who may GET it and who may POST to it when the record is inside
the user's scope. The test then checks, for every role:
- in scope: allowed → not 401/403/404; not allowed → 403 (pages) — never the page itself;
- out of scope (the same endpoint with a record of another province): every role → 404 or 403,
  never the record (404 for those who could act on it in their own scope: existence does not leak);
- anonymous: pages redirect to /login, the API answers 401, public endpoints answer 200.
A route missing from ACCESS fails the test, so every new route must say who may use it.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import current_app, url_for
from sqlalchemy import select

from awards.catalogue.models import Award
from awards.councils.models import (AgendaItem, Attendance, Council, CouncilMember, CouncilSession, MemberRole,
                                    SessionState, StoredDocument)
from awards.decisions.models import CertificateJob, Decision, DecisionItem, DecisionState, JobState
from awards.extensions import db
from awards.initiatives.models import InitiativeScope
from awards.initiatives.operations import save_initiative
from awards.metrics.models import MetricReport
from awards.nominations.models import Attachment, Batch, Nomination
from awards.org import operations as ops
from awards.org.models import ClusterRole, DisciplineLevel, Role, UnitKind
from tests.factories import make_person, make_unit, make_user

ROLES = tuple(Role)
ANY = frozenset(ROLES)
STAFF = frozenset({Role.ADMIN, Role.HR})
ADMIN = frozenset({Role.ADMIN})
NOBODY = frozenset()
PROPOSER = frozenset({Role.PROPOSER})
SECRETARY = frozenset({Role.SECRETARY})
WORKFLOW = frozenset({Role.PROPOSER, Role.SECRETARY, Role.APPROVER, Role.HR, Role.ADMIN})
COUNCIL_VIEW = frozenset({Role.SECRETARY, Role.APPROVER, Role.COUNCIL_MEMBER, Role.HR, Role.ADMIN})
SECRETARIAT = frozenset({Role.SECRETARY, Role.ADMIN})
DECISION_READERS = frozenset({Role.ADMIN, Role.HR, Role.APPROVER, Role.SECRETARY, Role.VIEWER})
PUBLIC = "public"


@dataclass(frozen=True)
class Access:
    get: frozenset | str | None = None      # roles allowed to GET; PUBLIC; None = no GET route
    post: frozenset | str | None = None     # roles allowed to POST
    params: str | None = None               # which record the URL names (key of World.params)
    api: bool = False


ACCESS: dict[str, Access] = {
    # sign-in and the shell
    "auth.login": Access(get=PUBLIC, post=PUBLIC),
    "auth.logout": Access(post=ANY),
    "auth.set_language": Access(post=PUBLIC, params="language"),
    "static": Access(get=PUBLIC, params="static"),
    "bootstrap.static": Access(get=PUBLIC, params="bootstrap"),
    # organisation pages
    "org.dashboard": Access(get=ANY),
    "org.unit_tree": Access(get=ANY),
    "org.unit": Access(get=ANY, params="unit"),
    "org.people": Access(get=ANY),
    "org.person": Access(get=ANY, params="person"),
    "search.index": Access(get=ANY),  # every group narrowed to the user's scope (tests/integration/test_search.py)
    # imports
    "imports.index": Access(get=STAFF, post=STAFF),
    "imports.confirm": Access(post=STAFF),
    "imports.template": Access(get=STAFF, params="import_kind"),
    # administration
    "admin.index": Access(get=ADMIN),
    "admin.units": Access(get=ADMIN),
    "admin.unit_new": Access(get=ADMIN, post=ADMIN),
    "admin.unit_edit": Access(get=ADMIN, post=ADMIN, params="unit"),
    "admin.unit_name_add": Access(post=ADMIN, params="unit"),
    "admin.unit_ratings": Access(get=STAFF, post=STAFF, params="unit"),
    "admin.clusters": Access(get=ADMIN),
    "admin.cluster_new": Access(get=ADMIN, post=ADMIN),
    "admin.cluster_edit": Access(get=ADMIN, post=ADMIN, params="cluster"),
    "admin.cluster_member_set": Access(post=ADMIN, params="cluster"),
    "admin.cluster_member_remove": Access(post=ADMIN, params="cluster_member"),
    "admin.person_new": Access(get=STAFF, post=STAFF),
    "admin.person_edit": Access(get=STAFF, post=STAFF, params="person"),
    "admin.person_assign": Access(post=STAFF, params="person"),
    "admin.person_rating": Access(post=STAFF, params="person"),
    "admin.discipline_add": Access(post=STAFF, params="person"),
    "admin.discipline_edit": Access(get=STAFF, post=STAFF, params="discipline"),
    "admin.discipline_delete": Access(post=STAFF, params="discipline"),
    "admin.users": Access(get=ADMIN),
    "admin.user_new": Access(get=ADMIN, post=ADMIN),
    "admin.user_edit": Access(get=ADMIN, post=ADMIN, params="account"),
    "admin.user_role_add": Access(post=ADMIN, params="account"),
    "admin.user_role_remove": Access(post=ADMIN, params="account_role"),
    "admin.user_token": Access(post=ADMIN, params="account"),
    "admin.user_token_revoke": Access(post=ADMIN, params="account_token"),
    # emulation years are shared by all units: only an admin of a top-level unit (none in this world)
    "admin.years": Access(get=NOBODY, post=NOBODY),
    "admin.year_edit": Access(get=NOBODY, post=NOBODY, params="year"),
    # issuers' signing keys: an admin over the unit (a unit without legal personality shows why it needs none)
    "signing_keys.index": Access(get=ADMIN),
    "signing_keys.unit": Access(get=ADMIN, post=ADMIN, params="unit"),
    "signing_keys.remove": Access(post=ADMIN, params="unit"),
    # API
    "api-docs.openapi_json": Access(get=PUBLIC, api=True),
    "api_org.list_units": Access(get=ANY, api=True),
    "api_org.get_unit": Access(get=ANY, params="unit", api=True),
    "api_org.list_people": Access(get=ANY, api=True),
    "api_org.get_person": Access(get=ANY, params="person", api=True),
    "api_metrics.unit_metrics": Access(get=ANY, params="unit_metrics", api=True),
    "api_metrics.person_metrics": Access(get=ANY, params="person_metrics", api=True),
    "api_metrics.cluster_metrics": Access(get=ANY, params="cluster_metrics", api=True),
    # metrics pages (read-only)
    "metrics.unit_metrics": Access(get=ANY, params="unit"),
    "metrics.unit_compare": Access(get=ANY, params="unit"),
    "metrics.person_metrics": Access(get=ANY, params="person"),
    "metrics.cluster_metrics": Access(get=ANY, params="branch_cluster"),
    # initiatives
    "initiatives.register": Access(get=frozenset({Role.PROPOSER, Role.HR, Role.ADMIN}),
                                   post=frozenset({Role.PROPOSER, Role.HR, Role.ADMIN})),
    "initiatives.transition": Access(post=frozenset({Role.SECRETARY, Role.APPROVER}), params="initiative"),
    "initiatives.index": Access(get=ANY),
    "initiatives.new": Access(get=STAFF, post=STAFF),
    "initiatives.detail": Access(get=ANY, params="initiative"),
    "initiatives.edit": Access(get=STAFF, post=STAFF, params="initiative"),
    "initiatives.record_use": Access(post=STAFF, params="initiative"),
    "initiatives.release_use": Access(post=STAFF, params="initiative"),
    # catalogue (read by all, changed by a top-level admin only — none in this world)
    "catalogue.awards": Access(get=ANY),
    "catalogue.award_edit": Access(get=NOBODY, post=NOBODY, params="award"),
    "catalogue.legal_bases": Access(get=ANY),
    "catalogue.legal_basis_new": Access(get=NOBODY, post=NOBODY),
    "catalogue.legal_basis_edit": Access(get=NOBODY, post=NOBODY, params="legal_basis"),
    "catalogue.parameters": Access(get=ANY),
    "catalogue.parameter_new": Access(get=NOBODY, post=NOBODY, params="parameter_key"),
    "catalogue.parameter_edit": Access(get=NOBODY, post=NOBODY, params="parameter_version"),
    "catalogue.history": Access(get=ADMIN),
    # eligibility (read-only; the person / unit must be in scope, else 404)
    "eligibility.person_page": Access(get=ANY, params="person"),
    "eligibility.unit_page": Access(get=ANY, params="unit"),
    "api_eligibility.person_eligibility": Access(get=ANY, params="person_eligibility", api=True),
    "api_eligibility.unit_eligibility": Access(get=ANY, params="unit_eligibility", api=True),
    "api_eligibility.unit_suggestions": Access(get=ANY, params="unit_year", api=True),
    "api_eligibility.unit_quotas": Access(get=ANY, params="unit_year", api=True),
    # nominations API: reads for anyone in scope; writes need a bearer token (a session alone answers 401),
    # who may do what is tested in test_api_nominations.py
    "api_nominations.create_nomination": Access(post=ANY, api=True),
    "api_nominations.list_nominations": Access(get=ANY, api=True),
    "api_nominations.get_nomination": Access(get=ANY, params="nomination", api=True),
    "api_nominations.add_attachment": Access(post=ANY, params="nomination", api=True),
    "api_nominations.fire_transition": Access(post=ANY, params="nomination", api=True),
    "api_nominations.create_batch": Access(post=ANY, api=True),
    "api_nominations.submit_batch": Access(post=ANY, params="batch", api=True),
    # nomination pages (an empty POST from an allowed role answers 409/422, never 401/403/404)
    "nominations.index": Access(get=ANY),
    "nominations.queue": Access(get=ANY),
    "nominations.awaiting": Access(get=ANY),
    "nominations.new": Access(get=PROPOSER, post=PROPOSER),
    "nominations.detail": Access(get=ANY, params="nomination"),
    "nominations.edit": Access(get=ANY, post=PROPOSER, params="nomination"),
    "nominations.upload": Access(post=PROPOSER, params="nomination"),
    "nominations.download": Access(get=ANY, params="attachment"),
    "nominations.transition": Access(post=WORKFLOW, params="nomination"),
    "nominations.bulk": Access(post=SECRETARY),
    "nominations.batches": Access(get=ANY),
    "nominations.batch_new": Access(get=PROPOSER, post=PROPOSER),
    "nominations.batch": Access(get=ANY, params="batch"),
    "nominations.batch_add": Access(post=PROPOSER, params="batch"),
    "nominations.batch_submit": Access(post=PROPOSER, params="batch"),
    "nominations.notifications": Access(get=ANY),
    # reminders: each user's own; deadlines managed by admins and HR (records named in the form, tested in
    # test_reminders.py)
    "reminders.index": Access(get=ANY),
    "reminders.mark_read": Access(post=ANY),
    "reminders.account": Access(get=ANY, post=ANY),
    "reminders.deadlines": Access(get=STAFF, post=STAFF),
    "reminders.deadline_delete": Access(post=STAFF),
    "nominations.batch_pdf": Access(get=ANY, params="batch"),
    # council pages: council roles over the unit (and the people who sit on the council) see them; the
    # secretariat (or an admin over the unit) runs sessions; the chair's actions are also the secretariat's
    # (it records the chair's decision); only seated members vote — no World user is linked to a member.
    # cluster scoring (who may do what in detail: tests/integration/test_cluster_scoring.py)
    "clusters.year_page": Access(get=ANY, params="scoring_cluster"),
    "clusters.template_new": Access(post=SECRETARIAT, params="scoring_cluster"),
    "clusters.flag": Access(post=frozenset({Role.PROPOSER, Role.ADMIN}), params="scoring_cluster"),
    "clusters.scorecard": Access(get=ANY, params="scoring_card"),
    "clusters.scorecard_save": Access(post=frozenset({Role.PROPOSER, Role.SECRETARY, Role.ADMIN}),
                                      params="scoring_card"),
    "clusters.scorecard_review": Access(post=frozenset({Role.SECRETARY, Role.APPROVER, Role.ADMIN}),
                                        params="scoring_card"),
    # decision pages: HR/admin over the issuer act; approvers and the secretariat read; viewers read issued ones (the
    # world's decision is issued); council members and the proposer whose branch is in it get 403
    "decisions.index": Access(get=DECISION_READERS),
    "decisions.new": Access(get=STAFF, post=STAFF),
    "decisions.external": Access(get=STAFF, post=STAFF),
    "decisions.detail": Access(get=DECISION_READERS, params="decision"),
    "decisions.pdf": Access(get=DECISION_READERS, params="decision"),
    "decisions.edit": Access(post=STAFF, params="decision"),
    "decisions.issue": Access(post=STAFF, params="decision"),
    "decisions.delete": Access(post=STAFF, params="decision"),
    "decisions.revoke": Access(post=STAFF, params="decision"),
    "councils.index": Access(get=ANY),
    "councils.new": Access(get=SECRETARIAT, post=SECRETARIAT),
    "councils.detail": Access(get=COUNCIL_VIEW, params="council"),
    "councils.session_new": Access(get=SECRETARIAT, post=SECRETARIAT, params="council"),
    "councils.session": Access(get=COUNCIL_VIEW, params="council_session"),
    "councils.attendance": Access(post=SECRETARIAT, params="council_session"),
    "councils.quota": Access(post=SECRETARIAT, params="council_session"),
    "councils.open_session": Access(post=SECRETARIAT, params="council_session"),
    "councils.written_vote": Access(post=SECRETARIAT, params="council_session"),
    "councils.hands": Access(post=SECRETARIAT, params="council_session"),
    "councils.close_round": Access(post=SECRETARIAT, params="council_session"),
    "councils.second_round": Access(post=SECRETARIAT, params="council_session"),
    "councils.tie_break": Access(post=SECRETARIAT, params="council_session"),
    "councils.close": Access(post=SECRETARIAT, params="council_session"),
    "councils.document": Access(get=COUNCIL_VIEW, params="council_document"),
    "councils.scan": Access(get=SECRETARIAT, params="council_scan"),
    "councils.ballot": Access(get=NOBODY, post=NOBODY, params="council_session"),
    # councils API: reads as the pages (council roles over the unit, or a seat); writes need a bearer token and the
    # operations check the roles (tested in test_api_councils.py)
    "api_councils.create_council": Access(post=ANY, api=True),
    "api_councils.get_council": Access(get=COUNCIL_VIEW, params="council", api=True),
    "api_councils.create_session": Access(post=ANY, params="council", api=True),
    "api_councils.get_session": Access(get=COUNCIL_VIEW, params="council_session", api=True),
    "api_councils.set_quota": Access(post=ANY, params="council_session", api=True),
    "api_councils.record_attendance": Access(post=ANY, params="council_session", api=True),
    "api_councils.open_session": Access(post=ANY, params="council_session", api=True),
    "api_councils.cast_ballot": Access(post=ANY, params="council_session", api=True),
    "api_councils.record_written_vote": Access(post=ANY, params="council_session", api=True),
    "api_councils.record_hands": Access(post=ANY, params="council_session", api=True),
    "api_councils.close_round": Access(post=ANY, params="council_session", api=True),
    "api_councils.open_second_round": Access(post=ANY, params="council_session", api=True),
    "api_councils.break_tie": Access(post=ANY, params="council_session", api=True),
    "api_councils.close_session": Access(post=ANY, params="council_session", api=True),
    "api_councils.session_document": Access(get=COUNCIL_VIEW, params="council_document", api=True),
    # decisions API: read as the decision pages; operations check who writes (tested in test_api_decisions.py);
    # certificates are HR's; the verification is public (a certificate's QR code leads there)
    "api_decisions.create_decision": Access(post=ANY, api=True),
    "api_decisions.list_decisions": Access(get=ANY, api=True),
    "api_decisions.get_decision": Access(get=DECISION_READERS, params="decision", api=True),
    "api_decisions.issue_decision": Access(post=ANY, params="decision", api=True),
    "api_decisions.decision_pdf": Access(get=DECISION_READERS, params="decision", api=True),
    "api_decisions.decision_certificates": Access(get=STAFF, params="decision", api=True),
    "api_decisions.verify_certificate": Access(get=PUBLIC, params="certificate_token", api=True),
    # reports: anyone with the unit in scope (the API's scope 404 is tested in test_api_reports.py)
    "reports.index": Access(get=ANY),
    "reports.year_end": Access(get=ANY, params="unit_year"),
    "reports.year_end_xlsx": Access(get=ANY, params="unit_year"),
    "reports.year_end_pdf": Access(get=ANY, params="unit_year"),
    "reports.metrics_xlsx": Access(get=ANY, params="unit_year"),
    "api_reports.year_end": Access(get=ANY, api=True),
    # certificates of a decision: HR/admin over the issuer (the world's decision has a finished job and its file)
    "certificates.progress": Access(get=STAFF, params="decision"),
    "certificates.start": Access(post=STAFF, params="decision"),
    "certificates.retry": Access(post=STAFF, params="decision"),
    "certificates.status": Access(get=STAFF, params="decision"),
    "certificates.download": Access(get=STAFF, params="decision"),
    "certificates.calibration": Access(get=STAFF, post=STAFF),
    "certificates.calibration_sample": Access(get=STAFF),
    # the page a certificate's QR code opens: anyone, signed in or not
    "verify.certificate": Access(get=PUBLIC, params="certificate_token"),
}


@dataclass
class World:
    """Two provinces under one root; every role is held at Đồng Tháp (the proposer at one branch of it).

    ``inside`` records sit in that branch (visible to every role); ``outside`` ones in Thanh Hóa.
    """

    users: dict = field(default_factory=dict)
    inside: dict = field(default_factory=dict)
    outside: dict = field(default_factory=dict)

    def params(self, key: str | None, inside: bool) -> dict | None:
        if key is None:
            return {}
        fixed = {"language": {"code": "en"}, "static": {"filename": "css/app.css"},
                 "bootstrap": {"filename": "css/bootstrap.min.css"}, "import_kind": {"kind": "people"},
                 "year": {"label": 2021}, "award": {"code": "LDTT"}, "legal_basis": {"code": "ND98_2023"},
                 "parameter_key": {"key": "base_salary"},
                 "parameter_version": {"key": "base_salary", "effective_from": "2024-07-01"},
                 # public: the inside decision's certificate (another province's is as public: not tried outside)
                 "certificate_token": {"token": "access-token-in-0000"}}
        if key in fixed:
            return fixed[key] if inside else None
        side = self.inside if inside else self.outside
        return side[key]


def _side(province, branch, tag: str) -> dict:
    person = make_person(branch, f"P-{tag}")
    initiative = save_initiative(f"SK-{tag}", title=f"Sáng kiến {tag}", authors=[person], unit=branch, year=2021,
                                 scope=InitiativeScope.BASE)
    discipline = ops.record_discipline(person, DisciplineLevel.KHIEN_TRACH, date(2021, 3, 1))
    cluster = ops.save_cluster(f"C-{tag}", name=f"Cụm {tag}", organiser=province)
    member = ops.set_cluster_member(cluster, 2021, branch, ClusterRole.MEMBER)
    account = make_user(f"acct-{tag}", (Role.VIEWER, branch))
    ops.issue_api_token(account)
    # Figures (a visible subject without any answers 404 "no_figures"), and a cluster every role of that
    # side sees: one organised by the branch (the proposer's scope is the branch, a cluster is visible when
    # its organiser is).
    branch_cluster = ops.save_cluster(f"CB-{tag}", name=f"Cụm chi cục {tag}", organiser=branch)
    ops.set_cluster_member(branch_cluster, 2021, branch, ClusterRole.MEMBER)
    for subject in ({"unit": branch}, {"person": person}):
        db.session.add(MetricReport(year=2021, month=6, **subject, cases_received=10, cases_enforceable=8,
                                    cases_completed=4, money_received=100, money_enforceable=80, money_completed=40))
    # Cluster scoring: organised by the branch (every role of the side sees it), led by the province, so the
    # province's secretary, approver and admin review the branch's card.
    scoring = ops.save_cluster(f"CS-{tag}", name=f"Cụm chấm điểm {tag}", organiser=branch)
    ops.set_cluster_member(scoring, 2021, province, ClusterRole.LEADER)
    ops.set_cluster_member(scoring, 2021, branch, ClusterRole.MEMBER)
    ldtt = db.session.scalar(select(Award).where(Award.code == "LDTT"))
    nomination = Nomination(person_id=person.id, award_id=ldtt.id, year=2021, proposing_unit_id=branch.id,
                            deciding_unit_id=province.id, state="submitted", summary="")
    batch = Batch(unit_id=branch.id, deciding_unit_id=province.id, year=2021, title=f"Tờ trình {tag}")
    db.session.add_all([nomination, batch])
    db.session.flush()
    stored = f"access-{tag.lower()}-{uuid.uuid4().hex}"
    (Path(current_app.config["UPLOAD_DIR"]) / "attachments").mkdir(parents=True, exist_ok=True)
    (Path(current_app.config["UPLOAD_DIR"]) / "attachments" / stored).write_bytes(b"%PDF-1.4\n")
    attachment = Attachment(nomination_id=nomination.id, kind="other", original_name="a.pdf", stored_name=stored,
                            content_type="application/pdf", size=9, sha256="0" * 64)
    db.session.add(attachment)
    # A council at the branch (every role of the side has it in scope: roles without a council role get 403).
    council = Council(unit_id=branch.id, year=2021, name=f"Hội đồng {tag}")
    council.members.append(CouncilMember(person_id=person.id, role=MemberRole.CHAIR, position=0))
    planned = CouncilSession(council=council, held_on=date(2021, 12, 20), state=SessionState.PLANNED)
    planned.items.append(AgendaItem(nomination_id=nomination.id, position=0, secret=False))
    pdf = b"%PDF-1.4\n%%EOF\n"
    closed = CouncilSession(council=council, held_on=date(2021, 12, 1), state=SessionState.CLOSED,
                            member_count=1, present_count=1,
                            minutes=StoredDocument(kind="minutes", filename="bien-ban.pdf", content=pdf,
                                                   sha256="0" * 64),
                            tally=StoredDocument(kind="tally", filename="kiem-phieu.pdf", content=pdf,
                                                 sha256="0" * 64))
    scan = f"access-scan-{tag.lower()}-{uuid.uuid4().hex}.pdf"
    (Path(current_app.config["UPLOAD_DIR"]) / "written-votes").mkdir(parents=True, exist_ok=True)
    (Path(current_app.config["UPLOAD_DIR"]) / "written-votes" / scan).write_bytes(b"%PDF-1.4\n")
    closed.attendance.append(Attendance(member=council.members[0], present=False, scan_name="phieu.pdf",
                                        scan_stored=scan))
    db.session.add_all([council, planned, closed])
    # An issued decision of the province granting a nomination the branch proposed (so the branch's proposer has
    # it in scope: 403, not 404).
    granted = Nomination(person_id=person.id, award_id=ldtt.id, year=2020, proposing_unit_id=branch.id,
                         deciding_unit_id=province.id, state="decided", summary="")
    decision = Decision(state=DecisionState.ISSUED, issuer=province, year=2021, award_year=2020, number=1,
                        decided_on=date(2021, 1, 10), issued_at=datetime(2021, 1, 10, tzinfo=UTC),
                        pdf=StoredDocument(kind="decision", filename="qd.pdf", content=pdf, sha256="0" * 64))
    decision.items.append(DecisionItem(nomination=granted, person_id=person.id, award_id=ldtt.id, money=450_000,
                                       token=f"access-token-{tag.lower()}-0000"))
    db.session.add_all([granted, decision])
    certificates = Path(current_app.config["DOCUMENT_DIR"]) / f"giay-khen-{tag}.pdf"
    certificates.parent.mkdir(parents=True, exist_ok=True)
    certificates.write_bytes(b"%PDF-1.4\n")
    db.session.add(CertificateJob(decision=decision, state=JobState.DONE, total=1, done_count=1,
                                  path=certificates.name, sha256="0" * 64, size=9, attempts=1))
    db.session.commit()
    token = account.tokens[0]
    role = account.roles[0]
    return {
        "unit": {"code": branch.code},
        "person": {"code": person.code},
        "discipline": {"discipline_id": discipline.id},
        "cluster": {"code": cluster.code},
        "cluster_member": {"code": cluster.code, "member_id": member.id},
        "account": {"user_id": account.id},
        "account_role": {"user_id": account.id, "role_id": role.id},
        "account_token": {"user_id": account.id, "token_id": token.id},
        "branch_cluster": {"code": branch_cluster.code},
        "initiative": {"code": initiative.code},
        "person_eligibility": {"code": person.code, "year": 2021, "award": "LDTT"},
        "unit_eligibility": {"code": branch.code, "year": 2021, "award": "TTLDTT"},
        "unit_year": {"code": branch.code, "year": 2021},
        "nomination": {"nomination_id": nomination.id},
        "batch": {"batch_id": batch.id},
        "attachment": {"nomination_id": nomination.id, "attachment_id": attachment.id},
        "unit_metrics": {"code": branch.code, "year": 2021},
        "person_metrics": {"code": person.code, "year": 2021},
        "cluster_metrics": {"code": branch_cluster.code, "year": 2021},
        "scoring_cluster": {"code": scoring.code, "year": 2021},
        "scoring_card": {"code": scoring.code, "year": 2021, "unit_code": branch.code},
        "council": {"council_id": council.id},
        "council_session": {"session_id": planned.id},
        "council_document": {"session_id": closed.id, "kind": "minutes"},
        "council_scan": {"session_id": closed.id, "member_id": council.members[0].id},
        "decision": {"decision_id": decision.id},
    }


@pytest.fixture()
def world(db, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "DOCUMENT_DIR", str(tmp_path / "documents"))
    root = make_unit("ROOT", kind=UnitKind.GENERAL_DEPARTMENT, legal_personality=True)
    dt = make_unit("DTX", parent=root, kind=UnitKind.PROVINCIAL_DEPARTMENT, legal_personality=True)
    th = make_unit("THX", parent=root, kind=UnitKind.PROVINCIAL_DEPARTMENT, legal_personality=True)
    dt_a = make_unit("DTX-A", parent=dt)
    th_a = make_unit("THX-A", parent=th)
    w = World()
    for role in ROLES:
        scope = dt_a if role == Role.PROPOSER else dt
        w.users[role] = make_user(f"as-{role.value}", (role, scope))
    w.inside = _side(dt, dt_a, "IN")
    w.outside = _side(th, th_a, "OUT")
    return w


def _url(app, endpoint: str, params: dict) -> str:
    with app.test_request_context():
        return url_for(endpoint, **params)


def _methods(rule) -> set[str]:
    return set(rule.methods) - {"HEAD", "OPTIONS"}


def test_every_route_is_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ACCESS.keys() == set(), "add these routes to ACCESS with who may use them"
    assert ACCESS.keys() - endpoints == set(), "these ACCESS entries name routes that no longer exist"
    for rule in app.url_map.iter_rules():
        access = ACCESS[rule.endpoint]
        assert ("GET" in rule.methods) == (access.get is not None), rule.endpoint
        assert ("POST" in rule.methods) == (access.post is not None), rule.endpoint


def _allowed(who, role) -> bool:
    return who == PUBLIC or (who is not None and role in who)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_every_route_for_every_role(app, client, world, login, role):
    login(world.users[role])
    problems = []
    for rule in app.url_map.iter_rules():
        access = ACCESS[rule.endpoint]
        if rule.endpoint == "auth.logout":
            continue  # signing out would end this loop's session; tested in test_auth
        for method in sorted(_methods(rule)):
            who = access.get if method == "GET" else access.post
            for inside in (True, False):
                params = world.params(access.params, inside)
                if params is None or (not inside and access.params is None):
                    continue
                url = _url(app, rule.endpoint, params)
                response = client.open(url, method=method, data={})
                status = response.status_code
                if access.api and method != "GET":
                    ok = status == 401  # the API takes writes with a bearer token only, never a session alone
                elif inside and _allowed(who, role):
                    ok = status not in (401, 403, 404) and status < 500
                elif inside:
                    ok = status == 403
                elif _allowed(who, role):
                    ok = status == 404
                else:
                    ok = status in (403, 404)
                if rule.endpoint == "auth.login" and status == 302:
                    ok = True  # a signed-in user is sent to the dashboard
                if not ok:
                    problems.append(f"{method} {url} as {role.value}: {status}")
    assert problems == []


def test_anonymous_users_are_sent_to_sign_in(app, client, world):
    problems = []
    for rule in app.url_map.iter_rules():
        access = ACCESS[rule.endpoint]
        for method in sorted(_methods(rule)):
            who = access.get if method == "GET" else access.post
            url = _url(app, rule.endpoint, world.params(access.params, True))
            response = client.open(url, method=method, data={})
            status = response.status_code
            if who == PUBLIC:
                ok = status in (200, 302, 400, 401) if method == "POST" else status == 200
            elif access.api:
                ok = status == 401
            else:
                ok = status == 302 and "/login" in response.headers.get("Location", "")
            if not ok:
                problems.append(f"{method} {url}: {status}")
    assert problems == []


def test_every_post_form_refuses_a_missing_csrf_token(app, client, world, login):
    login(world.users[Role.ADMIN])
    app.config["WTF_CSRF_ENABLED"] = True
    problems = []
    try:
        for rule in app.url_map.iter_rules():
            access = ACCESS[rule.endpoint]
            if "POST" not in rule.methods or access.api:
                continue
            url = _url(app, rule.endpoint, world.params(access.params, True))
            status = client.post(url, data={}).status_code
            if status != 400:
                problems.append(f"POST {url}: {status}")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert problems == []


def test_a_cross_unit_api_token_sees_nothing_of_the_other_province(app, client, world):
    token = ops.issue_api_token(world.users[Role.PROPOSER])
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    people = client.get("/api/v1/people", headers=headers).get_json()
    assert {p["code"] for p in people["items"]} == {"P-IN"}
    units = client.get("/api/v1/units", headers=headers).get_json()
    codes = {u["code"] for u in (units["items"] if isinstance(units, dict) else units)}
    assert codes == {"DTX-A"}
    for url in ("/api/v1/people/P-OUT", "/api/v1/units/THX-A", "/api/v1/people?unit=THX-A", "/api/v1/units/DTX"):
        assert client.get(url, headers=headers).status_code == 404, url
