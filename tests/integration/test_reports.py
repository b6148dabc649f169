"""The year-end awards report: dossiers built through the operations (nominations, issued and revoked decisions,
referrals), then every count checked for a province, its parent and a branch; the XLSX files read back; the
pages, the PDF, scope; and the demo province's 2021 report against the demo's own records."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from awards.decisions import operations as decisions
from awards.decisions.models import Decision, DecisionItem, DecisionKind, DecisionState
from awards.extensions import db as _db
from awards.initiatives.models import Initiative
from awards.metrics.models import MetricReport, MetricTarget
from awards.nominations import operations as nominations
from awards.nominations.attachments import add_attachment
from awards.nominations.models import Nomination, TransitionLog
from awards.org.models import Person, Role, Unit, YearlyRating
from awards.org.permissions import subtree_ids
from awards.reports import queries
from tests.api_checks import count_statements
from tests.factories import make_person, make_user
from tests.integration.test_demo import demo_db  # noqa: F401 (the class-scoped seeded database)
from workflows.engine import SYSTEM

DAY = date(2022, 1, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _nominee(unit, year=2021):
    person = make_person(unit)
    for y in (year - 1, year):
        _db.session.add(YearlyRating(person=person, year=y, rating="HTXSNV"))
    _db.session.flush()
    return person


def _passed(proposer, nominee, award, year=2021):
    """A nomination at its council's outcome (the steps before are the nominations module's, tested there)."""
    nomination = nominations.create_nomination(actor=proposer, nominee=nominee, award_code=award, year=year)
    nomination.state = "council_passed"
    _db.session.flush()
    return nomination


def _approved(proposer, approver, nominee, award, year=2021):
    nomination = _passed(proposer, nominee, award, year)
    nominations.transition(nomination, "approve", actor=approver)
    return nomination


def _referred(org, nominee, award):
    """Submitted with its report, reviewed, passed and referred upward by the Cục's approver: a real ``refer``."""
    nomination = nominations.create_nomination(actor=org.proposer, nominee=nominee, award_code=award, year=2021)
    nomination.proposer_note = "Thành tích đột xuất trong năm"
    add_attachment(nomination, actor=org.proposer, kind="achievement_report", filename="bc.pdf", data=PDF)
    nominations.transition(nomination, "submit", actor=org.proposer)
    nominations.transition(nomination, "start_review", actor=org.secretary)
    nominations.transition(nomination, "schedule", actor=org.secretary)
    nominations.transition(nomination, "council_pass", actor=SYSTEM)
    nominations.transition(nomination, "refer", actor=org.approver, comment="Trình Tổng cục")
    return nomination


def _issue(hr, issuer, signer, chosen, award_year_day=DAY):
    decision = decisions.create_decision(actor=hr, issuer=issuer, decided_on=award_year_day,
                                         nomination_ids=[n.id for n in chosen], signer=signer)
    decisions.issue(decision, actor=hr)
    return decision


class Dossiers:
    """What the tests expect, written down while the records are made."""


@pytest.fixture()
def dossiers(db, org, tmp_path, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "DOCUMENT_DIR", str(tmp_path / "documents"))
    d = Dossiers()
    signer = make_person(org.dt, full_name="Nguyễn Văn Lợi", position="Cục trưởng")
    # Đồng Tháp (DT): a decision of 3 LĐTT, 1 CSTĐCS and 2 TTLĐTT; one LĐTT revoked afterwards.
    people = [_nominee(org.dt_a) for _ in range(4)]
    ldtt = [_approved(org.proposer, org.approver, p, "LDTT") for p in people[:3]]
    cstdcs = _approved(org.proposer, org.approver, people[3], "CSTDCS")
    dt_proposer = make_user("dt_proposer", (Role.PROPOSER, org.dt))
    ttldtt = [_approved(dt_proposer, org.approver, u, "TTLDTT") for u in (org.dt_a, org.dt_b)]
    d.granted = _issue(org.hr, org.dt, signer, ldtt + [cstdcs] + ttldtt)
    revoked_item = next(i for i in d.granted.items if i.nomination_id == ldtt[0].id)
    revocation = decisions.revoke(d.granted, actor=org.hr, decided_on=date(2022, 3, 15), reason="Kê khai sai",
                                  signer=signer, item_ids=[revoked_item.id])
    decisions.issue(revocation, actor=org.hr)
    assert ldtt[0].state == "revoked"
    d.dt_money = {("individual", "LDTT"): sum(i.money for i in d.granted.items if i.nomination_id == ldtt[1].id
                                              or i.nomination_id == ldtt[2].id),
                  ("individual", "CSTDCS"): next(i.money for i in d.granted.items if i.nomination_id == cstdcs.id),
                  ("collective", "TTLDTT"): sum(i.money for i in d.granted.items if i.unit_id is not None)}
    # Not counted: an approved LĐTT in a draft decision, a 2020 LĐTT decided, a council_passed one.
    decisions.create_decision(actor=org.hr, issuer=org.dt, decided_on=DAY, signer=signer,
                              nomination_ids=[_approved(org.proposer, org.approver, _nominee(org.dt_a), "LDTT").id])
    _issue(org.hr, org.dt, signer, [_approved(org.proposer, org.approver, _nominee(org.dt_a, 2020), "LDTT", 2020)],
           date(2021, 1, 15))
    _passed(org.proposer, _nominee(org.dt_a), "LDTT")
    # Proposed upward by DT: two BK_BO (persons) and a TTLDXS (collective) referred to the Tổng cục; a third BK_BO
    # referred whose referral ended revoked (does not count).
    d.bk_bo = [_referred(org, _nominee(org.dt_a), "BK_BO") for _ in range(3)]
    d.ttldxs = _referred(org, org.dt_a, "TTLDXS")
    d.bk_bo[2].referral.state = "revoked"  # as a revocation of the higher level's decision leaves it
    _db.session.flush()
    # Thanh Hóa (TH): a decision of 2 LĐTT — outside DT, inside the Tổng cục.
    th_proposer = make_user("th_proposer", (Role.PROPOSER, org.th_a))
    th_approver = make_user("th_approver", (Role.APPROVER, org.th))
    th_hr = make_user("th_hr", (Role.HR, org.th))
    th_signer = make_person(org.th, position="Cục trưởng")
    d.th_decision = _issue(th_hr, org.th, th_signer,
                           [_approved(th_proposer, th_approver, _nominee(org.th_a), "LDTT") for _ in range(2)])
    # Initiatives: two recognised in DT-A for 2021; not counted: another state, another year, another province.
    for code, unit, year, state in (("SK-1", org.dt_a, 2021, "recognised"), ("SK-2", org.dt, 2021, "recognised"),
                                    ("SK-3", org.dt_a, 2021, "not_recognised"),
                                    ("SK-4", org.dt_a, 2020, "recognised"), ("SK-5", org.th_a, 2021, "recognised")):
        _db.session.add(Initiative(code=code, title=code, unit=unit, year=year, scope="base", state=state))
    org.dt.authorised_staff, org.dt_a.authorised_staff = 40, 12
    _db.session.flush()
    d.dt_staff = _db.session.scalar(select(func.count(Person.id)).where(
        Person.unit_id.in_([org.dt.id, org.dt_a.id, org.dt_b.id])))
    return d


def test_the_province_report_counts_what_its_units_decided_and_referred_upward(dossiers, org):
    report = queries.year_end(org.dt, 2021)
    assert report.as_json() == {
        "unit": "DT", "year": 2021,
        "collective": {"decided": {"TTLDTT": 2}, "proposed": {"TTLDXS": 1}},
        "individual": {"decided": {"CSTDCS": 1, "LDTT": 2}, "proposed": {"BK_BO": 2}},
        "initiatives_recognised": 2, "money_total": sum(dossiers.dt_money.values())}
    assert report.money["individual"] == {"LDTT": dossiers.dt_money[("individual", "LDTT")],
                                          "CSTDCS": dossiers.dt_money[("individual", "CSTDCS")]}
    assert report.money["collective"] == {"TTLDTT": dossiers.dt_money[("collective", "TTLDTT")]}
    # The revoked LĐTT's money is out: the decision's own total still holds it.
    assert report.money_total < dossiers.granted.total_money
    assert (report.staff_actual, report.staff_authorised) == (dossiers.dt_staff, 52)


def test_a_referral_inside_the_subtree_is_not_upward_for_it(dossiers, org):
    # For the Tổng cục the Cục's referrals arrived inside its own subtree (and went no further): nothing went up.
    report = queries.year_end(org.root, 2021)
    assert report.counts["individual"]["proposed"] == {} and report.counts["collective"]["proposed"] == {}
    # It sums both provinces' decisions.
    assert report.counts["individual"]["decided"] == {"CSTDCS": 1, "LDTT": 4}
    assert report.money_total == sum(dossiers.dt_money.values()) + dossiers.th_decision.total_money
    assert report.initiatives_recognised == 3


def test_a_branch_sees_only_what_its_own_head_decided(dossiers, org):
    # DT-A decided nothing itself (the Cục decides titles) and referred nothing.
    report = queries.year_end(org.dt_a, 2021)
    assert report.as_json()["individual"] == {"decided": {}, "proposed": {}}
    assert report.initiatives_recognised == 1 and report.money_total == 0


def test_another_year_is_another_report(dossiers, org):
    report = queries.year_end(org.dt, 2020)
    assert report.counts["individual"]["decided"] == {"LDTT": 1}
    assert report.counts["individual"]["proposed"] == {} and report.initiatives_recognised == 1


def test_the_statements_do_not_grow_with_the_dossiers(dossiers, org, db):
    _db.session.flush()
    with count_statements(_db) as small:
        queries.year_end(org.th, 2021)
    with count_statements(_db) as large:
        queries.year_end(org.dt, 2021)
    assert len(large) == len(small) + 1  # the chains of the year, read once when something was referred


def _sheet_rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(BytesIO(data)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_reads_back_with_the_same_numbers(dossiers, org, client, login):
    login(org.hr)
    response = client.get("/reports/units/DT/year-end.xlsx?year=2021")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(BytesIO(response.data))
    sheet = book.active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Báo cáo tổng kết công tác thi đua, khen thưởng năm 2021"
    by_code = {r[1]: r for r in rows if r[1] in ("TTLDTT", "TTLDXS", "LDTT", "CSTDCS", "BK_BO")}
    money = dossiers.dt_money
    assert by_code["TTLDTT"][3:] == (2, 0, money[("collective", "TTLDTT")])
    assert by_code["TTLDXS"][3:] == (0, 1, 0)
    assert by_code["LDTT"][3:] == (2, 0, money[("individual", "LDTT")])
    assert by_code["CSTDCS"][3:] == (1, 0, money[("individual", "CSTDCS")])
    assert by_code["BK_BO"][3:] == (0, 2, 0)
    sums = [r for r in rows if r[2] == "Cộng"]
    assert [s[3:6] for s in sums] == [(2, 1, money[("collective", "TTLDTT")]),
                                      (3, 2, money[("individual", "LDTT")] + money[("individual", "CSTDCS")])]
    summary = {r[2]: r[3] for r in rows if r[2] and r[3] is not None and r[1] is None and r[2] != "Cộng"}
    assert summary["Sáng kiến được công nhận"] == 2
    assert summary["Tổng tiền thưởng (đồng)"] == sum(money.values())
    assert summary["Biên chế được giao"] == 52
    # Formatted: bold headers, widths set, numbers as numbers with a grouping format.
    header = next(r for r in sheet.iter_rows(min_row=1, max_row=8) if r[0].value == "STT")
    assert all(cell.font.bold for cell in header)
    assert sheet.column_dimensions["C"].width == 46
    ldtt_row = next(r for r in sheet.iter_rows() if r[1].value == "LDTT")
    assert ldtt_row[5].number_format == "#,##0" and isinstance(ldtt_row[5].value, int)


def test_the_page_shows_the_counts_the_charts_and_the_links(dossiers, org, client, login):
    login(org.viewer)  # Thanh Hóa only
    assert client.get("/reports/units/DT/year-end?year=2021").status_code == 404
    assert client.get("/reports/units/DT/year-end.xlsx?year=2021").status_code == 404
    assert client.get("/reports/units/DT/metrics.xlsx?year=2021").status_code == 404
    assert client.get("/reports/?unit=DT&year=2021").status_code == 404
    assert client.get("/reports/units/TH/year-end?year=2021").status_code == 200
    client.post("/logout")
    login(org.hr)
    page = client.get("/reports/?unit=DT&year=2021")
    assert page.status_code == 302 and page.headers["Location"].endswith("/reports/units/DT/year-end?year=2021")
    html = client.get("/reports/units/DT/year-end?year=2021").get_data(as_text=True)
    assert 'id="chart-collective"' in html and 'id="chart-individual"' in html
    charts = html.split('id="chart-legend"')[1].split('id="table-collective"')[0]
    assert charts.count("<svg") >= 2 and "<script" not in charts and "http" not in charts.replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    assert '<tr data-code="BK_BO"><td>BK_BO</td>' in html
    assert 'id="initiatives">2<' in html
    total = sum(dossiers.dt_money.values())
    assert f"{total:,}".replace(",", ".") + " đồng" in html


def test_the_pdf_is_a_landscape_document(dossiers, org, client, login):
    login(org.hr)
    response = client.get("/reports/units/DT/year-end.pdf?year=2021")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    reader = PdfReader(BytesIO(response.data))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "TỔNG KẾT CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM 2021" in text.upper()
    money = f"{sum(dossiers.dt_money.values()):,}".replace(",", ".")
    assert money in text and "BK_BO" in text


# --- the metrics per unit -------------------------------------------------------------------------------------

def _report(unit, month, cases, money, year=2021):
    _db.session.add(MetricReport(year=year, month=month, unit=unit, cases_received=cases[0],
                                 cases_enforceable=cases[1], cases_completed=cases[2], money_received=money[0],
                                 money_enforceable=money[1], money_completed=money[2]))


def test_the_metrics_xlsx_ranks_the_units_below_with_rates_targets_and_attainment(db, org, client, login):
    _report(org.dt_a, 8, (100, 80, 40), (1000, 500, 100))
    _report(org.dt_a, 9, (120, 100, 82), (1000, 500, 200))     # 82,00% / 40,00%
    _report(org.dt_b, 9, (200, 150, 135), (3000, 1000, 500))   # 90,00% / 50,00%
    _report(org.dt, 9, (50, 40, 30), (9000, 1000, 300))        # the Cục's own office: 75,00% / 30,00%
    for unit, case, money in ((org.dt_a, "80.00", "40.00"), (org.dt_b, "91.00", "45.00"), (org.dt, "81.50", "40.10")):
        _db.session.add(MetricTarget(unit=unit, year=2021, case_target_pct=case, money_target_pct=money))
    _db.session.flush()
    login(org.hr)
    response = client.get("/reports/units/DT/metrics.xlsx?year=2021")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    assert "tháng 9" in sheet["A1"].value
    rows = [tuple(r) for r in sheet.iter_rows(min_row=5, values_only=True)]
    by_code = {r[1]: r for r in rows if r[2] and not r[2].startswith("Toàn đơn vị")}
    # rank, code, name, enforceable, completed, rate, target, attainment, money …, money rank
    assert by_code["DT-B"][0] == 1 and by_code["DT-A"][0] == 2 and by_code["DT"][0] == 3
    assert by_code["DT-B"][3:8] == (150, 135, 90.0, 91.0, 98.9)
    assert by_code["DT-A"][3:8] == (100, 82, 82.0, 80.0, 102.5)
    assert by_code["DT-A"][8:13] == (500, 200, 40.0, 40.0, 100.0)
    assert [by_code[c][13] for c in ("DT-B", "DT-A", "DT")] == [1, 2, 3]
    assert by_code["DT"][2].endswith("(riêng đơn vị)")
    total = next(r for r in rows if r[2] and r[2].startswith("Toàn đơn vị"))
    assert total[3:6] == (290, 247, 85.17)  # sums first, then the rate: 247 / 290
    header = [c for c in sheet[4]]
    assert all(c.font.bold for c in header) and sheet.column_dimensions["C"].width == 42


# --- the demo ---------------------------------------------------------------------------------------------------

@pytest.mark.usefixtures("demo_db")
class TestDemoProvince2021:
    def test_the_report_matches_the_demo_records(self):
        dt = _db.session.scalar(select(Unit).where(Unit.code == "DT"))
        report = queries.year_end(dt, 2021)
        ids = set(_db.session.scalars(subtree_ids([dt.id])))
        # Recount from the records, the long way: every issued award decision of the province and its items.
        decided: dict[tuple[str, str], int] = {}
        money = 0
        for decision in _db.session.scalars(select(Decision).where(Decision.kind == DecisionKind.AWARD,
                                                                   Decision.state == DecisionState.ISSUED)):
            if decision.issuer_id not in ids or decision.award_year != 2021:
                continue
            for item in decision.items:
                if item.revoked_by_id is None and item.revokes_item_id is None:
                    money += item.money
                    if item.nomination.state == "decided":
                        key = ("collective" if item.unit_id else "individual", item.award.code)
                        decided[key] = decided.get(key, 0) + 1
        proposed: dict[tuple[str, str], int] = {}
        for log in _db.session.scalars(select(TransitionLog).where(TransitionLog.trigger == "refer",
                                                                   TransitionLog.workflow == "nomination")):
            n = _db.session.get(Nomination, log.record_id)
            if n.year == 2021 and n.deciding_unit_id in ids and (n.referral is None
                                                                 or n.referral.deciding_unit_id not in ids):
                key = ("collective" if n.unit_id else "individual", n.award.code)
                proposed[key] = proposed.get(key, 0) + 1
        for kind in ("collective", "individual"):
            assert report.counts[kind]["decided"] == {c: n for (k, c), n in decided.items() if k == kind}
            assert report.counts[kind]["proposed"] == {c: n for (k, c), n in proposed.items() if k == kind}
        assert report.money_total == money
        # What docs/demo-data.md says: 01/QĐ (LĐTT, CSTĐCS: 35 individuals) less DT-0137's revoked LĐTT; 02/QĐ
        # (TTLĐTT, GK: 7 collectives); DT-0131's BK_BO referred to the Tổng cục.
        assert report.total("individual", "decided") == 34
        assert report.total("collective", "decided") == 7
        assert report.counts["individual"]["proposed"] == {"BK_BO": 1}
        revoked = _db.session.scalar(select(DecisionItem).join(Person, DecisionItem.person_id == Person.id)
                                     .where(Person.code == "DT-0137", DecisionItem.revokes_item_id.is_(None)))
        assert revoked.revoked_by_id is not None and report.money_total == sum(
            i.money for d in _db.session.scalars(select(Decision).where(
                Decision.kind == DecisionKind.AWARD, Decision.issuer_id == dt.id, Decision.award_year == 2021,
                Decision.state == DecisionState.ISSUED)) for i in d.items if i.revokes_item_id is None) - revoked.money
        initiatives = _db.session.scalar(select(func.count(Initiative.id)).where(
            Initiative.unit_id.in_(ids), Initiative.year == 2021, Initiative.state == "recognised"))
        assert report.initiatives_recognised == initiatives > 0
        assert report.staff_actual == 155  # docs/demo-data.md: 155 people in Đồng Tháp
