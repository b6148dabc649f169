"""The lists as downloads (?format=xlsx|csv): each export holds exactly the rows its filtered page shows (every
page of them), never a row outside the user's scope; the XLSX opens with openpyxl and reads back the same values
(typed: dates, numbers), the CSV parses with the csv module (UTF-8 with a BOM); formula injection is defused; the
statement count does not grow with the rows."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from awards.catalogue.models import Award
from awards.core import exports
from awards.decisions.models import DecisionState
from awards.extensions import db as _db
from awards.initiatives.models import InitiativeScope
from awards.initiatives.operations import save_initiative
from awards.nominations.models import Nomination
from awards.org import operations as ops
from awards.org.models import ClusterRole
from tests.api_checks import count_statements
from tests.factories import make_person
from tests.integration.test_decision_pages import _row as decision_row
from tests.integration.test_metrics_pages import report, target

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- reading the downloads back ---------------------------------------------------------------------------------

def get(client, url: str, status: int = 200):
    _db.session.expire_all()  # nothing loaded by the test spares the request a query
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.data[:300])
    return response


def xlsx(client, url: str) -> list[list]:
    response = get(client, url)
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert all(cell.font.bold for cell in sheet[1]), "the header row is bold"
    assert sheet.freeze_panes == "A2"
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(client, url: str) -> list[list[str]]:
    response = get(client, url)
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so Excel reads Vietnamese"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def page_html(client, url: str) -> str:
    return get(client, url).get_data(as_text=True)


# --- the module itself -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"])
def test_a_text_read_as_a_formula_is_prefixed(text):
    assert exports.guard(text) == "'" + text


@pytest.mark.parametrize("value", ["Nguyễn Văn A", "", "1-2", -5, Decimal("-1.5"), None, date(2021, 1, 1)])
def test_anything_else_is_left_alone(value):
    assert exports.guard(value) == value


def test_file_names_are_ascii_and_dated():
    assert exports.safe_filename("Danh sách cán bộ", "xlsx", on=date(2025, 1, 5)) == \
        "danh-sach-can-bo-2025-01-05.xlsx"
    assert exports.safe_filename("Đơn vị ../../etc/passwd\r\n", "csv", on=date(2025, 1, 5)) == \
        "don-vi-etc-passwd-2025-01-05.csv"
    assert exports.safe_filename("???", "csv", on=date(2025, 1, 5)) == "danh-sach-2025-01-05.csv"


def test_cells_are_typed_in_both_formats():
    columns = [exports.Column("Tên", lambda r: r[0]), exports.Column("Số", lambda r: r[1], "int"),
               exports.Column("Năm", lambda r: r[2], "year"), exports.Column("Tiền", lambda r: r[3], "money"),
               exports.Column("Tỷ lệ", lambda r: r[4], "decimal"), exports.Column("Ngày", lambda r: r[5], "date")]
    rows = [("=cmd|' /C calc'!A0", 1234, 2021, 21155130000, Decimal("83.4249"), date(2021, 9, 30)),
            ("Lê Thị Bé", None, None, 0, None, None)]
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(columns, rows, title="Thử: [a/b]"))).active
    assert sheet.title == "Thử a b"
    first = [c for c in sheet[2]]
    assert [c.value for c in first] == ["'=cmd|' /C calc'!A0", 1234, 2021, 21155130000, 83.42,
                                        datetime(2021, 9, 30)]
    assert first[0].data_type == "s"  # text, never a formula
    assert [c.number_format for c in first[1:]] == ["#,##0", "0", "#,##0", "0.00", "DD/MM/YYYY"]
    assert [c.value for c in sheet[3]] == ["Lê Thị Bé", None, None, 0, None, None]
    assert sheet.column_dimensions["A"].width >= len("'=cmd|' /C calc'!A0")
    text = exports.to_csv(columns, rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Tên", "Số", "Năm", "Tiền", "Tỷ lệ", "Ngày"],
        ["'=cmd|' /C calc'!A0", "1234", "2021", "21155130000", "83.42", "30/09/2021"],
        ["Lê Thị Bé", "", "", "0", "", ""]]


# --- people --------------------------------------------------------------------------------------------------

@pytest.fixture()
def people(org):
    made = {
        "a1": make_person(org.dt_a, "EX-A1", full_name="Nguyễn Văn An", birth_date=date(1980, 2, 3)),
        "a2": make_person(org.dt_a, "EX-A2", full_name="Trần Thị Ánh"),
        "b1": make_person(org.dt_b, "EX-B1", full_name="Nguyễn Văn Bình"),
        "evil": make_person(org.dt_b, "EX-EVIL", full_name="=HYPERLINK(\"http://evil\",\"x\")"),
        "t1": make_person(org.th_a, "EX-T1", full_name="Nguyễn Văn Thanh"),
    }
    return made


def _people_codes(html: str) -> list[str]:
    table = html.split('id="people-table"')[1].split("</table>")[0]
    return re.findall(r'<td class="text-nowrap small">([^<]+)</td>', table)


@pytest.mark.parametrize("query", ["", "?unit=DT-A", "?q=nguyen+van", "?q=nguyen&unit=DT-B"])
def test_people_export_holds_what_the_filtered_page_shows(client, login, org, people, query):
    login(org.hr)  # Đồng Tháp: never Thanh Hóa's people
    shown = _people_codes(page_html(client, f"/people{query}"))
    sep = "&" if query else "?"
    book = xlsx(client, f"/people{query}{sep}format=xlsx")
    assert column(book, "Mã") == shown
    assert column(csv_rows(client, f"/people{query}{sep}format=csv"), "Mã") == shown
    assert "EX-T1" not in shown


def test_people_export_reads_back_the_values(client, login, org, people):
    login(org.hr)
    book = xlsx(client, "/people?unit=DT-A&format=xlsx")
    assert book[0] == ["Mã", "Họ và tên", "Giới tính", "Chức vụ", "Mã đơn vị", "Đơn vị", "Ngày sinh"]
    assert book[1] == ["EX-A1", "Nguyễn Văn An", "Nữ", "Chấp hành viên", "DT-A", "Chi cục THADS huyện Lấp Vò",
                       datetime(1980, 2, 3)]
    rows = csv_rows(client, "/people?unit=DT-A&format=csv")
    assert rows[1] == ["EX-A1", "Nguyễn Văn An", "Nữ", "Chấp hành viên", "DT-A", "Chi cục THADS huyện Lấp Vò",
                       "03/02/1980"]
    response = get(client, "/people?unit=DT-A&format=csv")
    assert re.search(r'filename=danh-sach-can-bo-\d{4}-\d{2}-\d{2}\.csv', response.headers["Content-Disposition"])


def test_people_export_defuses_formulas(client, login, org, people):
    login(org.hr)
    book = xlsx(client, "/people?unit=DT-B&format=xlsx")
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in column(book, "Họ và tên")
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in column(csv_rows(client, "/people?unit=DT-B&format=csv"),
                                                           "Họ và tên")


def test_people_export_is_not_paged(app, client, login, org):
    for i in range(app.config["PER_PAGE"] + 5):
        make_person(org.dt_a, f"EX-P{i:03d}")
    login(org.hr)
    assert len(_people_codes(page_html(client, "/people?unit=DT-A"))) == app.config["PER_PAGE"]
    assert len(xlsx(client, "/people?unit=DT-A&page=2&format=xlsx")) - 1 == app.config["PER_PAGE"] + 5


def test_a_unit_out_of_scope_is_404_for_the_export_too(client, login, org, people):
    login(org.viewer)  # Thanh Hóa
    get(client, "/people?unit=DT-A&format=xlsx", status=404)
    assert column(xlsx(client, "/people?format=xlsx"), "Mã") == ["EX-T1"]


def test_an_unknown_format_shows_the_page(client, login, org, people):
    login(org.hr)
    response = get(client, "/people?format=pdf")
    assert response.mimetype == "text/html" and 'id="export-xlsx"' in response.get_data(as_text=True)


def test_the_buttons_keep_the_filters_and_drop_the_page(client, login, org, people):
    login(org.hr)
    html = page_html(client, "/people?q=nguyen&unit=DT-A&page=1")
    xlsx_link = re.search(r'id="export-xlsx"[^>]*href="([^"]+)"', html).group(1).replace("&amp;", "&")
    csv_link = re.search(r'id="export-csv"[^>]*href="([^"]+)"', html).group(1).replace("&amp;", "&")
    for link, fmt in ((xlsx_link, "xlsx"), (csv_link, "csv")):
        assert link.startswith("/people?")
        assert sorted(link.split("?")[1].split("&")) == sorted(["q=nguyen", "unit=DT-A", f"format={fmt}"])


# --- nominations ------------------------------------------------------------------------------------------------

def _award(code: str) -> Award:
    return _db.session.scalar(select(Award).where(Award.code == code))


def _nomination(org, person, *, state="submitted", year=2021, award="LDTT", unit=None) -> Nomination:
    n = Nomination(person=person, award=_award(award), year=year, proposing_unit=unit or person.unit,
                   deciding_unit=org.dt if (unit or person.unit) is not org.th_a else org.th, state=state)
    _db.session.add(n)
    _db.session.flush()
    return n


@pytest.fixture()
def nominations(org, people):
    return [_nomination(org, people["a1"]), _nomination(org, people["a2"], year=2020),
            _nomination(org, people["b1"], state="in_review"), _nomination(org, people["evil"], award="CSTDCS"),
            _nomination(org, people["t1"])]


def _nominee_codes(html: str) -> list[str]:
    table = html.split('id="nominations-table"')[1].split("</table>")[0]
    return re.findall(r'<span class="text-muted small">([^<]+)</span></a>', table)


@pytest.mark.parametrize("query", ["", "?year=2021", "?state=in_review", "?award=CSTDCS", "?unit=DT-A", "?q=Bình"])
def test_nominations_export_holds_what_the_filtered_page_shows(client, login, org, nominations, query):
    login(org.secretary)  # Đồng Tháp
    for path in ("/nominations", "/nominations/queue"):
        shown = _nominee_codes(page_html(client, f"{path}{query}"))
        sep = "&" if query else "?"
        exported = column(xlsx(client, f"{path}{query}{sep}format=xlsx"), "Mã đối tượng")
        assert sorted(exported) == sorted(shown), (path, query)
        assert sorted(column(csv_rows(client, f"{path}{query}{sep}format=csv"), "Mã đối tượng")) == sorted(shown)
        assert "EX-T1" not in exported


def test_nominations_export_reads_back_the_values(client, login, org, nominations):
    login(org.secretary)
    book = xlsx(client, "/nominations?award=CSTDCS&format=xlsx")
    assert book == [["Mã đối tượng", "Đối tượng", "Mã danh hiệu", "Danh hiệu", "Năm", "Đơn vị đề nghị", "Cấp xét",
                     "Trạng thái"],
                    ["EX-EVIL", "'=HYPERLINK(\"http://evil\",\"x\")", "CSTDCS", "Chiến sĩ thi đua cơ sở", 2021,
                     "Chi cục THADS huyện Lai Vung", "Cục Thi hành án dân sự tỉnh Đồng Tháp", book[1][7]]]
    assert book[1][7] and book[1][7] != "submitted"  # the state's Vietnamese label


# --- decisions --------------------------------------------------------------------------------------------------

@pytest.fixture()
def decisions(org):
    return [decision_row(org.dt, subject="Dự thảo Đồng Tháp"),
            decision_row(org.dt, state=DecisionState.ISSUED, number=1, subject="=1+1 Đồng Tháp"),
            decision_row(org.dt, state=DecisionState.ISSUED, number=2, decided_on=date(2023, 2, 1)),
            decision_row(org.th, state=DecisionState.ISSUED, number=1, subject="Thanh Hóa đã ban hành")]


def _decision_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)]


@pytest.mark.parametrize("query", ["", "?year=2022", "?state=issued", "?kind=award&year=2023"])
def test_decisions_export_holds_what_the_filtered_page_shows(client, login, org, decisions, query):
    login(org.hr)
    by_id = {d.id: d for d in decisions}
    shown = [by_id[i].number_text or f"Dự thảo #{i}" for i in _decision_ids(page_html(client, f"/decisions/{query}"))]
    sep = "&" if query else "?"
    assert column(xlsx(client, f"/decisions/{query}{sep}format=xlsx"), "Số/ký hiệu") == shown
    assert column(csv_rows(client, f"/decisions/{query}{sep}format=csv"), "Số/ký hiệu") == shown
    assert decisions[3].id not in _decision_ids(page_html(client, f"/decisions/{query}"))


def test_decisions_export_reads_back_the_values(client, login, org, decisions):
    decisions[1].total_money = 21_155_130_000  # past PostgreSQL's 32-bit integer: the column is 64-bit
    _db.session.flush()
    login(org.hr)
    book = xlsx(client, "/decisions/?year=2022&state=issued&format=xlsx")
    assert book[0] == ["Số/ký hiệu", "Ngày", "Loại", "Đơn vị ban hành", "Trích yếu", "Số cá nhân", "Số tập thể",
                       "Tổng tiền", "Trạng thái"]
    assert book[1] == ["01/QĐ-CTHADS", datetime(2022, 1, 10), "Khen thưởng", "Cục Thi hành án dân sự tỉnh Đồng Tháp",
                       "'=1+1 Đồng Tháp", 0, 0, 21155130000, "Đã ban hành"]
    assert csv_rows(client, "/decisions/?year=2022&state=issued&format=csv")[1][1:2] + \
        csv_rows(client, "/decisions/?year=2022&state=issued&format=csv")[1][7:8] == ["10/01/2022", "21155130000"]


def test_decisions_export_needs_the_reading_role(client, login, org, decisions):
    login(org.proposer)
    get(client, "/decisions/?format=xlsx", status=403)


# --- initiatives ------------------------------------------------------------------------------------------------

@pytest.fixture()
def initiatives(org, people):
    return [save_initiative("SK-EX1", title="Xác minh qua ngân hàng", authors=[people["a1"]], unit=org.dt_a,
                            year=2021, scope=InitiativeScope.BASE, decision_no="12/QĐ-CTHADS",
                            decision_date=date(2021, 11, 2)),
            save_initiative("SK-EX2", title="Sổ theo dõi điện tử", authors=[people["a2"], people["b1"]], unit=org.dt_b,
                            year=2020, scope=InitiativeScope.MINISTRY),
            save_initiative("SK-EX3", title="+Tổng hợp số liệu", authors=[people["b1"]], unit=org.dt_b, year=2021,
                            scope=InitiativeScope.BASE),
            save_initiative("SK-EXT", title="Sáng kiến Quan Sơn", authors=[people["t1"]], unit=org.th_a, year=2021,
                            scope=InitiativeScope.BASE)]


def _initiative_codes(html: str) -> list[str]:
    table = html.split('id="initiatives-table"')[1].split("</table>")[0]
    return re.findall(r'<td class="text-nowrap small">([^<]+)</td>', table)


@pytest.mark.parametrize("query", ["", "?year=2021", "?scope=ministry", "?q=an", "?q=binh&year=2021"])
def test_initiatives_export_holds_what_the_filtered_page_shows(client, login, org, initiatives, query):
    _db.session.flush()
    login(org.hr)
    shown = _initiative_codes(page_html(client, f"/initiatives{query}"))
    sep = "&" if query else "?"
    assert column(xlsx(client, f"/initiatives{query}{sep}format=xlsx"), "Mã") == shown
    assert column(csv_rows(client, f"/initiatives{query}{sep}format=csv"), "Mã") == shown
    assert "SK-EXT" not in shown


def test_initiatives_export_reads_back_the_values(client, login, org, initiatives):
    _db.session.flush()
    login(org.hr)
    book = xlsx(client, "/initiatives?year=2021&format=xlsx")
    row = book[column(book, "Mã").index("SK-EX1") + 1]
    assert row == ["SK-EX1", "Xác minh qua ngân hàng", "Nguyễn Văn An", 2021, row[4], "Cấp cơ sở", "12/QĐ-CTHADS",
                   datetime(2021, 11, 2), "Chi cục THADS huyện Lấp Vò", "chưa sử dụng"]
    assert "'+Tổng hợp số liệu" in column(book, "Tên sáng kiến")
    two = book[column(book, "Mã").index("SK-EX3") + 1] if "SK-EX3" in column(book, "Mã") else None
    assert two is not None and two[2] == "Nguyễn Văn Bình"


# --- metrics ----------------------------------------------------------------------------------------------------

@pytest.fixture()
def figures(org):
    report(org.dt_a, 5, (1000, 900, 700), (10_000_000, 8_000_000, 3_000_000))
    report(org.dt_a, 6, (1100, 1000, 825), (12_000_000, 10_000_000, 4_000_000))  # 82,50% / 40,00%
    report(org.dt_b, 6, (1000, 800, 600), (9_000_000, 5_000_000, 2_500_000))     # 75,00% / 50,00%
    report(org.th_a, 6, (100, 100, 99))                                            # another province
    target(org.dt_a, "80.00", "38.00")
    return org


def _compared_codes(html: str) -> list[str]:
    return re.findall(r'<tr data-unit="([^"]+)"', html)


@pytest.mark.parametrize("query", ["?year=2021&month=6", "?year=2021&month=6&sort=money", "?year=2021&month=5"])
def test_comparison_export_holds_the_table(client, login, figures, query):
    login(figures.hr)
    shown = _compared_codes(page_html(client, f"/units/DT/metrics/compare{query}"))
    book = xlsx(client, f"/units/DT/metrics/compare{query}&format=xlsx")
    assert column(book, "Mã đơn vị") == [*shown, None]  # the total last
    assert column(book, "Đơn vị")[-1] == "Toàn tỉnh"
    assert column(csv_rows(client, f"/units/DT/metrics/compare{query}&format=csv"), "Mã đơn vị") == [*shown, ""]
    assert "TH-A" not in column(book, "Mã đơn vị")


def test_comparison_export_reads_back_the_figures(client, login, figures):
    login(figures.hr)
    book = xlsx(client, "/units/DT/metrics/compare?year=2021&month=6&format=xlsx")
    a = book[column(book, "Mã đơn vị").index("DT-A") + 1]
    record = dict(zip(book[0], a, strict=True))
    assert record["#"] == 1 and record["Thụ lý (việc)"] == 1100 and record["Có điều kiện (việc)"] == 1000
    assert record["Thi hành xong (việc)"] == 825 and record["Tỷ lệ về việc (%)"] == 82.5
    assert record["Chỉ tiêu về việc (%)"] == 80 and record["Chênh lệch về việc (điểm %)"] == 2.5
    assert record["Đạt chỉ tiêu về việc (%)"] == pytest.approx(103.13)
    assert record["Thi hành xong (đồng)"] == 4_000_000 and record["Tỷ lệ về tiền (%)"] == 40
    total = dict(zip(book[0], book[-1], strict=True))
    assert total["Có điều kiện (việc)"] == 1800 and total["Thi hành xong (việc)"] == 1425
    assert total["Tỷ lệ về việc (%)"] == pytest.approx(79.17)  # from the sums, never an average of rates
    rows = csv_rows(client, "/units/DT/metrics/compare?year=2021&month=6&format=csv")
    assert dict(zip(rows[0], rows[1], strict=True))["Tỷ lệ về việc (%)"] == "82.50"


def test_cluster_comparison_export_names_the_roles(client, login, figures):
    cluster = ops.save_cluster("C-EX", name="Cụm thi đua số 1", organiser=figures.dt)
    ops.set_cluster_member(cluster, 2021, figures.dt_a, ClusterRole.LEADER)
    ops.set_cluster_member(cluster, 2021, figures.dt_b, ClusterRole.MEMBER)
    _db.session.commit()
    login(figures.hr)
    shown = _compared_codes(page_html(client, "/clusters/C-EX/metrics?year=2021&month=6"))
    book = xlsx(client, "/clusters/C-EX/metrics?year=2021&month=6&format=xlsx")
    assert column(book, "Mã đơn vị") == [*shown, None] and shown == ["DT-A", "DT-B"]
    assert column(book, "Vai trò trong cụm") == ["Trưởng cụm", "Thành viên", None]
    assert column(book, "Đơn vị")[-1] == "Toàn cụm"
    # A unit's comparison has no cluster roles, so no such column.
    assert "Vai trò trong cụm" not in xlsx(client, "/units/DT/metrics/compare?year=2021&month=6&format=xlsx")[0]


def test_unit_months_export(client, login, figures):
    login(figures.hr)
    book = xlsx(client, "/units/DT-A/metrics?year=2021&format=xlsx")
    assert column(book, "Tháng") == ["5/2021", "6/2021"]
    assert column(book, "Tỷ lệ về việc (%)") == [pytest.approx(77.78), 82.5]
    assert column(book, "Về việc so với tháng trước (điểm %)") == [None, pytest.approx(4.72)]
    rolled = xlsx(client, "/units/DT/metrics?year=2021&rollup=1&format=xlsx")
    assert column(rolled, "Có điều kiện (việc)") == [900, 1800]
    client.post("/logout")
    login(figures.viewer)
    get(client, "/units/DT-A/metrics?format=xlsx", status=404)


def test_metrics_pages_show_the_buttons(client, login, figures):
    login(figures.hr)
    assert 'id="export-xlsx"' in page_html(client, "/units/DT/metrics/compare?year=2021&month=6")
    assert 'id="export-csv"' in page_html(client, "/units/DT-A/metrics?year=2021")


# --- no query per row -------------------------------------------------------------------------------------------

def _grow(org, n: int, start: int) -> None:
    for i in range(start, start + n):
        person = make_person(org.dt_a if i % 2 else org.dt_b, f"EX-G{i:03d}", birth_date=date(1990, 1, 1))
        _nomination(org, person)
        save_initiative(f"SK-G{i:03d}", title=f"Sáng kiến {i}", authors=[person], unit=person.unit, year=2021,
                        scope=InitiativeScope.BASE)
        decision_row(org.dt, state=DecisionState.ISSUED, number=100 + i)
    _db.session.commit()


@pytest.mark.parametrize("url", ["/people?format=xlsx", "/people?unit=DT&format=csv", "/nominations?format=xlsx",
                                 "/nominations/queue?format=csv", "/decisions/?format=xlsx",
                                 "/initiatives?format=xlsx", "/initiatives?year=2021&format=csv"])
def test_statement_count_is_flat(client, login, org, url):
    login(org.secretary if "nominations" in url else org.hr)
    counts = []
    for start, n in ((0, 5), (5, 45)):  # 5 rows, then 50
        _grow(org, n, start)
        with count_statements(_db) as statements:
            response = get(client, url)
        assert response.mimetype != "text/html"
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
