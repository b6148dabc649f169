"""Decision PDF speed: ``.venv/bin/python bench/documents.py`` (no arguments, no database).

Renders the Quyết định of ``templates/documents/decision.html`` from made-up plain dicts (a one-page body with a
6-row annex, and a 200-row annex of a dozen pages) and prints, for each, the median of 5 renders after a warm-up:

- render.write_pdf: what the app runs — the variants below plus the cyclic garbage collector paused during the
  render;
- + UA trimmed: WeasyPrint's user-agent stylesheet without the note/marker rules that give every element six
  pseudo-element styles (``render._user_agent_stylesheet``), the collector left on;
- shared: one FontConfiguration and one parsed stylesheet per process (what render.py did first);
- naive: a fresh ``weasyprint.HTML(string=html).write_pdf(stylesheets=[CSS(filename=decree30.css)])`` — no shared
  FontConfiguration, the stylesheet parsed again each time.

Each on the same HTML (Jinja, ~2 ms, is left out); the ratio is to naive. Target (issue 7): a 200-row decision
in ≤ 0.8 s. Then 200 certificates as one document (``awards.decisions.certificates.render_certificates_html``) in
ms per certificate, or "skipped" while that function does not exist (``_certificates``). Prints figures and exits
0: the tests hold the layout rules.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("AWARDS_ENV", "development")

RUNS = 5
TARGET_200 = 0.8  # seconds
NAMES = ["Nguyễn Văn Lợi", "Trần Thị Hương", "Lê Thị Thu Trữ", "Phạm Văn Dương", "Võ Thị Ngọc Sương",
         "Huỳnh Văn Thức", "Đặng Thị Mỹ Hạnh", "Bùi Văn Sự", "Ngô Thị Thơ"]
POSITIONS = ["Chấp hành viên sơ cấp", "Thẩm tra viên", "Thư ký thi hành án", "Phó Chi cục trưởng", "Kế toán viên"]
UNITS = ["Chi cục THADS huyện Lấp Vò", "Chi cục THADS huyện Lai Vung", "Phòng Nghiệp vụ và Tổ chức thi hành án"]
AWARDS = [("Chiến sĩ thi đua cơ sở", 2_340_000), ("Lao động tiên tiến", 710_000), ("Giấy khen của Cục trưởng", 710_000)]


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def decision(rows: int) -> dict:
    """A decision of the Cục granting three awards to ``rows`` people, as the plain dict of the decision.html
    contract (awards/documents/render.py)."""
    sizes = [max(1, rows // 5), rows * 3 // 5]
    sizes.append(rows - sum(sizes))
    groups, position, total = [], 0, 0
    for index, ((award, money), size) in enumerate(zip(AWARDS, sizes, strict=True)):
        members = []
        for _ in range(size):
            position += 1
            members.append({"no": position, "name": NAMES[position % 9], "position": POSITIONS[position % 5],
                            "unit": UNITS[position % 3], "award": award, "money": _money(money)})
        total += money * size
        groups.append({"heading": f"{'I' * (index + 1)}. Tặng {award} ({size:02d} cá nhân)", "rows": members,
                       "subtotal": _money(money * size)})
    issuer = "Cục Thi hành án dân sự tỉnh Đồng Tháp"
    return {
        "parent_body": "TỔNG CỤC THI HÀNH ÁN DÂN SỰ", "issuer": issuer.upper(), "number": "01/QĐ-CTHADS",
        "place": "Đồng Tháp", "date": date(2025, 1, 5),
        "subject": "Về việc tặng danh hiệu thi đua và Giấy khen cho cá nhân có thành tích xuất sắc năm 2024",
        "authority": f"CỤC TRƯỞNG {issuer.upper()}",
        "bases": ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
                  "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi "
                  "hành một số điều của Luật Thi đua, khen thưởng",
                  f"Xét đề nghị của Hội đồng Thi đua - Khen thưởng {issuer}"],
        "articles": [{"text": f"Tặng danh hiệu thi đua, hình thức khen thưởng năm 2024 cho {rows:02d} cá nhân thuộc "
                              f"{issuer} (có danh sách kèm theo), gồm:",
                      "list": [f"{g['heading'].split('Tặng ', 1)[1]};" for g in groups]},
                     {"text": f"Tổng số tiền thưởng là {_money(total)} đồng, chi từ Quỹ thi đua, khen thưởng.",
                      "list": []},
                     {"text": "Quyết định này có hiệu lực kể từ ngày ký.", "list": []}],
        "signer": {"mode": "KT.", "position": "CỤC TRƯỞNG", "title": "PHÓ CỤC TRƯỞNG", "name": "Trương Văn Mười"},
        "recipients": ["Như Điều 3;", "Lưu: VT, TCCB."],
        "annex": {"title": "DANH SÁCH", "subtitle": "Cá nhân được khen thưởng năm 2024",
                  "reference": f"(Kèm theo Quyết định số 01/QĐ-CTHADS ngày 05 tháng 01 năm 2025 của Cục trưởng "
                               f"{issuer})", "groups": groups, "total": _money(total)},
    }


def timed(render: Callable[[], object], runs: int = RUNS) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of ``runs`` calls after one warm-up call."""
    render()
    times = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        render()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


VARIANTS = ("render.write_pdf", "+ UA trimmed", "shared", "naive")


def variants(html: str) -> dict[str, Callable[[], bytes]]:
    from weasyprint import CSS, HTML

    from awards.documents import render

    font_config, css = render._resources()
    static = render.STATIC_ROOT.as_uri() + "/"
    return {
        "render.write_pdf": lambda: render.write_pdf(html),
        "+ UA trimmed": lambda: render._html(html).write_pdf(stylesheets=[css], font_config=font_config),
        "shared": lambda: HTML(string=html, base_url=static, url_fetcher=render._fetcher()).write_pdf(
            stylesheets=[css], font_config=font_config),
        "naive": lambda: HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(render.STYLESHEET))]),
    }


def _certificates(app) -> None:
    """200 certificates as one document, in ms per certificate (render_certificates_html, with made-up contexts)."""
    from awards.decisions import certificates

    if not hasattr(certificates, "render_certificates_html"):
        print("certificates: skipped (awards.decisions.certificates.render_certificates_html does not exist yet)")
        return
    with app.app_context():
        contexts = [dict(certificates.sample_context("GK"), awardee=f"Ông {NAMES[i % 9]}", register_number=i + 1)
                    for i in range(200)]
        certificates.render_certificates_html(contexts[:2])  # warm-up: the certificate stylesheet, fonts
        times = timed(lambda: certificates.render_certificates_html(contexts))
        seconds = statistics.median(wall for wall, _ in times)
    print(f"certificates: 200 as one document, median of {RUNS}: {seconds:.2f} s = {seconds * 1000 / 200:.1f} ms each")


def _child(variant: str, rows: int) -> None:
    """One variant measured in a process of its own (``--child``), printed as JSON on the last line: whatever one
    variant leaves behind (the naive one: a FontConfiguration per render, its garbage, a bigger heap) must not slow
    the next, and the app's worker only ever runs render.write_pdf."""
    from flask import render_template

    from awards import create_app
    from awards.config import TestConfig

    with create_app(TestConfig).app_context():
        html = render_template("documents/decision.html", **decision(rows))
    times = timed(variants(html)[variant])
    print(json.dumps({"wall": statistics.median(w for w, _ in times), "cpu": statistics.median(c for _, c in times)}))


def _measure(variant: str, rows: int) -> dict[str, float]:
    result = subprocess.run([sys.executable, __file__, "--child", variant, str(rows)], check=True, text=True,
                            capture_output=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    from awards import create_app
    from awards.config import TestConfig
    from awards.documents import render

    app = create_app(TestConfig)
    with app.app_context():
        started = time.perf_counter()
        render.render_pdf("decision.html", decision(6))
        first = time.perf_counter() - started
    print(f"first render of the process (import weasyprint, fonts, stylesheet): {first:.2f} s")
    print(f"medians of {RUNS} after a warm-up, each variant in a fresh process: wall time (and CPU time); load "
          f"average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores — on a busy machine, read the ratios")
    print(f"{'figure':38} {'variant':17} {'target':>7} {'wall':>8} {'(CPU)':>9} {'vs naive':>9}")
    for figure, rows in (("decision, 1-page body + 6-row annex", 6), ("decision, 200-row annex", 200)):
        figures = {name: _measure(name, rows) for name in VARIANTS}
        for name, seconds in figures.items():
            target = f"{TARGET_200:.2f} s" if rows == 200 and name == "render.write_pdf" else ""
            cpu = f"({seconds['cpu']:.3f}s)"
            print(f"{figure:38} {name:17} {target:>7} {seconds['wall']:7.3f}s {cpu:>9} "
                  f"{seconds['wall'] / figures['naive']['wall']:8.2f}×")
        if rows == 200:
            met = "met" if figures["render.write_pdf"]["wall"] <= TARGET_200 else "NOT met"
            print(f"target for the 200-row decision ≤ {TARGET_200} s (median): {met}")
    _certificates(app)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], int(sys.argv[3]))
        sys.exit(0)
    sys.exit(main())
