"""The document module read back from its PDFs: Decree 30/2020/NĐ-CP page, header and fonts, Vietnamese text,
page numbers and repeated table headers, and a URL fetcher that lets a template reach nothing but static files."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

import pytest
from fontTools.ttLib import TTFont

from awards import create_app
from awards import config
from awards.documents import DocumentResourceRefused, render, render_pdf, sha256
from tests.unit import documents_samples as samples
from tests.unit.documents_samples import fonts, line, page_size, text, words

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, PAGE_W - 15 * MM, 20 * MM, PAGE_H - 20 * MM
# A justified line can end a fraction of a point past the margin in pdftotext's boxes (the justification's
# spacing is rounded per glyph); a third of a millimetre is not a layout fault, a wrong column width is.
SLACK = 1.0
FONT_NAME = r"^[A-Z]{6}\+Liberation-Serif-v2(-Bold|-Italic|-Bold-Italic)?$"


@pytest.fixture(scope="module")
def doc_app():
    return create_app(config.TestConfig)


@pytest.fixture(scope="module")
def pdfs(doc_app):
    """Each sample rendered once for the module: the short documents and a 60-row tờ trình (several pages)."""
    with doc_app.app_context():
        return {"minutes": render_pdf("minutes.html", samples.minutes()),
                "tally": render_pdf("tally.html", samples.tally()),
                "batch": render_pdf("batch.html", samples.batch()),
                "long": render_pdf("batch.html", samples.batch(rows=60))}


DOCS = ("minutes", "tally", "batch", "long")


@pytest.mark.parametrize("name", DOCS)
def test_pages_are_a4_portrait(pdfs, name):
    width, height, _ = page_size(pdfs[name])
    assert (round(width, 1), round(height, 1)) == (round(PAGE_W, 1), round(PAGE_H, 1))


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
def test_only_liberation_serif_2_is_used_and_embedded(pdfs, name):
    listed = fonts(pdfs[name])
    assert {"Liberation-Serif-v2", "Liberation-Serif-v2-Bold", "Liberation-Serif-v2-Italic"} <= {
        font.split("+", 1)[1] for font, _ in listed}
    for font, embedded in listed:
        assert re.match(FONT_NAME, font), font  # no fallback font for a missing letter
        assert embedded == "yes", font


def test_the_font_files_named_by_the_stylesheet_are_version_2():
    # The stylesheet names these files; version 1.x (fonts-liberation) lacks ơ and ư.
    for path in render.FONT_FILES:
        assert str(path) in render.STYLESHEET.read_text()
        version = TTFont(path)["name"].getDebugName(5)
        assert version.startswith("Version 2."), (path, version)


@pytest.mark.parametrize("name", DOCS)
def test_the_header_and_names_come_back_exactly(pdfs, name):
    body = text(pdfs[name])
    assert unicodedata.is_normalized("NFC", body)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Đồng Tháp, ngày 05 tháng 01 năm 2025", "Nguyễn Văn Lợi"):
        assert expected in body
    if name != "minutes":
        assert "Lê Thị Thu Trữ" in body and "Trần Thị Hương" in body


def test_header_sizes_and_columns(pdfs):
    ws = words(pdfs["minutes"])
    nation, motto, place = line(ws, "CỘNG"), line(ws, "Độc"), line(ws, "Đồng")
    parent, number = line(ws, "TỔNG"), line(ws, "Số:")
    issuer = line(ws, "CỤC", below=parent[0].y1)
    assert {w.size for w in nation} == {12.0}
    assert {w.size for w in motto} == {13.0}
    assert {w.size for w in place} == {14.0}
    assert {w.size for w in parent} == {12.0}
    assert {w.size for w in issuer} == {13.0}
    # Two columns side by side, tops aligned; each column's lines centred on the same axis.
    assert nation[0].y0 == pytest.approx(parent[0].y0, abs=0.5)
    assert nation[0].x0 > parent[-1].x1
    right_axis = (nation[0].x0 + nation[-1].x1) / 2
    assert (motto[0].x0 + motto[-1].x1) / 2 == pytest.approx(right_axis, abs=1)
    assert (place[0].x0 + place[-1].x1) / 2 == pytest.approx(right_axis, abs=1)
    left_axis = (parent[0].x0 + parent[-1].x1) / 2
    assert (number[0].x0 + number[-1].x1) / 2 == pytest.approx(left_axis, abs=1)
    # Body text: 14 pt.
    assert {w.size for w in line(ws, "Vào")} == {14.0}


def test_the_page_number_starts_on_page_two_centred_in_the_top_margin(pdfs):
    ws = words(pdfs["long"])
    _, _, pages = page_size(pdfs["long"])
    assert pages >= 3
    in_margin = {page: [w for w in ws if w.page == page and w.y1 <= TOP] for page in range(1, pages + 1)}
    assert in_margin[1] == []
    for page in range(2, pages + 1):
        assert [w.text for w in in_margin[page]] == [str(page)]
        assert in_margin[page][0].centre == pytest.approx((LEFT + RIGHT) / 2, abs=2)


def test_the_table_header_repeats_and_rows_continue_on_the_next_page(pdfs):
    page1, page2 = text(pdfs["long"], 1), text(pdfs["long"], 2)
    for heading in ("STT", "Họ và tên", "Chức vụ", "Tóm tắt thành tích"):
        assert heading in page1 and heading in page2
    first_numbers = [w for w in words(pdfs["long"]) if w.page == 2 and w.text.isdigit() and w.y0 > TOP]
    continued = int(min(first_numbers, key=lambda w: w.y0).text)
    assert continued > 1
    # No row is lost or printed twice across the break.
    ws = words(pdfs["long"])
    stt = [w for w in ws if w.text.isdigit() and w.y0 > TOP and w.x1 < LEFT + 35]
    assert sorted(int(w.text) for w in stt) == list(range(1, 61))
    # Rows never split: every row's number and the last word of its summary are on the same page.
    pages = {w.page for w in ws}
    for page in pages:
        assert len([w for w in stt if w.page == page]) == len([w for w in ws if w.page == page and w.text == "85,20%."])


def test_signature_blocks(pdfs):
    batch = text(pdfs["batch"])
    assert "KT. CHI CỤC TRƯỞNG" in batch and "PHÓ CHI CỤC TRƯỞNG" in batch and "Nơi nhận:" in batch
    ws = words(pdfs["tally"])
    page = max(w.page for w in ws)
    # The counter whose role is "Trưởng ban kiểm phiếu" signs on the right, the other counters on the left.
    head = next(w for w in ws if w.page == page and w.text == "Trữ")
    others = [w for w in ws if w.page == page and w.text in ("Dương", "Sương")]
    assert head.x0 > (LEFT + RIGHT) / 2 and len(others) == 2 and all(w.x1 < (LEFT + RIGHT) / 2 for w in others)
    minutes = words(pdfs["minutes"])
    last = max(w.page for w in minutes)
    chair = [w for w in minutes if w.page == last and w.text in ("CHỦ", "TRÌ")]
    secretary = [w for w in minutes if w.page == last and w.text == "KÝ"]
    assert chair and secretary and chair[0].x0 > (LEFT + RIGHT) / 2 > secretary[0].x1


def test_a_draft_number_leaves_room_and_march_has_no_leading_zero(doc_app):
    context = samples.batch() | {"number": "", "date": date(2025, 3, 15)}
    with doc_app.app_context():
        body = text(render_pdf("batch.html", context))
    assert "ngày 15 tháng 3 năm 2025" in body
    assert "Số:" in body and "25/TTr" not in body


def test_one_font_configuration_and_stylesheet_per_process(doc_app):
    with doc_app.app_context():
        render_pdf("tally.html", samples.tally())
        first = render._resources()
        render_pdf("tally.html", samples.tally())
    assert render._resources()[0] is first[0] and render._resources()[1] is first[1]


def test_sha256_is_the_hex_digest():
    pdf = b"%PDF-1.7 sample"
    assert sha256(pdf) == hashlib.sha256(pdf).hexdigest() and len(sha256(pdf)) == 64


# --- the URL fetcher ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/", "https://example.com/x.png",
                                 "ftp://example.com/x", "file://otherhost/etc/passwd",
                                 render.STATIC_ROOT.as_uri() + "/../documents/render.py",
                                 "file:///usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"])
def test_the_fetcher_refuses_anything_outside_static_files(url):
    with pytest.raises(DocumentResourceRefused):
        render._fetcher()(url)


def test_the_fetcher_serves_static_files_fonts_and_data():
    css = render._fetcher()(render.STYLESHEET.as_uri())
    assert b"@font-face" in css.read()
    css.close()
    font = render._fetcher()(sorted(render.FONT_FILES)[0].as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    font.close()
    assert render._fetcher()("data:text/plain,ok").read() == b"ok"


@pytest.mark.parametrize("markup", [
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://example.com/x.css">',
    '<img src="http://example.com/x.png">',
    '<p style="background: url(file:///etc/hostname)">x</p>',
])
def test_a_document_naming_another_url_is_refused_without_fetching_it(doc_app, markup, monkeypatch):
    from weasyprint.urls import URLFetcher

    fetched = []
    original = URLFetcher.fetch
    monkeypatch.setattr(URLFetcher, "fetch", lambda self, url, headers=None: (fetched.append(url),
                                                                               original(self, url, headers))[1])
    with doc_app.app_context(), pytest.raises(DocumentResourceRefused):
        render.write_pdf(f"<!doctype html><html><body><p>Tài liệu</p>{markup}</body></html>")
    assert not [url for url in fetched if "passwd" in url or "example.com" in url or "hostname" in url]


def test_an_image_from_static_files_is_embedded_and_one_beside_them_is_not(doc_app, tmp_path, monkeypatch):
    from PIL import Image

    static = tmp_path / "static"
    static.mkdir()
    Image.new("RGB", (20, 20), "red").save(static / "seal.png")
    Image.new("RGB", (20, 20), "blue").save(tmp_path / "outside.png")
    monkeypatch.setattr(render, "STATIC_ROOT", static)
    pdf = render.write_pdf('<!doctype html><html><body><img src="seal.png"></body></html>')
    assert _image_count(pdf) == 1
    with pytest.raises(DocumentResourceRefused):
        render.write_pdf('<!doctype html><html><body><img src="../outside.png"></body></html>')


def _image_count(pdf: bytes) -> int:
    return len(samples._run("pdfimages", pdf, "-list").splitlines()[2:])

