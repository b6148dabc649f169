"""The standard catalogue: awards, legal bases and dated parameters as the law and THADS practice set them.

Loaded into an empty database by migration 0006 (``load_standard``); afterwards admins edit the rows and
every change is kept in ``catalogue_change``. Values tagged ``practice`` are common practice (configurable);
``unsure`` ones are not confirmed (DOMAIN.md §4–5) and carry a note saying so.
"""
from __future__ import annotations

from datetime import date

D = date

LEGAL_BASES = [
    dict(code="LTDKT_2003", number="Luật Thi đua, khen thưởng 2003",
         title="Luật Thi đua, khen thưởng ngày 26/11/2003, sửa đổi, bổ sung ngày 14/6/2005 và ngày 16/11/2013",
         issued_on=D(2003, 11, 26), effective_from=D(2004, 7, 1), effective_to=D(2023, 12, 31),
         citation_line="Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số "
                       "điều của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 tháng 11 năm 2013",
         reliability="law"),
    dict(code="ND91_2017", number="91/2017/NĐ-CP",
         title="Nghị định quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng",
         issued_on=D(2017, 7, 31), effective_from=D(2017, 7, 31), effective_to=D(2023, 12, 31),
         citation_line="Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết "
                       "thi hành một số điều của Luật Thi đua, khen thưởng",
         reliability="law"),
    dict(code="LTDKT_2022", number="06/2022/QH15", title="Luật Thi đua, khen thưởng",
         issued_on=D(2022, 6, 15), effective_from=D(2024, 1, 1), effective_to=None,
         citation_line="Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022", reliability="law"),
    dict(code="ND98_2023", number="98/2023/NĐ-CP",
         title="Nghị định quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng",
         issued_on=D(2023, 12, 31), effective_from=D(2024, 1, 1), effective_to=None,
         citation_line="Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết "
                       "thi hành một số điều của Luật Thi đua, khen thưởng",
         reliability="law"),
    dict(code="ND152_2025", number="152/2025/NĐ-CP",
         title="Nghị định quy định về phân cấp, phân quyền trong lĩnh vực thi đua, khen thưởng",
         issued_on=None, effective_from=D(2025, 7, 1), effective_to=None,
         citation_line="Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ",
         reliability="unsure", note="Ngày ban hành và trích yếu cần đối chiếu văn bản gốc (DOMAIN.md §5)."),
    dict(code="ND30_2020", number="30/2020/NĐ-CP", title="Nghị định về công tác văn thư",
         issued_on=D(2020, 3, 5), effective_from=D(2020, 3, 5), effective_to=None,
         citation_line="Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư",
         reliability="law"),
    dict(code="ND72_2018", number="72/2018/NĐ-CP", title="Nghị định quy định mức lương cơ sở",
         issued_on=D(2018, 5, 15), effective_from=D(2018, 7, 1), effective_to=D(2019, 6, 30),
         citation_line="Căn cứ Nghị định số 72/2018/NĐ-CP của Chính phủ quy định mức lương cơ sở", reliability="law"),
    dict(code="ND38_2019", number="38/2019/NĐ-CP", title="Nghị định quy định mức lương cơ sở",
         issued_on=D(2019, 5, 9), effective_from=D(2019, 7, 1), effective_to=D(2023, 6, 30),
         citation_line="Căn cứ Nghị định số 38/2019/NĐ-CP của Chính phủ quy định mức lương cơ sở", reliability="law"),
    dict(code="ND24_2023", number="24/2023/NĐ-CP", title="Nghị định quy định mức lương cơ sở",
         issued_on=D(2023, 5, 14), effective_from=D(2023, 7, 1), effective_to=D(2024, 6, 30),
         citation_line="Căn cứ Nghị định số 24/2023/NĐ-CP của Chính phủ quy định mức lương cơ sở", reliability="law"),
    dict(code="ND73_2024", number="73/2024/NĐ-CP", title="Nghị định quy định mức lương cơ sở",
         issued_on=D(2024, 6, 30), effective_from=D(2024, 7, 1), effective_to=None,
         citation_line="Căn cứ Nghị định số 73/2024/NĐ-CP của Chính phủ quy định mức lương cơ sở", reliability="law"),
    dict(code="THADS_TDKT", number="Quy chế thi đua, khen thưởng ngành THADS",
         title="Quy chế thi đua, khen thưởng của hệ thống Thi hành án dân sự (văn bản hiện hành của ngành)",
         issued_on=None, effective_from=D(2017, 1, 1), effective_to=None,
         citation_line="Căn cứ Quy chế thi đua, khen thưởng của hệ thống Thi hành án dân sự",
         reliability="practice", note="Điền số hiệu, ngày của quy chế ngành đang áp dụng."),
]

# (code, name_vi, name_en, kind, nominee_type, authority, secret_ballot, rank: councils vote lowest first)
AWARDS = [
    ("LDTT", "Lao động tiên tiến", "Advanced Worker", "title", "person", "head_of_unit", False, 10),
    ("TTLDTT", "Tập thể lao động tiên tiến", "Advanced Labour Collective", "title", "collective", "head_of_unit",
     False, 10),
    ("GK", "Giấy khen", "Certificate of Merit", "commendation", "both", "head_of_unit", False, 15),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", "Grassroots Emulation Fighter", "title", "person", "head_of_unit", True, 20),
    ("TTLDXS", "Tập thể lao động xuất sắc", "Excellent Labour Collective", "title", "collective", "minister",
     False, 30),
    ("BK_BO", "Bằng khen của Bộ trưởng", "Minister's Certificate of Merit", "commendation", "both", "minister",
     False, 40),
    ("CSTD_BO", "Chiến sĩ thi đua cấp bộ", "Ministerial Emulation Fighter", "title", "person", "minister", True, 50),
    ("CO_BO", "Cờ thi đua cấp bộ", "Ministerial Emulation Flag", "title", "collective", "minister", True, 50),
    ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", "Prime Minister's Certificate of Merit", "commendation", "both",
     "prime_minister", False, 60),
    ("CSTD_TQ", "Chiến sĩ thi đua toàn quốc", "National Emulation Fighter", "title", "person", "prime_minister",
     True, 70),
    ("CO_CP", "Cờ thi đua của Chính phủ", "Government Emulation Flag", "title", "collective", "prime_minister",
     True, 70),
]

OLD, NEW = D(2017, 7, 31), D(2024, 1, 1)
OLD_END = D(2023, 12, 31)


def _p(key, value, start, end=None, basis=None, article="", reliability="law", note=""):
    return dict(key=key, value=value, effective_from=start, effective_to=end, basis=basis, article=article,
                reliability=reliability, note=note)


def _both(key, value, old_article, new_article, reliability="law", note=""):
    """The same value under ND 91/2017 and under the 2022 law (each cited to its own text)."""
    return [_p(key, value, OLD, OLD_END, "ND91_2017", old_article, reliability, note),
            _p(key, value, NEW, None, "ND98_2023", new_article, reliability, note)]


PARAMETERS = [
    # Base salary (lương cơ sở), đồng.
    _p("base_salary", 1_390_000, D(2018, 7, 1), D(2019, 6, 30), "ND72_2018", "Điều 3"),
    _p("base_salary", 1_490_000, D(2019, 7, 1), D(2023, 6, 30), "ND38_2019", "Điều 3"),
    _p("base_salary", 1_800_000, D(2023, 7, 1), D(2024, 6, 30), "ND24_2023", "Điều 3"),
    _p("base_salary", 2_340_000, D(2024, 7, 1), None, "ND73_2024", "Điều 3"),
    # Money: multiple × base salary on the decision date, rounded up to the next 10,000 đồng.
    *_both("money.rounding", 10_000, "Điều 68 khoản 2", "Điều 70"),
    *_both("money.household_factor", "1.5", "Điều 68 khoản 3", "Điều 70"),
    *_both("money_multiple.LDTT.person", "0.3", "Điều 71", "Điều 74"),
    *_both("money_multiple.CSTDCS.person", "1.0", "Điều 71", "Điều 74"),
    *_both("money_multiple.CSTD_BO.person", "3.0", "Điều 71", "Điều 74"),
    *_both("money_multiple.CSTD_TQ.person", "4.5", "Điều 71", "Điều 74"),
    *_both("money_multiple.TTLDTT.collective", "0.8", "Điều 71", "Điều 74"),
    *_both("money_multiple.TTLDXS.collective", "1.5", "Điều 71", "Điều 74"),
    *_both("money_multiple.CO_BO.collective", "8.0", "Điều 71", "Điều 74"),
    *_both("money_multiple.CO_CP.collective", "12.0", "Điều 71", "Điều 74"),
    *_both("money_multiple.GK.person", "0.3", "Điều 76", "Điều 75"),
    *_both("money_multiple.GK.collective", "0.6", "Điều 76", "Điều 75"),
    _p("money_multiple.BK_BO.person", "1.0", OLD, OLD_END, "ND91_2017", "Điều 75", "unsure",
       "DOMAIN.md §4: 1,0 theo NĐ 91 chưa được xác nhận."),
    _p("money_multiple.BK_BO.person", "1.5", NEW, None, "ND98_2023", "Điều 75"),
    _p("money_multiple.BK_BO.collective", "2.0", OLD, OLD_END, "ND91_2017", "Điều 75", "unsure",
       "DOMAIN.md §4: 2,0 theo NĐ 91 chưa được xác nhận."),
    _p("money_multiple.BK_BO.collective", "3.0", NEW, None, "ND98_2023", "Điều 75"),
    *_both("money_multiple.BK_TTG.person", "3.5", "Điều 74", "Điều 75", "unsure", "DOMAIN.md §4 [unsure]."),
    *_both("money_multiple.BK_TTG.collective", "7.0", "Điều 74", "Điều 75", "unsure", "DOMAIN.md §4 [unsure]."),
    # Council votes: a share of ALL members as an exact fraction, or a simple majority.
    *_both("vote_threshold.CSTDCS", "4/5", "Điều 14", "Điều 30 khoản 7"),
    *_both("vote_threshold.CSTD_BO", "9/10", "Điều 13", "Điều 30"),
    *_both("vote_threshold.CSTD_TQ", "9/10", "Điều 12", "Điều 30"),
    *_both("vote_threshold.CO_BO", "4/5", "Điều 16", "Điều 30"),
    *_both("vote_threshold.CO_CP", "4/5", "Điều 15", "Điều 30"),
    *[p for code in ("LDTT", "TTLDTT", "TTLDXS", "GK", "BK_BO", "BK_TTG")
      for p in _both(f"vote_threshold.{code}", "majority", "", "", "practice", "Đa số thành viên [practice].")],
    *_both("council.quorum", "2/3", "Điều 56", "Điều 30"),
    *_both("council.max_rounds", 2, "", "", "practice"),
    # Quotas.
    _p("quota.CSTDCS.share_of_LDTT", "0.15", OLD, OLD_END, "ND91_2017", "Điều 14 khoản 1"),
    _p("quota.CSTDCS.share_of_LDTT", None, NEW, None, "ND98_2023", "", "practice",
       "Luật 2022 không quy định tỷ lệ; đặt giá trị nếu đơn vị áp dụng."),
    # Exclusions (individuals).
    *_both("exclusion.min_service_months", 10, "Điều 9", "Điều 28", "practice",
           "Thời gian công tác tối thiểu trong năm; nghỉ thai sản được tính."),
    *_both("exclusion.discipline_level", "khien_trach", "Điều 9", "Điều 28", "practice",
           "Bị kỷ luật từ khiển trách trở lên trong năm thì không xét."),
    # Individual criteria.
    *_both("LDTT.min_rating", "HTTNV", "Điều 9", "Điều 28"),
    *_both("CSTD_BO.consecutive_CSTDCS", 3, "Điều 13", "Điều 23"),
    *_both("CSTD_TQ.consecutive_CSTD_BO", 2, "Điều 12", "Điều 22"),
    *_both("BK_BO.consecutive_CSTDCS", 2, "Điều 39", "Điều 44"),
    *_both("BK_BO.consecutive_HTXSNV", 2, "Điều 39", "Điều 44"),
    *_both("BK_BO.min_initiatives", 2, "Điều 39", "Điều 44"),
    # The lowest recognised scope of the initiative each title needs (base < ministry < national), the rating
    # the 2022 law accepts instead of an initiative for CSTDCS (none under the 2003 law), and the ratings
    # the Minister's certificate routes read.
    _p("CSTDCS.initiative_scope", "base", OLD, OLD_END, "LTDKT_2003", "Điều 23"),
    _p("CSTDCS.initiative_scope", "base", NEW, None, "LTDKT_2022", "Điều 23"),
    _p("CSTDCS.alt_rating", None, OLD, OLD_END, "LTDKT_2003", "Điều 23", note="Luật 2003: bắt buộc có sáng kiến."),
    _p("CSTDCS.alt_rating", "HTXSNV", NEW, None, "LTDKT_2022", "Điều 23",
       note="Luật 2022: Hoàn thành xuất sắc nhiệm vụ thay cho sáng kiến."),
    *_both("CSTD_BO.initiative_scope", "ministry", "Điều 13", "Điều 23"),
    *_both("CSTD_TQ.initiative_scope", "national", "Điều 12", "Điều 22"),
    *_both("BK_BO.rating", "HTXSNV", "Điều 39", "Điều 44"),
    # Collective criteria.
    *_both("collective.discipline_level", "canh_cao", "Điều 27", "Điều 27",
           note="Không có cá nhân bị kỷ luật từ cảnh cáo trở lên."),
    *_both("TTLDTT.min_unit_rating", "HTTNV", "Điều 11", "Điều 28"),
    _p("TTLDTT.ldtt_share", {"min": "0.50", "strict": True}, OLD, OLD_END, "ND91_2017", "Điều 11",
       note="Trên 50% cá nhân đạt Lao động tiên tiến."),
    _p("TTLDTT.ldtt_share", {"min": "0.70", "strict": False}, NEW, None, "LTDKT_2022", "Điều 27",
       note="Ít nhất 70% cá nhân đạt Lao động tiên tiến."),
    *_both("TTLDXS.unit_rating", "HTXSNV", "Điều 10", "Điều 26"),
    *_both("TTLDXS.min_member_rating", "HTNV", "Điều 10", "Điều 26"),
    *_both("TTLDXS.ldtt_share", {"min": "0.70", "strict": False}, "Điều 10", "Điều 26"),
    *_both("TTLDXS.min_CSTDCS", 1, "Điều 10", "Điều 26"),
    *_both("BK_BO.collective_consecutive_years", 2, "Điều 39", "Điều 44"),
    *_both("BK_BO.collective_rating", "HTXSNV", "Điều 39", "Điều 44"),
    *_both("CO_BO.cluster_rank", 1, "Điều 16", "Điều 21", "unsure",
           "Dẫn đầu cụm, khối thi đua (hạng 1); điều khoản cần đối chiếu văn bản gốc."),
    # THADS: a unit that missed its case or money target is not eligible for these [practice].
    _p("thads.target_link_awards", ["TTLDXS", "CO_BO"], OLD, None, "THADS_TDKT", "", "practice",
       "Đơn vị không hoàn thành chỉ tiêu về việc hoặc về tiền thì không xét các danh hiệu này."),
]


def load_standard(connection) -> None:
    """Insert the standard catalogue with plain Core statements (usable inside a migration)."""
    import sqlalchemy as sa

    meta = sa.MetaData()
    legal = sa.Table("legal_basis", meta, autoload_with=connection)
    award = sa.Table("award", meta, autoload_with=connection)
    parameter = sa.Table("parameter", meta, autoload_with=connection)
    now = sa.func.now() if connection.dialect.name == "postgresql" else sa.func.current_timestamp()
    for row in LEGAL_BASES:
        connection.execute(legal.insert().values(version=1, note=row.get("note", ""), **{
            k: v for k, v in row.items() if k != "note"}))
    ids = dict(connection.execute(sa.select(legal.c.code, legal.c.id)).all())
    for code, vi, en, kind, nominee, authority, ballot, rank in AWARDS:
        connection.execute(award.insert().values(
            code=code, name_vi=vi, name_en=en, kind=kind, nominee_type=nominee, authority=authority,
            secret_ballot=ballot, rank=rank, active=True, version=1, created_at=now, updated_at=now))
    for p in PARAMETERS:
        connection.execute(parameter.insert().values(
            key=p["key"], value=p["value"], effective_from=p["effective_from"], effective_to=p["effective_to"],
            legal_basis_id=ids.get(p["basis"]), article=p["article"], reliability=p["reliability"], note=p["note"]))


def add_missing_parameters(connection) -> int:
    """Insert the standard parameters a database lacks (by key and start date); edited values are kept.

    For data migrations after 0006: a database loaded before a parameter was added to the standard gets it.
    """
    import sqlalchemy as sa

    meta = sa.MetaData()
    legal = sa.Table("legal_basis", meta, autoload_with=connection)
    parameter = sa.Table("parameter", meta, autoload_with=connection)
    ids = dict(connection.execute(sa.select(legal.c.code, legal.c.id)).all())
    present = set(connection.execute(sa.select(parameter.c.key, parameter.c.effective_from)).all())
    added = 0
    for p in PARAMETERS:
        if (p["key"], p["effective_from"]) in present:
            continue
        connection.execute(parameter.insert().values(
            key=p["key"], value=p["value"], effective_from=p["effective_from"], effective_to=p["effective_to"],
            legal_basis_id=ids.get(p["basis"]), article=p["article"], reliability=p["reliability"], note=p["note"]))
        added += 1
    return added
