"""The metrics pages: a unit's and an officer's months, units compared for a month, the officer section of the
person page. What they show (Vietnamese numbers, targets, attainment, excess, change), order, roll-ups, scope,
empty states, the SVG charts (nothing fetched from anywhere) and a constant number of SQL statements.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from awards.extensions import db as _db
from awards.metrics import charts, queries
from awards.metrics.compute import Counts
from awards.metrics.models import MetricReport, MetricTarget
from awards.metrics.queries import Summary
from awards.metrics.views import UnitRef
from awards.org import operations as ops
from awards.org.models import ClusterRole, Role, UnitKind
from tests.factories import PASSWORD, make_person, make_unit, make_user

BILLION = 10**9


# --- helpers ------------------------------------------------------------------------------------------------

def report(subject, month: int, cases: tuple[int, int, int], money: tuple[int, int, int] = (0, 0, 0),
           year: int = 2021) -> MetricReport:
    """Figures of a unit or a person: (received, enforceable, completed) for cases and for money."""
    key = "person" if hasattr(subject, "full_name") else "unit"
    row = MetricReport(**{key: subject}, year=year, month=month,
                       cases_received=cases[0], cases_enforceable=cases[1], cases_completed=cases[2],
                       money_received=money[0], money_enforceable=money[1], money_completed=money[2])
    _db.session.add(row)
    _db.session.commit()
    return row


def target(subject, case: str, money: str, year: int = 2021) -> MetricTarget:
    key = "person" if hasattr(subject, "full_name") else "unit"
    row = MetricTarget(**{key: subject}, year=year, case_target_pct=Decimal(case), money_target_pct=Decimal(money))
    _db.session.add(row)
    _db.session.commit()
    return row


def rate(subject, month: int, pct: int, *, money_pct: int = 40, enforceable: int = 1000, year: int = 2021):
    """A report whose case rate is ``pct`` % and money rate ``money_pct`` %."""
    return report(subject, month, (enforceable + 100, enforceable, enforceable * pct // 100),
                  (2 * BILLION, BILLION, BILLION * money_pct // 100), year=year)


def body(client, url: str, status: int = 200) -> str:
    _db.session.expire_all()  # nothing loaded by the test spares the page a query
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


@pytest.fixture()
def as_user(app):
    """A fresh signed-in client per user."""

    def _as(user):
        c = app.test_client()
        assert c.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
        return c

    return _as


@pytest.fixture()
def figures(org):
    """Lấp Vò (DT-A): May and June 2021 with targets — DOMAIN.md's worked example in June. Lai Vung (DT-B):
    June only, a higher case rate and a lower money rate. The Cục (DT) has its own office's June figures."""
    report(org.dt_a, 5, (1400, 1000, 780), (30 * BILLION, 20 * BILLION, 7 * BILLION))
    report(org.dt_a, 6, (1500, 1250, 1031), (30 * BILLION, 21_155_130_000, 8_462_052_000))
    target(org.dt_a, "81.50", "40.10")
    report(org.dt_b, 6, (600, 500, 450), (10 * BILLION, 5 * BILLION, 1 * BILLION))
    target(org.dt_b, "85.00", "38.00")
    report(org.dt, 6, (200, 100, 70), (BILLION, BILLION, BILLION // 2))
    target(org.dt, "82.00", "40.00")
    return org


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


def comparison_svg(page: str) -> str:
    return next(s for s in svgs(page) if "comparison-chart" in s)


def bar_names(page: str) -> list[str]:
    """The units of the comparison chart, top to bottom (checking the numbering 1, 2, 3 … on the way)."""
    # a long name is written twice, cut for phones (d-md-none) and whole from 768 px: take the phone one
    found = re.findall(r'<text x="0" y="\d+"(?: class="d-md-none")?>(\d+)\. ([^<]+) <tspan', comparison_svg(page))
    assert [int(n) for n, _ in found] == list(range(1, len(found) + 1))
    return [name for _, name in found]


def table_order(page: str, table_id: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, flags=re.S).group(0)
    return re.findall(r'<tr data-unit="([^"]+)"', table)


# --- a unit's months --------------------------------------------------------------------------------------

def test_unit_page_shows_the_months_with_vietnamese_numbers_target_attainment_excess_and_change(as_user, figures):
    page = body(as_user(figures.hr), "/units/DT-A/metrics?year=2021")
    assert "Chi cục THADS huyện Lấp Vò" in page
    # June: 1.031 of 1.250 enforceable cases = 82,48% against 81,50%
    assert "82,48%" in page and "81,50%" in page
    assert "đạt 101,20% chỉ tiêu" in page
    assert "vượt 0,98 điểm %" in page
    assert "tăng 4,48% so với tháng 5" in page  # May was 78,00%
    assert "78,00%" in page
    assert "1.031" in page and "1.250" in page and "1.500" in page
    # money: 8.462.052.000 of 21.155.130.000 đồng = 40,00% against 40,10%
    assert "21.155.130.000" in page and "8.462.052.000" in page
    assert "40,00%" in page and "40,10%" in page
    assert "thiếu 0,10 điểm %" in page
    assert "đạt 99,75% chỉ tiêu" in page
    assert "5/2021" in page and "6/2021" in page
    assert "số liệu lũy kế đến hết tháng 6/2021" in page
    assert "01/10/2020 – 30/09/2021" in page


def test_a_falling_rate_says_giam_and_the_first_month_has_no_change(as_user, org):
    rate(org.dt_a, 10, 50, year=2021)
    rate(org.dt_a, 11, 60, year=2021)
    rate(org.dt_a, 12, 55, year=2021)
    page = body(as_user(org.hr), "/units/DT-A/metrics")
    assert "tăng 10,00% so với tháng 10" in page
    assert "giảm 5,00% so với tháng 11" in page
    assert "so với tháng 9" not in page  # October opens the statistical year
    assert "10/2020" in page and "12/2020" in page
    assert "Chưa giao chỉ tiêu năm nay." in page  # no target recorded for 2021


def test_the_year_defaults_to_the_latest_with_figures_and_the_others_are_offered(as_user, org):
    rate(org.dt_a, 6, 70, year=2020)
    rate(org.dt_a, 6, 80, year=2021)
    c = as_user(org.hr)
    page = body(c, "/units/DT-A/metrics")
    assert "80,00%" in page and "70,00%" not in page
    links = re.search(r'id="year-links".*?</div>', page, flags=re.S).group(0)
    assert "year=2020" in links and "year=2021" in links
    assert "70,00%" in body(c, "/units/DT-A/metrics?year=2020")
    empty = body(c, "/units/DT-A/metrics?year=2019")
    assert "Chưa có số liệu của năm thống kê 2019." in empty
    assert "<svg" not in empty.split("</nav>", 1)[1]


def test_roll_up_sums_the_unit_and_every_unit_below_it(as_user, figures):
    c = as_user(figures.hr)
    own = body(c, "/units/DT/metrics?year=2021")
    assert "70,00%" in own  # 70 of 100: the Cục's own office
    rolled = body(c, "/units/DT/metrics?year=2021&rollup=1")
    # 70 + 1.031 + 450 of 100 + 1.250 + 500 = 1.551 / 1.850 = 83,84% (sums, not an average of rates)
    assert "83,84%" in rolled and "1.551" in rolled and "1.850" in rolled
    assert "kể cả đơn vị trực thuộc" in rolled
    assert 'id="rollup-links"' in rolled and 'id="compare-link"' in rolled


def test_a_unit_without_children_has_no_roll_up_toggle_and_ignores_the_parameter(as_user, figures):
    page = body(as_user(figures.hr), "/units/DT-A/metrics?rollup=1")
    assert 'id="rollup-links"' not in page and 'id="compare-link"' not in page
    assert "82,48%" in page


def test_no_figures_yet_is_said_plainly(as_user, org):
    c = as_user(org.hr)
    page = body(c, "/units/DT-B/metrics")
    assert "Chưa có số liệu thi hành án của đơn vị này." in page
    assert 'id="months-cases"' not in page
    parent = body(c, "/units/DT/metrics")
    assert "Đơn vị chưa có số liệu riêng." in parent  # points to the roll-up
    assert "Chưa có số liệu thi hành án của các đơn vị này." in body(c, "/units/DT/metrics/compare")
    assert "Đơn vị không có đơn vị trực thuộc để so sánh." in body(c, "/units/DT-A/metrics/compare")
    assert "Chưa có số liệu thi hành án của cán bộ này." in body(c, f"/people/{make_person(org.dt_a).code}/metrics")


# --- units compared ---------------------------------------------------------------------------------------

def test_comparison_is_sorted_by_case_rate_then_by_money_rate_on_request(as_user, figures):
    c = as_user(figures.hr)
    page = body(c, "/units/DT/metrics/compare?year=2021&month=6")
    # cases: Lai Vung 90,00% > Lấp Vò 82,48% > the Cục's own office 70,00%
    assert table_order(page, "comparison") == ["DT-B", "DT-A", "DT"]
    assert bar_names(page) == ["Chi cục THADS huyện Lai Vung", "Chi cục THADS huyện Lấp Vò",
                               "Cục Thi hành án dân sự tỉnh Đồng…"]  # long names are cut, the hover has them whole
    assert 'class="d-none d-md-inline">3. Cục Thi hành án dân sự tỉnh Đồng Tháp (cấp tỉnh) <tspan' in page
    assert "Tỷ lệ thi hành xong về việc" in page
    # money: the Cục 50,00% > Lấp Vò 40,00% > Lai Vung 20,00%
    money = body(c, "/units/DT/metrics/compare?year=2021&month=6&sort=money")
    assert table_order(money, "comparison") == ["DT", "DT-A", "DT-B"]
    assert bar_names(money)[0] == "Cục Thi hành án dân sự tỉnh Đồng…"
    assert "Cục Thi hành án dân sự tỉnh Đồng Tháp (cấp tỉnh) — Về tiền: 50,00%" in comparison_svg(money)
    assert "Tỷ lệ thi hành xong về tiền" in money


def test_comparison_shows_targets_excess_the_own_office_and_the_total(as_user, figures):
    page = body(as_user(figures.hr), "/units/DT/metrics/compare?year=2021&month=6")
    assert "(cấp tỉnh)" in page  # the Cục's own office, beside its branches
    assert "vượt 5,00 điểm %" in page  # Lai Vung: 90,00% against 85,00%
    assert "thiếu 12,00 điểm %" in page  # the Cục's office: 70,00% against 82,00%
    total = re.search(r'id="comparison-total".*?</tr>', page, flags=re.S).group(0)
    assert "Toàn tỉnh" in total and "83,84%" in total and "1.551/1.850" in total
    # the targets differ, so each unit's own target is a mark on its bar (no common dashed line)
    chart = comparison_svg(page)
    assert chart.count('stroke-width="3"/>') == 3 and 'stroke-dasharray="6 4"' not in chart
    assert "chỉ tiêu của từng đơn vị" in page


def test_one_target_for_all_is_one_dashed_line(as_user, org):
    for unit in (org.dt_a, org.dt_b):
        rate(unit, 6, 80)
        target(unit, "81.50", "40.10")
    page = body(as_user(org.hr), "/units/DT/metrics/compare")
    chart = comparison_svg(page)
    assert chart.count('stroke-dasharray="6 4"') == 1
    assert "chỉ tiêu 81,50%" in page


def test_without_a_month_the_latest_is_shown_and_a_month_can_be_chosen(as_user, figures):
    c = as_user(figures.hr)
    latest = body(c, "/units/DT/metrics/compare?year=2021")
    assert "số liệu lũy kế đến hết tháng 6/2021" in latest
    may = body(c, "/units/DT/metrics/compare?year=2021&month=5")
    assert "số liệu lũy kế đến hết tháng 5/2021" in may
    assert table_order(may, "comparison") == ["DT-A"]
    # Lai Vung reports like Lấp Vò but not for May: it is named as missing
    assert "Chưa có số liệu tháng 5/2021:" in may and "Lai Vung" in may.split("Chưa có số liệu tháng 5/2021:")[1]
    assert "Chưa có số liệu tháng 4/2021." in body(c, "/units/DT/metrics/compare?year=2021&month=4")


def test_divisions_that_never_report_are_not_listed_as_missing_and_can_be_filtered_out(as_user, figures):
    make_unit("DT-VP", name="Văn phòng Cục", parent=figures.dt, kind=UnitKind.DIVISION)
    c = as_user(figures.hr)
    page = body(c, "/units/DT/metrics/compare?year=2021&month=6")
    assert "Văn phòng Cục" not in page
    assert 'id="kind-links"' in page
    branches = body(c, "/units/DT/metrics/compare?year=2021&month=6&kind=district_branch")
    assert table_order(branches, "comparison") == ["DT-B", "DT-A"]  # no division, no own office


def test_comparing_provinces_rolls_each_one_up(as_user, figures):
    rate(figures.th_a, 6, 60)
    page = body(as_user(figures.admin), "/units/TC/metrics/compare?year=2021&month=6")
    assert table_order(page, "comparison") == ["DT", "TH"]
    assert "Toàn quốc" in page
    dt_row = re.search(r'<tr data-unit="DT">.*?</tr>', page, flags=re.S).group(0)
    assert "83,84%" in dt_row and "1.551/1.850" in dt_row  # the whole province, not the Cục's office alone


def test_subtree_comparison_of_branches_equals_the_own_figures_comparison(app, figures):
    units = [figures.dt_a, figures.dt_b, figures.th_a]
    with app.test_request_context():
        mine = queries.comparison([UnitRef(u.id, u.code, u.kind) for u in units], 2021, 6, rollup=True)
        theirs = queries.comparison(units, 2021, 6)
    assert [s for _u, s in mine] == [s for _u, s in theirs]
    assert mine[2][1] is None and mine[0][1].case_rate == Decimal("82.48")


def test_cluster_page_compares_that_years_members_with_their_roles(as_user, figures):
    cluster = ops.save_cluster("C-DT", name="Cụm thi đua số 1", organiser=figures.dt)
    ops.set_cluster_member(cluster, 2021, figures.dt_a, ClusterRole.LEADER)
    ops.set_cluster_member(cluster, 2021, figures.dt_b, ClusterRole.DEPUTY)
    ops.set_cluster_member(cluster, 2020, figures.dt, ClusterRole.MEMBER)  # another year: not compared in 2021
    _db.session.commit()
    page = body(as_user(figures.hr), "/clusters/C-DT/metrics")
    assert table_order(page, "comparison") == ["DT-B", "DT-A"]
    assert "Trưởng cụm" in page and "Phó cụm" in page
    total = re.search(r'id="comparison-total".*?</tr>', page, flags=re.S).group(0)
    # (1.031 + 450) / (1.250 + 500) = 84,63%; a cluster has no target of its own
    assert "Toàn cụm" in total and "84,63%" in total
    assert "Cụm thi đua số 1" in page


# --- officers ---------------------------------------------------------------------------------------------

def test_person_page_has_the_officers_latest_figures_and_a_link_to_the_months(as_user, org):
    officer = make_person(org.dt_a, full_name="Nguyễn Văn Thi Hành")
    rate(officer, 5, 70, enforceable=100)
    rate(officer, 6, 75, enforceable=100)
    target(officer, "80.00", "35.00")
    c = as_user(org.hr)
    page = body(c, f"/people/{officer.code}")
    section = re.search(r'id="person-metrics".*', page, flags=re.S).group(0)
    assert "75,00%" in section and "chỉ tiêu 80,00%" in section
    assert "đạt 93,75% chỉ tiêu" in section and "thiếu 5,00 điểm %" in section
    assert "tăng 5,00% so với tháng 5" in section
    assert f"/people/{officer.code}/metrics?year=2021" in section
    months = body(c, f"/people/{officer.code}/metrics")
    assert "Nguyễn Văn Thi Hành" in months and "70,00%" in months and "75,00%" in months
    assert 'id="months-money"' in months


def test_person_page_without_figures_says_so(as_user, org):
    person = make_person(org.dt_a)
    assert "Chưa có số liệu thi hành án của cán bộ này." in body(as_user(org.hr), f"/people/{person.code}")


def test_org_pages_link_to_the_metrics(as_user, figures):
    c = as_user(figures.hr)
    assert "/units/DT/metrics?rollup=1" in body(c, "/units/DT")
    assert 'href="/units/DT-A/metrics"' in body(c, "/units/DT-A")
    ops.save_cluster("C-LINK", name="Cụm liên kết", organiser=figures.dt)
    _db.session.commit()
    assert "/clusters/C-LINK/metrics" in body(c, "/units")
    assert "/units/DT/metrics?rollup=1" in body(c, "/")


# --- scope ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, url", [
    ("proposer", "/units/DT/metrics"),  # the parent of their branch
    ("proposer", "/units/DT-B/metrics?rollup=1"),  # a sibling branch
    ("proposer", "/units/DT/metrics/compare"),
    ("proposer", "/clusters/C-SCOPE/metrics"),  # organised by the Cục, above their branch
    ("viewer", "/units/DT-A/metrics"),  # another province
    ("viewer", "/units/DT/metrics/compare"),
    ("viewer", "/clusters/C-SCOPE/metrics"),
    ("viewer", "/people/P-SCOPE/metrics"),
    ("hr", "/units/NOPE/metrics"),
    ("hr", "/clusters/NOPE/metrics"),
])
def test_out_of_scope_or_unknown_answers_404(as_user, figures, who, url):
    ops.save_cluster("C-SCOPE", name="Cụm phạm vi", organiser=figures.dt)
    make_person(figures.dt_a, "P-SCOPE")
    _db.session.commit()
    body(as_user(getattr(figures, who)), url, status=404)


def test_in_scope_users_see_the_pages(as_user, figures):
    ops.save_cluster("C-SCOPE", name="Cụm phạm vi", organiser=figures.dt)
    _db.session.commit()
    proposer = as_user(figures.proposer)
    assert "82,48%" in body(proposer, "/units/DT-A/metrics")
    body(proposer, "/units/DT-A/metrics/compare")
    assert "Cụm phạm vi" in body(as_user(figures.secretary), "/clusters/C-SCOPE/metrics")
    rate(figures.th_a, 6, 60)
    assert "60,00%" in body(as_user(figures.viewer), "/units/TH/metrics/compare")


def test_anonymous_users_are_sent_to_sign_in(client, figures):
    for url in ("/units/DT/metrics", "/units/DT/metrics/compare", "/clusters/X/metrics", "/people/X/metrics"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


# --- the charts -------------------------------------------------------------------------------------------

URL = re.compile(r"(?:https?:)?//|\burl\(|\bhref=|\bsrc=|<script|<\?xml|\bon[a-z]+=|\bstyle=", re.I)


@pytest.mark.parametrize("url", ["/units/DT-A/metrics", "/units/DT/metrics/compare?year=2021&month=6",
                                 "/units/DT/metrics/compare?year=2021&month=6&sort=money"])
def test_charts_reference_nothing_outside_the_page(as_user, figures, url):
    page = body(as_user(figures.hr), url)
    found = svgs(page)
    assert found
    for svg in found:
        assert URL.search(svg) is None, URL.search(svg).group(0)
        assert "http" not in svg


def test_month_chart_is_accessible_and_says_percentages_the_vietnamese_way(as_user, figures):
    page = body(as_user(figures.hr), "/units/DT-A/metrics")
    wide, compact = [s for s in svgs(page) if "pygal-chart" in s]
    for svg in (wide, compact):
        assert 'role="img"' in svg and "aria-labelledby" in svg
        assert "Tỷ lệ thi hành xong theo tháng – Chi cục THADS huyện Lấp Vò" in svg
        assert "82,48%" in svg  # the hover text of June's dot
    assert ">T10<" in wide and ">T9<" in wide  # the statistical year runs October → September
    assert "Chỉ tiêu về việc 81,50%" in page and "Chỉ tiêu về tiền 40,10%" in page  # the legend


def test_comparison_chart_draws_one_bar_per_unit_in_the_table_order(as_user, figures):
    page = body(as_user(figures.hr), "/units/DT/metrics/compare?year=2021&month=6")
    chart = comparison_svg(page)
    assert len(bar_names(page)) == len(table_order(page, "comparison")) == 3
    assert 'width="90.000%"' in chart  # Lai Vung's 90,00% bar
    assert "Lai Vung — Về việc: 90,00% · chỉ tiêu 85,00% (vượt 5,00 điểm %)" in chart


def test_units_below_their_target_are_drawn_lighter(app):
    def summary(completed: int) -> Summary:
        return Summary("X", 2021, 6, Counts(1000, 1000, completed), Counts(), Decimal("81.50"))

    with app.test_request_context():
        below = charts.Cells.of(summary(815 - 1), "cases")
        met = charts.Cells.of(summary(815), "cases")
        svg = charts.comparison_chart([charts.Bar("A", met), charts.Bar("B", below)], measure="cases", title="t")
    assert below.below and not met.below
    assert below.excess_text == "thiếu 0,10 điểm %" and met.excess_text == "bằng chỉ tiêu"
    assert f'fill="{charts.CASES_COLOUR}"' in svg and f'fill="{charts.LIGHT_COLOURS["cases"]}"' in svg


def test_a_rate_just_under_the_target_is_below_even_when_both_round_alike(app):
    # 81,495% shows as 81,50% like the target, yet it misses it: the excess says so.
    s = Summary("X", 2021, 6, Counts(200000, 200000, 162990), Counts(), Decimal("81.50"))
    with app.test_request_context():
        cells = charts.Cells.of(s, "cases")
    assert cells.rate_text == "81,50%" and cells.below is True
    assert cells.excess_text == "thiếu 0,01 điểm %"


def test_wording_of_the_figures(app):
    with app.test_request_context():
        assert charts.excess_text(Decimal("0.385")) == "vượt 0,39 điểm %"
        assert charts.excess_text(Decimal("-1.2")) == "thiếu 1,20 điểm %"
        assert charts.excess_text(Decimal("0.004")) == "bằng chỉ tiêu"
        assert charts.excess_text(None) == ""
        assert charts.attainment_text(Decimal("92.8")) == "đạt 92,80% chỉ tiêu"
        assert charts.change_text(Decimal("3.92"), 6) == "tăng 3,92% so với tháng 5"
        assert charts.change_text(Decimal("-0.5"), 1) == "giảm 0,50% so với tháng 12"
        assert charts.change_text(Decimal("0"), 11) == "không đổi so với tháng 10"
        assert charts.change_text(Decimal("1"), 10) == ""  # October has no month before it
        assert charts.month_label(2021, 11) == "11/2020" and charts.month_label(2021, 9) == "9/2021"


# --- statement counts -------------------------------------------------------------------------------------

@contextmanager
def count_statements():
    statements: list[str] = []

    def _count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", _count)


def _grow(org, n: int, cluster) -> None:
    """``n`` more branches under Đồng Tháp, each with two months of figures and its own targets."""
    for i in range(n):
        branch = make_unit(name=f"Chi cục THADS số {i}", parent=org.dt)
        ops.rename_unit(branch, f"Phòng THADS khu vực {i}", date(2025, 7, 1))
        ops.set_cluster_member(cluster, 2021, branch, ClusterRole.MEMBER)
        rate(branch, 5, 60 + i % 30)
        rate(branch, 6, 61 + i % 30)
        target(branch, "80.00", f"{38 + i % 3}.00")


@pytest.mark.parametrize("url", ["/units/DT/metrics/compare?year=2021&month=6", "/units/DT/metrics/compare",
                                 "/units/DT/metrics/compare?sort=money&kind=district_branch",
                                 "/clusters/C-GROW/metrics", "/units/DT/metrics?rollup=1"])
def test_statement_count_does_not_grow_with_the_number_of_units(as_user, org, url):
    cluster = ops.save_cluster("C-GROW", name="Cụm tăng", organiser=org.dt)
    make_unit("DT-VP", name="Văn phòng", parent=org.dt, kind=UnitKind.DIVISION)
    counts = []
    for n in (5, 45):  # 5 branches, then 50
        _grow(org, n, cluster)
        c = as_user(org.hr)
        with count_statements() as statements:
            page = body(c, url)
        counts.append(len(statements))
        assert "Chi cục THADS số 4" in page or "rollup" in url
    assert counts[0] == counts[1], counts


def test_a_user_with_roles_in_two_provinces_sees_both(as_user, figures):
    both = make_user("t_both", (Role.VIEWER, figures.dt), (Role.VIEWER, figures.th))
    rate(figures.th_a, 6, 60)
    c = as_user(both)
    assert "82,48%" in body(c, "/units/DT-A/metrics")
    assert "60,00%" in body(c, "/units/TH-A/metrics")
    body(c, "/units/TC/metrics", status=404)
