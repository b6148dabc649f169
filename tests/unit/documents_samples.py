"""Sample contexts for the document templates, shaped exactly like the contracts in awards/documents/render.py,
and helpers that read the PDFs back with poppler-utils (pdftotext, pdffonts, pdfinfo).

``rows`` makes a list long enough to run over several pages (header repetition, page numbers).
"""
from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

# Names with the letters Liberation Serif 1.x lacks (ơ, ư, ữ, ợ, ự …): they must come out of pdftotext intact.
NAMES = ["Nguyễn Văn Lợi", "Trần Thị Hương", "Lê Thị Thu Trữ", "Phạm Văn Dương", "Võ Thị Ngọc Sương",
         "Huỳnh Văn Thức", "Đặng Thị Mỹ Hạnh", "Bùi Văn Sự", "Ngô Thị Thơ"]
UNITS = ["Chi cục THADS huyện Lấp Vò", "Chi cục THADS huyện Lai Vung", "Phòng Nghiệp vụ và Tổ chức thi hành án"]


def common(number: str = "12/BB-HĐTĐKT") -> dict:
    return {"parent_body": "TỔNG CỤC THI HÀNH ÁN DÂN SỰ", "issuer": "CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP",
            "number": number, "place": "Đồng Tháp", "date": date(2025, 1, 5)}


def _members() -> list[dict]:
    roles = ["Chủ tịch Hội đồng", "Phó Chủ tịch Hội đồng"] + ["Thành viên"] * 6 + ["Thư ký Hội đồng"]
    positions = ["Cục trưởng", "Phó Cục trưởng", "Phó Cục trưởng", "Chánh Văn phòng", "Trưởng phòng",
                 "Chủ tịch Công đoàn", "Bí thư Chi đoàn", "Trưởng phòng", "Chuyên viên"]
    return [{"name": n, "role": r, "position": p} for n, r, p in zip(NAMES, roles, positions, strict=True)]


def minutes(items_per_award: int = 3) -> dict:
    members = _members()
    present = [{"name": m["name"], "role": m["role"]} for m in members[:8]]
    absent = [{"name": members[8]["name"], "role": members[8]["role"], "written_vote": True}]
    awards = [("Chiến sĩ thi đua cơ sở", "≥ 80% tổng số thành viên"),
              ("Lao động tiên tiến", "trên 50% tổng số thành viên")]
    results = []
    for award, threshold in awards:
        items = [{"nominee": NAMES[i % len(NAMES)], "unit": UNITS[i % len(UNITS)], "round": 1, "yes": 8 - i % 3,
                  "no": 1 + i % 3, "share": f"{(8 - i % 3) / 9 * 100:.2f}%".replace(".", ","),
                  "passed": i % 3 != 2, "note": ""} for i in range(items_per_award)]
        results.append({"award": award, "threshold": threshold, "items": items})
    return common() | {
        "council_name": "Hội đồng Thi đua - Khen thưởng Cục Thi hành án dân sự tỉnh Đồng Tháp",
        "subject": "Họp xét thi đua, khen thưởng năm 2021", "year": 2021, "started_at": "08 giờ 00",
        "ended_at": "10 giờ 30", "location": "Hội trường Cục Thi hành án dân sự tỉnh Đồng Tháp",
        "secret_ballot": True, "members": members, "member_count": len(members), "present": present,
        "absent": absent, "quorum": {"present": 8, "members": 9, "required": 6, "met": True,
                                     "rule": "ít nhất 2/3 tổng số thành viên"},
        "chair": {"name": NAMES[0], "position": "Cục trưởng"},
        "secretary": {"name": NAMES[8], "position": "Chuyên viên"},
        "agenda": [{"award": a, "count": items_per_award} for a, _ in awards], "results": results,
        "tie_breaks": [{"note": "Chủ tịch Hội đồng quyết định chọn ông Phạm Văn Dương do có số phiếu bằng nhau."}],
    }


def tally(items: int = 4) -> dict:
    rows = [{"nominee": NAMES[i % len(NAMES)], "unit": UNITS[i % len(UNITS)], "award": "Chiến sĩ thi đua cơ sở",
             "yes": 8 - i % 3, "no": 1 + i % 3, "share": f"{(8 - i % 3) / 9 * 100:.2f}%".replace(".", ","),
             "threshold": "≥ 80%", "passed": i % 3 != 2} for i in range(items)]
    return common("13/BB-KP") | {
        "council_name": "Hội đồng Thi đua - Khen thưởng Cục Thi hành án dân sự tỉnh Đồng Tháp",
        "subject": "Bỏ phiếu kín xét danh hiệu Chiến sĩ thi đua cơ sở năm 2021", "year": 2021,
        "secret_ballot": True, "member_count": 9, "ballots_cast": 9,
        "rounds": [{"number": 1, "ballots": 9, "valid": 9, "invalid": 0, "items": rows}],
        "counters": [{"name": NAMES[3], "role": "Thành viên"}, {"name": NAMES[2], "role": "Trưởng ban kiểm phiếu"},
                     {"name": NAMES[4], "role": "Thành viên"}],
        "chair": {"name": NAMES[0], "position": "Cục trưởng"},
    }


def batch(rows: int = 5) -> dict:
    return common("25/TTr-CCTHADS") | {
        "parent_body": "CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP", "issuer": "CHI CỤC THI HÀNH ÁN DÂN SỰ HUYỆN LẤP VÒ",
        "title": "Tờ trình đề nghị khen thưởng năm 2021",
        "recipient": "Hội đồng Thi đua - Khen thưởng Cục THADS tỉnh Đồng Tháp", "year": 2021, "body": "",
        "rows": [{"nominee": NAMES[i % len(NAMES)], "position": "Chấp hành viên sơ cấp", "unit": UNITS[0],
                  "award": "Chiến sĩ thi đua cơ sở" if i % 2 else "Lao động tiên tiến",
                  "summary": "Hoàn thành xuất sắc nhiệm vụ; tỷ lệ thi hành xong về việc đạt 85,20%."}
                 for i in range(rows)],
        "signer": {"mode": "KT.", "position": "CHI CỤC TRƯỞNG", "name": "Trương Văn Mười"},
        "recipients": ["Như trên;", "Lãnh đạo Chi cục;", "Lưu: VT."],
    }


# (award, money per person, is a title) of the decision sample: the annex groups rows by award, in this order.
DECISION_AWARDS = [("Chiến sĩ thi đua cơ sở", 2_340_000, True), ("Lao động tiên tiến", 710_000, True),
                   ("Giấy khen của Cục trưởng", 710_000, False)]
POSITIONS = ["Chấp hành viên sơ cấp", "Thẩm tra viên", "Thư ký thi hành án", "Phó Chi cục trưởng", "Kế toán viên"]


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def decision(rows: int = 6) -> dict:
    """A Quyết định khen thưởng of the Cục with ``rows`` people in its annex, spread over three awards (the
    first award gets a fifth of the rows, the second three fifths, the rest the third), shaped like
    ``awards.decisions.documents.decision_context``."""
    first = max(1, rows // 5)
    second = max(0, min(rows - first, rows * 3 // 5))
    sizes = [first, second, rows - first - second]
    groups, lines, position, total = [], [], 0, 0
    for index, ((award, money, title), size) in enumerate(zip(DECISION_AWARDS, sizes, strict=True)):
        if not size:
            continue
        named = f"danh hiệu “{award}”" if title else award
        group_rows = []
        for _ in range(size):
            position += 1
            group_rows.append({"no": position, "name": NAMES[position % len(NAMES)],
                               "position": POSITIONS[position % len(POSITIONS)],
                               "unit": UNITS[position % len(UNITS)], "award": award, "money": _money(money)})
        total += money * size
        groups.append({"heading": f"{('I', 'II', 'III')[index]}. Tặng {named} ({size:02d} cá nhân)",
                       "rows": group_rows, "subtotal": _money(money * size)})
        lines.append(f"{f'“{award}”' if title else award}: {size:02d} cá nhân;")
    issuer_name = "Cục Thi hành án dân sự tỉnh Đồng Tháp"
    return common("01/QĐ-CTHADS") | {
        "subject": "Về việc tặng danh hiệu thi đua và Giấy khen của Cục trưởng cho cá nhân có thành tích xuất sắc "
                   "năm 2024",
        "authority": "CỤC TRƯỞNG CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP",
        "bases": ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
                  "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi "
                  "hành một số điều của Luật Thi đua, khen thưởng",
                  "Căn cứ Nghị định số 73/2024/NĐ-CP của Chính phủ quy định mức lương cơ sở",
                  "Căn cứ Quy chế thi đua, khen thưởng của hệ thống Thi hành án dân sự",
                  f"Xét đề nghị của Hội đồng Thi đua - Khen thưởng {issuer_name}"],
        "articles": [
            {"text": f"Tặng danh hiệu thi đua, hình thức khen thưởng năm 2024 cho {rows:02d} cá nhân thuộc "
                     f"{issuer_name} (có danh sách kèm theo), gồm:",
             "list": lines[:-1] + [lines[-1][:-1] + "."]},
            {"text": "Tiền thưởng kèm theo danh hiệu thi đua, hình thức khen thưởng tại Điều 1 được thực hiện theo "
                     f"quy định hiện hành; tổng số tiền thưởng là {_money(total)} đồng, chi từ Quỹ thi đua, khen "
                     f"thưởng của {issuer_name}.", "list": []},
            {"text": "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Trưởng phòng Tổ chức cán bộ, Thủ "
                     "trưởng các đơn vị có liên quan và các cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
                     "Quyết định này.", "list": []}],
        "signer": {"mode": "KT.", "position": "CỤC TRƯỞNG", "title": "PHÓ CỤC TRƯỞNG", "name": "Trương Văn Mười"},
        "recipients": ["Như Điều 3;", "Tổng cục THADS (để báo cáo);", "Lưu: VT, TCCB."],
        "annex": {"title": "DANH SÁCH",
                  "subtitle": "Cá nhân được khen thưởng năm 2024",
                  "reference": f"(Kèm theo Quyết định số 01/QĐ-CTHADS ngày 05 tháng 01 năm 2025 của Cục trưởng "
                               f"{issuer_name})",
                  "groups": groups, "total": _money(total)},
    }


# --- reading the PDFs back with poppler-utils ---------------------------------------------------------------

def _run(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                              check=True, capture_output=True, text=True).stdout


def text(pdf: bytes, page: int | None = None) -> str:
    """``pdftotext -layout`` of the whole document or one page (1-based)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", pdf, "-layout", *pages)


def flat(pdf: bytes) -> str:
    """The text in reading order with every run of whitespace made one space: wrapped lines join up."""
    return " ".join(_run("pdftotext", pdf).split())


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def size(self) -> float:
        """The font size: pdftotext's box is the font's ascent + descent, 1.107 em for Liberation Serif."""
        return round((self.y1 - self.y0) / LIBERATION_BOX_EM, 1)


LIBERATION_BOX_EM = 1.107


def words(pdf: bytes) -> list[Word]:
    """Every word with its box in points (origin top left), from ``pdftotext -bbox``."""
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", _run("pdftotext", pdf, "-bbox")))
    out = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        for w in page.iter("{http://www.w3.org/1999/xhtml}word"):
            out.append(Word(number, w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))))
    return out


def line(ws: list[Word], first: str, page: int = 1, below: float = 0) -> list[Word]:
    """The words on the line (same top) that starts with the first word ``first`` on ``page`` below ``below``."""
    start = next(w for w in ws if w.page == page and w.text == first and w.y0 >= below)
    same_row = sorted((w for w in ws if w.page == page and abs(w.y0 - start.y0) < 0.5 and w.x0 >= start.x0),
                      key=lambda w: w.x0)
    out = [same_row[0]]
    for w in same_row[1:]:
        if w.x0 - out[-1].x1 > 12:  # a wider gap than any word space: the next column
            break
        out.append(w)
    return out


def fonts(pdf: bytes) -> list[tuple[str, str]]:
    """(name, embedded yes/no) for each font ``pdffonts`` lists."""
    rows = _run("pdffonts", pdf).splitlines()[2:]
    return [(row.split()[0], row.split()[-5]) for row in rows if row.strip()]


def page_size(pdf: bytes) -> tuple[float, float, int]:
    info = _run("pdfinfo", pdf)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    return width, height, int(re.search(r"Pages:\s+(\d+)", info).group(1))


@dataclass(frozen=True)
class Run:
    """A run of text in one font as ``pdftohtml -xml`` reports it (points, origin top left, size rounded)."""

    page: int
    top: float
    left: float
    width: float
    size: int
    bold: bool
    italic: bool
    text: str


def runs(pdf: bytes) -> list[Run]:
    """Every text run with its font size and whether it is bold or italic (``pdftohtml -xml -zoom 1``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1", str(path)], check=True,
                             capture_output=True, text=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    out: list[Run] = []
    sizes: dict[str, int] = {}  # a font spec is listed on the first page that uses it only
    for page in root.iter("page"):
        sizes |= {spec.get("id"): int(spec.get("size")) for spec in page.iter("fontspec")}
        for run in page.iter("text"):
            tags = {element.tag for element in run.iter()}
            out.append(Run(int(page.get("number")), float(run.get("top")), float(run.get("left")),
                           float(run.get("width")), sizes[run.get("font")], "b" in tags, "i" in tags,
                           " ".join("".join(run.itertext()).split())))
    return out
