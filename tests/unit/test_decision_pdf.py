"""The decision (Quyết định) read back from its PDF: the Decree 30/2020/NĐ-CP page, header block, sizes and styles,
rules, the "Số:" and date line, signature block and "Nơi nhận", and the annex "DANH SÁCH" (header row on every
page, rows never split, money right-aligned, totals) — for a one-page body with a short annex and a 200-row annex."""
from __future__ import annotations

import gc
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from awards import config, create_app
from awards.documents import render, render_pdf
from tests.unit import documents_samples as samples
from tests.unit.documents_samples import flat, fonts, line, page_size, runs, words

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, PAGE_W - 15 * MM, 20 * MM, PAGE_H - 20 * MM
SLACK = 1.0  # see test_documents_render: a justified line may end a fraction of a point past the margin
FONT_NAME = r"^[A-Z]{6}\+Liberation-Serif-v2(-Bold|-Italic|-Bold-Italic)?$"
# The annex columns as the stylesheet sets them (percent of the text width): STT | Họ và tên | Chức vụ | Đơn vị |
# Danh hiệu/Hình thức | Số tiền.
COLUMNS = (7, 22, 17, 23, 16, 15)
ROW_KEYS = ("no", "name", "position", "unit", "award", "money")


@pytest.fixture(scope="module")
def doc_app():
    return create_app(config.TestConfig)


@pytest.fixture(scope="module")
def contexts():
    return {"short": samples.decision(), "long": samples.decision(rows=200)}


@pytest.fixture(scope="module")
def pdfs(doc_app, contexts):
    with doc_app.app_context():
        return {name: render_pdf("decision.html", context) for name, context in contexts.items()}


DOCS = ("short", "long")


def _column_edges() -> list[float]:
    edges, x = [LEFT], LEFT
    for share in COLUMNS:
        x += (RIGHT - LEFT) * share / 100
        edges.append(x)
    return edges


def _pages(pdf: bytes) -> int:
    return page_size(pdf)[2]


# --- the page ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", DOCS)
def test_pages_are_a4_portrait_and_the_annex_has_pages_of_its_own(pdfs, name):
    width, height, pages = page_size(pdfs[name])
    assert (round(width, 1), round(height, 1)) == (round(PAGE_W, 1), round(PAGE_H, 1))
    body = [w for w in words(pdfs[name]) if w.page == 1]
    assert not [w for w in body if w.text == "DANH"]  # the annex starts on a new page
    assert pages == 2 if name == "short" else pages > 3


@pytest.mark.parametrize("name", DOCS)
def test_every_word_lies_inside_the_margins_except_the_page_number(pdfs, name):
    outside = []
    for w in words(pdfs[name]):
        if w.y1 <= TOP and w.text.isdigit() and w.page > 1:
            continue  # the page number lives in the top margin
        if w.x0 < LEFT - SLACK or w.x1 > RIGHT + SLACK or w.y0 < TOP - SLACK or w.y1 > BOTTOM + SLACK:
            outside.append(w)
    assert outside == []


@pytest.mark.parametrize("name", DOCS)
def test_only_liberation_serif_2_is_used_and_every_face_is_embedded(pdfs, name):
    listed = fonts(pdfs[name])
    # Regular (body), bold (titles, "Điều n."), italic (bases, date), bold italic ("Nơi nhận:").
    assert {font.split("+", 1)[1] for font, _ in listed} == {
        "Liberation-Serif-v2", "Liberation-Serif-v2-Bold", "Liberation-Serif-v2-Italic",
        "Liberation-Serif-v2-Bold-Italic"}
    for font, embedded in listed:
        assert embedded == "yes", font
        assert __import__("re").match(FONT_NAME, font), font


def test_the_page_number_starts_on_page_two_centred_in_the_top_margin(pdfs):
    ws = words(pdfs["long"])
    pages = _pages(pdfs["long"])
    in_margin = {page: [w for w in ws if w.page == page and w.y1 <= TOP] for page in range(1, pages + 1)}
    assert in_margin[1] == []
    for page in range(2, pages + 1):
        assert [w.text for w in in_margin[page]] == [str(page)]
        assert in_margin[page][0].centre == pytest.approx((LEFT + RIGHT) / 2, abs=2)


# --- the text ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", DOCS)
def test_the_vietnamese_text_comes_back_exactly(pdfs, contexts, name):
    context, text = contexts[name], flat(pdfs[name])
    assert unicodedata.is_normalized("NFC", text)
    for expected in ("TỔNG CỤC THI HÀNH ÁN DÂN SỰ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Số: 01/QĐ-CTHADS", "Đồng Tháp, ngày 05 tháng 01 năm 2025", "Nơi nhận:",
                     "- Như Điều 3;", "- Tổng cục THADS (để báo cáo);", "- Lưu: VT, TCCB.",
                     "KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "Trương Văn Mười", context["annex"]["reference"]):
        assert expected in text, expected
    # The body, in reading order: kind, subject, authority, the bases ("Căn cứ …;", the last ending in "."),
    # "QUYẾT ĐỊNH:" and the three articles with their dash lists.
    body = ["QUYẾT ĐỊNH", context["subject"], context["authority"]]
    body += [basis + ("." if i == len(context["bases"]) - 1 else ";") for i, basis in enumerate(context["bases"])]
    body.append("QUYẾT ĐỊNH:")
    for number, article in enumerate(context["articles"], start=1):
        body.append(f"Điều {number}. {article['text']}")
        body += [f"- {dash}" for dash in article["list"]]
    position = 0
    for expected in body:
        found = text.find(expected, position)
        assert found >= 0, expected
        position = found + len(expected)


def test_the_issuer_lines_and_the_date_line_of_the_header(pdfs):
    ws = words(pdfs["short"])
    parent, nation = line(ws, "TỔNG"), line(ws, "CỘNG")
    issuer = line(ws, "CỤC", below=parent[0].y1)
    number, place = line(ws, "Số:"), line(ws, "Đồng")
    assert " ".join(w.text for w in number) == "Số: 01/QĐ-CTHADS"
    assert " ".join(w.text for w in place) == "Đồng Tháp, ngày 05 tháng 01 năm 2025"
    # Two columns, tops aligned; the left one (issuer) centred on its own axis, the right one on another.
    assert nation[0].y0 == pytest.approx(parent[0].y0, abs=0.5) and nation[0].x0 > parent[-1].x1
    left_axis = (parent[0].x0 + parent[-1].x1) / 2
    for row in (issuer, number):
        assert (row[0].x0 + row[-1].x1) / 2 == pytest.approx(left_axis, abs=1)
    right_axis = (nation[0].x0 + nation[-1].x1) / 2
    assert (place[0].x0 + place[-1].x1) / 2 == pytest.approx(right_axis, abs=1)


def _run(all_runs, start: str, page: int = 1):
    return next(r for r in all_runs if r.page == page and r.text.startswith(start))


def test_sizes_bold_and_italic_as_decree_30_sets_them(pdfs, contexts):
    rs = runs(pdfs["short"])
    expected = [  # (first words, size pt, bold, italic)
        ("TỔNG CỤC THI HÀNH ÁN DÂN SỰ", 12, False, False),        # parent body UPPER 12
        ("CỤC THI HÀNH ÁN DÂN SỰ", 13, True, False),              # issuer UPPER bold 13
        ("Số: 01/QĐ-CTHADS", 13, False, False),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False),  # UPPER bold 12
        ("Độc lập - Tự do - Hạnh phúc", 13, True, False),         # bold 13
        ("Đồng Tháp, ngày 05 tháng 01 năm 2025", 14, False, True),  # italic
        ("QUYẾT ĐỊNH", 14, True, False),
        ("Về việc tặng", 14, True, False),                        # subject bold
        ("CỤC TRƯỞNG CỤC THI HÀNH ÁN", 14, True, False),          # authority bold
        ("Căn cứ Luật Thi đua", 14, False, True),                 # legal bases italic
        ("Xét đề nghị", 14, False, True),
        ("QUYẾT ĐỊNH:", 14, True, False),
        ("Điều 1.", 14, True, False),
        ("Tặng danh hiệu thi đua", 14, False, False),             # article text regular 14
        ("Nơi nhận:", 12, True, True),                            # 12 bold italic
        ("- Như Điều 3;", 11, False, False),                      # the list 11
        ("- Lưu: VT, TCCB.", 11, False, False),
        ("KT. CỤC TRƯỞNG", 14, True, False),                      # mode + position UPPER bold
        ("PHÓ CỤC TRƯỞNG", 14, True, False),
        ("Trương Văn Mười", 14, True, False),                     # name bold
    ]
    seen = [(r.text, r.size, r.bold, r.italic) for r in rs if r.page == 1]
    for start, size, bold, italic in expected:
        run = _run(rs, start)
        assert (run.size, run.bold, run.italic) == (size, bold, italic), (start, seen)
    # "Nơi nhận:" is followed by its list, whose last line is "- Lưu: …".
    listed = [r for r in rs if r.page == 1 and r.size == 11]
    assert listed[-1].text.startswith("- Lưu: VT")


def test_article_lines_start_with_the_first_line_indent(pdfs):
    ws = [w for w in words(pdfs["short"]) if w.page == 1]
    # "Điều 1." … "Điều 3." (not "Điều 1" inside a sentence, nor "- Như Điều 3;").
    heads = [w for w, after in zip(ws, ws[1:], strict=False) if w.text == "Điều" and after.text in ("1.", "2.", "3.")]
    assert len(heads) == 3
    for w in heads:
        assert w.x0 == pytest.approx(LEFT + 1.27 * 10 * MM, abs=1)  # 1.27 cm


def test_signature_block_on_the_right_with_room_for_signature_and_seal(pdfs):
    ws = [w for w in words(pdfs["short"]) if w.page == 1]
    centre = (LEFT + RIGHT) / 2
    recipients, mode = line(ws, "Nơi"), line(ws, "KT.")
    title, name = line(ws, "PHÓ"), line(ws, "Trương")
    assert recipients[-1].x1 < centre < mode[0].x0
    assert mode[0].y0 == pytest.approx(recipients[0].y0, abs=2)  # "Nơi nhận:" level with the signer's title
    signer_axis = (mode[0].x0 + mode[-1].x1) / 2
    for row in (title, name):
        assert (row[0].x0 + row[-1].x1) / 2 == pytest.approx(signer_axis, abs=1)
    assert name[0].y0 - title[0].y1 >= 20 * MM  # room for the signature and the seal


def _dark_rules(pdf: bytes, page: int, dpi: int = 144) -> list[tuple[float, float, float]]:
    """The horizontal rules of a page as (y, x0, x1) in points: runs of dark pixels at least 15 mm long."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", str(path),
                        str(Path(folder) / "page")], check=True)
        image = Image.open(next(Path(folder).glob("page*.png"))).convert("L")
    width, height = image.size
    pixels = image.load()
    scale = 72 / dpi
    found: list[tuple[float, float, float]] = []
    for y in range(height):
        x = 0
        while x < width:
            if pixels[x, y] < 128:
                start = x
                while x < width and pixels[x, y] < 128:
                    x += 1
                if (x - start) * scale >= 15 * MM and not (found and abs(found[-1][0] - y * scale) < 2):
                    found.append((y * scale, start * scale, x * scale))
            x += 1
    return found


def test_the_rules_under_the_issuer_the_motto_and_the_subject(pdfs):
    ws = [w for w in words(pdfs["short"]) if w.page == 1]
    rules = _dark_rules(pdfs["short"], 1)
    assert len(rules) == 3, rules
    issuer_last = line(ws, "TỈNH")
    motto = line(ws, "Độc")
    subject_end = next(w for w in ws if w.text == "2024" and w.y0 > motto[0].y1)
    under_issuer, under_motto = sorted(rules[:2], key=lambda r: r[1])
    # Under the issuer: a short rule centred under its last line.
    assert issuer_last[0].y1 < under_issuer[0] < issuer_last[0].y1 + 6
    assert (under_issuer[1] + under_issuer[2]) / 2 == pytest.approx((issuer_last[0].x0 + issuer_last[-1].x1) / 2,
                                                                    abs=3)
    # Under the motto: as long as the motto.
    assert motto[0].y1 < under_motto[0] < motto[0].y1 + 6
    assert (under_motto[1], under_motto[2]) == (pytest.approx(motto[0].x0, abs=3), pytest.approx(motto[-1].x1, abs=3))
    # Under the subject: a short centred rule.
    assert subject_end.y1 < rules[2][0] < subject_end.y1 + 8
    assert (rules[2][1] + rules[2][2]) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=3)


# --- the annex ---------------------------------------------------------------------------------------------

def test_the_annex_page_carries_the_issuer_header_title_and_reference(pdfs, contexts):
    rs = [r for r in runs(pdfs["long"]) if r.page == 2]
    assert (_run(rs, "TỔNG CỤC", 2).size, _run(rs, "CỤC THI HÀNH", 2).bold) == (12, True)
    assert _run(rs, "CỘNG HÒA", 2).bold and _run(rs, "Độc lập", 2).bold
    assert not [r for r in rs if r.text.startswith("Số:")]  # the reference line names the decision instead
    title, subtitle, reference = _run(rs, "DANH SÁCH", 2), _run(rs, "Cá nhân được", 2), _run(rs, "(Kèm theo", 2)
    assert (title.bold, subtitle.bold, reference.italic, reference.bold) == (True, True, True, False)
    assert title.top < subtitle.top < reference.top
    assert subtitle.text == contexts["long"]["annex"]["subtitle"]


def _annex_rows(pdf: bytes) -> list[tuple[int, dict[str, str]]]:
    """Each numbered annex row as (page, {column: text}): the words between its top and the next row's top, column by
    column."""
    edges = _column_edges()
    out = []
    ws = [w for w in words(pdf) if w.page > 1 and w.y0 > TOP]
    for page in sorted({w.page for w in ws}):
        on_page = [w for w in ws if w.page == page]
        header = max(w.y1 for w in on_page if w.text in ("STT", "(đồng)"))
        body = [w for w in on_page if w.y0 > header]
        # A row starts where a word starts at the left of the table (a number, a group heading) or a sum row does.
        starts = sorted({round(w.y0, 1) for w in body if w.x0 < edges[1] or w.text in ("Cộng", "Tổng")})
        for top, bottom in zip(starts, starts[1:] + [PAGE_H], strict=True):
            row = [w for w in body if top - 0.5 <= w.y0 < bottom - 0.5]
            cells = {key: " ".join(w.text for w in sorted((w for w in row if edges[i] - 1 <= w.x0 < edges[i + 1]),
                                                           key=lambda w: (round(w.y0), w.x0)))
                     for i, key in enumerate(ROW_KEYS)}
            if cells["no"].isdigit():
                out.append((page, cells))
    return out


@pytest.mark.parametrize("name", DOCS)
def test_every_annex_row_comes_back_whole_on_one_page_in_order(pdfs, contexts, name):
    expected = [{key: str(row[key]) for key in ROW_KEYS}
                for group in contexts[name]["annex"]["groups"] for row in group["rows"]]
    got = _annex_rows(pdfs[name])
    # Every cell's text exactly, so a row split across a page break (its second lines on the next page) fails.
    assert [cells for _, cells in got] == expected
    assert [int(cells["no"]) for _, cells in got] == list(range(1, len(expected) + 1))


def test_the_annex_header_row_repeats_on_every_annex_page(pdfs):
    ws = words(pdfs["long"])
    pages = _pages(pdfs["long"])
    rows = _annex_rows(pdfs["long"])
    for page in range(2, pages + 1):
        on_page = [w for w in ws if w.page == page and w.y0 > TOP]
        header = [w.text for w in on_page if w.text in ("STT", "Họ", "Chức", "Đơn", "Danh", "Hình", "Số", "(đồng)")]
        assert header.count("STT") == 1 and set(header) >= {"STT", "Họ", "Chức", "Đơn", "Danh", "Hình", "(đồng)"}
        stt = next(w for w in on_page if w.text == "STT")
        numbers = [w for w in on_page if w.text.isdigit() and w.x1 < _column_edges()[1]]
        assert numbers and all(stt.y1 < n.y0 for n in numbers)  # the header heads the page's part of the table
        assert [page_ for page_, _ in rows].count(page) == len(numbers)


def test_money_is_right_aligned_and_numbers_centred(pdfs):
    edges = _column_edges()
    ws = [w for w in words(pdfs["long"]) if w.page > 1 and w.y0 > TOP]
    money = [w for w in ws if w.x0 >= edges[5] - 1 and w.text[0].isdigit()]
    assert len(money) == 200 + 3 + 1  # each row, the three "Cộng" rows and "Tổng cộng"
    right = max(w.x1 for w in money)
    assert all(w.x1 == pytest.approx(right, abs=0.5) for w in money)
    assert RIGHT - 6 < right < RIGHT  # inside the cell's padding, against its right border
    numbers = [w for w in ws if w.x1 < edges[1] and w.text.isdigit()]
    assert len(numbers) == 200 and all(w.centre == pytest.approx((edges[0] + edges[1]) / 2, abs=1) for w in numbers)


def test_totals_per_award_and_overall(pdfs, contexts):
    annex = contexts["long"]["annex"]
    rs = [r for r in runs(pdfs["long"]) if r.page > 1 and r.bold]
    sums = [r.text for r in rs if r.text[0].isdigit() and r.left > _column_edges()[5]]
    assert sums == [group["subtotal"] for group in annex["groups"]] + [annex["total"]]
    labels = [r.text for r in rs if r.text in ("Cộng", "Tổng cộng")]
    assert labels == ["Cộng"] * 3 + ["Tổng cộng"]
    # One award: its "Cộng" would repeat "Tổng cộng", so there is none.
    one = samples.decision(rows=3) | {}
    one["annex"] = one["annex"] | {"groups": one["annex"]["groups"][:1], "total": one["annex"]["groups"][0]["subtotal"]}
    with create_app(config.TestConfig).app_context():
        text = flat(render_pdf("decision.html", one))
    assert "Tổng cộng" in text and "Cộng " not in text.split("DANH SÁCH", 1)[1]


# --- the renderer's speed levers keep the result and the process sound --------------------------------------

def test_the_trimmed_user_agent_stylesheet_is_in_use_and_list_markers_still_work(doc_app):
    from weasyprint.html import UA_STYLESHEET

    assert render._user_agent_stylesheet() is not UA_STYLESHEET  # this WeasyPrint's sheet matched the trimming
    pdf = render.write_pdf("<!doctype html><html><body><ul><li>Mục một</li></ul></body></html>")
    assert "• Mục một" in flat(pdf)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(enabled):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        render.write_pdf("<!doctype html><html><body><p>Tài liệu</p></body></html>")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_process_that_rendered_a_document_exits_cleanly():
    # The shared Pango objects are released at exit: left to the interpreter's last collection they could be freed
    # after GLib and end the process with a segmentation fault (exit status -11). That depended on which modules
    # were imported (seen with the certificate jobs module at one stage, gone later), so this guards the exit
    # status of a process like the app's rather than reproducing the crash for sure.
    script = ("from awards import config, create_app\n"
              "from awards.documents import render_pdf\n"
              "from tests.unit import documents_samples as samples\n"
              "with create_app(config.TestConfig).app_context():\n"
              "    render_pdf('decision.html', samples.decision())\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


# --- decision_context: the dict the issued decision prints ---------------------------------------------------

def _decision(collective: bool = False, number: int | None = 3):
    """A decision as ``decision_context`` reads it (attributes only), without a database."""
    from datetime import date
    from types import SimpleNamespace as NS

    from awards.catalogue.models import AwardKind
    from awards.decisions.models import DecisionKind, SigningMode

    def unit(name, parent=None):
        return NS(name_on=lambda on: name, parent=parent)

    ldtt = NS(kind=AwardKind.TITLE, name_vi="Lao động tiên tiến")
    ttldtt = NS(kind=AwardKind.TITLE, name_vi="Tập thể lao động tiên tiến")
    items = [NS(id=i, position=i, award_id=1, award=ldtt, is_collective=False, nominee_name=name,
                nominee_position="Chấp hành viên", nominee_unit="Chi cục THADS huyện Lấp Vò", money=710_000)
             for i, name in enumerate(samples.NAMES[:3], start=1)]
    if collective:
        items.append(NS(id=4, position=4, award_id=2, award=ttldtt, is_collective=True,
                        nominee_name="Chi cục THADS huyện Lai Vung", nominee_position="", nominee_unit="",
                        money=1_880_000))
    issuer = unit("Cục Thi hành án dân sự tỉnh Đồng Tháp", unit("Tổng cục Thi hành án dân sự"))
    return NS(kind=DecisionKind.AWARD, decided_on=date(2025, 1, 5), award_year=2024, issuer=issuer, number=number,
              number_text=f"{number:02d}/QĐ-CTHADS" if number else None, symbol="QĐ-CTHADS", place="Đồng Tháp",
              subject="Về việc tặng danh hiệu “Lao động tiên tiến” năm 2024",
              authority="CỤC TRƯỞNG CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP",
              bases=[NS(legal_basis=NS(citation_line="Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"))],
              considering="Xét đề nghị của Hội đồng Thi đua - Khen thưởng Cục", article1="Tặng …", article2="Tiền …",
              article3="Quyết định này có hiệu lực kể từ ngày ký.", signer=NS(full_name="Trương Văn Mười"),
              signing_mode=SigningMode.NONE, signer_position="CỤC TRƯỞNG", signer_title="",
              recipients=["Như Điều 3;", "Lưu: VT, TCCB."], items=items,
              total_money=sum(i.money for i in items))


def test_the_context_of_a_decision_prints_as_an_issued_decision(doc_app):
    from awards.decisions.documents import decision_context

    context = decision_context(_decision())
    assert context["parent_body"] == "TỔNG CỤC THI HÀNH ÁN DÂN SỰ"
    assert context["bases"] == ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
                                "Xét đề nghị của Hội đồng Thi đua - Khen thưởng Cục"]
    assert context["annex"]["subtitle"] == "Cá nhân được khen thưởng năm 2024"  # persons only
    assert context["annex"]["reference"] == ("(Kèm theo Quyết định số 03/QĐ-CTHADS ngày 05 tháng 01 năm 2025 của "
                                             "Cục trưởng Cục Thi hành án dân sự tỉnh Đồng Tháp)")
    assert decision_context(_decision(collective=True))["annex"]["subtitle"] == (
        "Tập thể, cá nhân được khen thưởng năm 2024")
    with doc_app.app_context():
        pdf = render_pdf("decision.html", context)
    text = flat(pdf)
    assert "Số: 03/QĐ-CTHADS" in text and "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in text
    assert "Xét đề nghị của Hội đồng Thi đua - Khen thưởng Cục." in text
    got = [cells for _, cells in _annex_rows(pdf)]
    assert [(c["no"], c["name"], c["money"]) for c in got] == [("1", "Nguyễn Văn Lợi", "710.000"),
                                                               ("2", "Trần Thị Hương", "710.000"),
                                                               ("3", "Lê Thị Thu Trữ", "710.000")]


def test_a_draft_leaves_room_for_the_number_in_the_header_and_the_annex(doc_app):
    from awards.decisions.documents import decision_context

    with doc_app.app_context():
        pdf = render_pdf("decision.html", decision_context(_decision(number=None)))
    text = flat(pdf)
    assert "Số: /QĐ-CTHADS" in text and "(Kèm theo Quyết định số /QĐ-CTHADS ngày 05 tháng 01 năm 2025" in text
    ws = [w for w in words(pdf) if w.page == 1]
    label = next(w for w in ws if w.text == "Số:")
    symbol = next(w for w in ws if w.text == "/QĐ-CTHADS" and abs(w.y0 - label.y0) < 0.5)
    assert symbol.x0 - label.x1 >= 15  # room to write the number by hand at signature


def test_the_speed_levers_leave_every_word_where_stock_weasyprint_puts_it(doc_app, contexts):
    from flask import render_template
    from weasyprint import HTML

    with doc_app.app_context():
        html = render_template("documents/decision.html", **contexts["short"])
    font_config, css = render._resources()
    stock = HTML(string=html, base_url=render.STATIC_ROOT.as_uri() + "/", url_fetcher=render._fetcher()).write_pdf(
        stylesheets=[css], font_config=font_config)
    ours = render.write_pdf(html)
    assert words(ours) == words(stock) and runs(ours) == runs(stock)
