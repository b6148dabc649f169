"""docs/rules.md, rendered from the rule data and the standard parameters so the document cannot drift.

``flask --app wsgi awards rules-doc`` writes it; tests/integration/test_rules_doc.py fails when it is stale.
"""
from __future__ import annotations

import json
from datetime import date

from awards.catalogue.standard import PARAMETERS
from awards.eligibility.parameters import MissingParameter, Parameters
from awards.eligibility.rules import (AWARD_NAMES, LAW2022, ND91, ND152, REGIME_NAMES, RULES, TARGET_LINK, Clause,
                                      award_codes, clauses_for)

# The day whose parameters each regime's section shows: ND 91's last day, the others' first.
REFERENCE_DATES = {ND91: date(2023, 12, 31), LAW2022: date(2024, 1, 1), ND152: date(2025, 7, 1)}
APPLIES = {ND91: "năm thi đua kết thúc trước 01/01/2024",
           LAW2022: "năm thi đua kết thúc từ 01/01/2024 đến 30/06/2025",
           ND152: "năm thi đua kết thúc từ 01/07/2025"}
SUBJECTS = (("person", "Cá nhân"), ("unit", "Tập thể"))
RELIABILITY = {"law": "", "practice": " [thực tiễn, cấu hình được]", "unsure": " [chưa chắc chắn]"}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _value(value) -> str:
    return "—" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _citation(clause: Clause, params: Parameters, on: date) -> str:
    citation = clause.citation(params, on) or "—"
    if clause.params:
        try:
            return citation + RELIABILITY[params.entry(clause.params[0], on).reliability]
        except MissingParameter:
            return citation
    return citation + (RELIABILITY[clause.basis.reliability] if clause.basis else "")


def _reads(clause: Clause, params: Parameters, on: date) -> str:
    return "<br>".join(f"`{key}` = {_cell(_value(params.get(key, on)))}" for key in clause.params) or "—"


def render(params: Parameters | None = None) -> str:
    params = params or Parameters.standard()
    out = [
        "# Điều kiện xét danh hiệu thi đua và hình thức khen thưởng",
        "",
        "<!-- Sinh tự động từ awards/eligibility/rules.py và awards/catalogue/standard.py bằng "
        "`flask --app wsgi awards rules-doc`; đừng sửa tay (tests/integration/test_rules_doc.py kiểm tra). -->",
        "",
        "Mỗi điều kiện (clause) có mã ổn định, nội dung, căn cứ và cách xét. Kết quả từng điều kiện: "
        "**met** (đạt), **not_met** (không đạt), **unknown** (thiếu dữ liệu hoặc cần người xét). Kết luận: "
        "có điều kiện không đạt → **ineligible**; nếu không, có điều kiện chưa rõ → **needs_information**; "
        "còn lại → **eligible**. Thiếu dữ liệu luôn là *unknown*, không bao giờ là *không đạt*. Điều kiện đánh "
        "dấu ✋ do người xét: còn *unknown* cho đến khi có xác nhận (kèm ghi chú) cho năm, danh hiệu và mã đó.",
        "",
        "Ngưỡng không nằm trong mã quy tắc: mỗi điều kiện đọc tham số theo khoá (giá trị có hiệu lực vào ngày "
        "cuối của năm thi đua) và lấy căn cứ từ tham số đầu tiên nó đọc; điều kiện không đọc tham số ghi căn "
        "cứ trong dữ liệu quy tắc. Giá trị dưới đây là giá trị chuẩn; quản trị viên có thể sửa tham số trong "
        "danh mục.",
        "",
        "Chế độ áp dụng theo ngày cuối của năm thi đua:",
        "",
        "| Chế độ | Văn bản | Áp dụng cho |",
        "|---|---|---|",
        *(f"| `{regime}` | {REGIME_NAMES[regime][0]} | {APPLIES[regime]} |" for regime in RULES),
        "",
        f"Liên kết chỉ tiêu THADS: điều kiện `{TARGET_LINK.code}` (“{TARGET_LINK.text}”) được thêm vào "
        "các danh hiệu tập thể có tên trong tham số `thads.target_link_awards`.",
    ]
    for regime in RULES:
        on = REFERENCE_DATES[regime]
        out += ["", f"## {regime}: {REGIME_NAMES[regime][0]}", "",
                f"{REGIME_NAMES[regime][1]}. Tham số lấy tại ngày {on:%d/%m/%Y}."]
        for subject, subject_vi in SUBJECTS:
            out += ["", f"### {subject_vi}"]
            for award in award_codes(subject):
                if award not in RULES[regime][subject]:
                    continue
                vi, en = AWARD_NAMES[award]
                out += ["", f"#### {award}: {vi} ({en})", "",
                        "| Mã | Điều kiện | Condition | Căn cứ | Tham số đọc | Cách xét |",
                        "|---|---|---|---|---|---|"]
                for clause in clauses_for(regime, subject, award, params, on):
                    hand = " ✋" if clause.confirmable else ""
                    out.append(f"| `{clause.code}`{hand} | {_cell(clause.text)} | {_cell(clause.text_en)} | "
                               f"{_cell(_citation(clause, params, on))} | {_reads(clause, params, on)} | "
                               f"{_cell(clause.check.__doc__ or '')} |")
        out += ["", f"### Tham số tại ngày {on:%d/%m/%Y}", "", "| Khoá | Giá trị | Căn cứ |", "|---|---|---|"]
        for key in sorted({p["key"] for p in PARAMETERS}):
            try:
                entry = params.entry(key, on)
            except MissingParameter:
                continue
            out.append(f"| `{key}` | {_cell(_value(entry.value))} | "
                       f"{_cell(entry.citation or '—')}{RELIABILITY[entry.reliability]} |")
    return "\n".join(out) + "\n"
