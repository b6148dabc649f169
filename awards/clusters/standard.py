"""A typical 200-point scoring table for THADS clusters (DOMAIN.md §7 [practice]): professional work 110 points,
of which the case and money rates are scored automatically from the figures; the other groups by people.

Data, not law: a cluster's organiser may build its own table with ``operations.create_template``.
"""
from __future__ import annotations

from awards.clusters.models import Source
from awards.clusters.operations import CriterionSpec as C
from awards.clusters.operations import GroupSpec as G

STANDARD_NAME = "Bảng chấm điểm thi đua cụm năm {year} (thang điểm 200)"

STANDARD_GROUPS = (
    G("I", "Công tác chuyên môn, nghiệp vụ thi hành án dân sự", professional=True, criteria=(
        C("1", "Tỷ lệ thi hành xong về việc so với chỉ tiêu được giao", 3000, Source.CASE_RATE),
        C("2", "Tỷ lệ thi hành xong về tiền so với chỉ tiêu được giao", 3000, Source.MONEY_RATE),
        C("3", "Giảm số việc, số tiền chuyển kỳ sau; xử lý án tồn đọng, án có giá trị lớn", 2000),
        C("4", "Tổ chức thi hành án đúng trình tự, thủ tục; không có vi phạm bị kháng nghị, kiến nghị", 1500),
        C("5", "Thống kê, báo cáo đúng hạn, chính xác", 1500),
    )),
    G("II", "Công tác giải quyết khiếu nại, tố cáo", criteria=(
        C("1", "Giải quyết khiếu nại, tố cáo đúng hạn, đúng pháp luật", 2000),
    )),
    G("III", "Xây dựng đơn vị, tổ chức cán bộ, kỷ luật, kỷ cương", criteria=(
        C("1", "Kiện toàn tổ chức bộ máy, đào tạo, bồi dưỡng công chức", 1000),
        C("2", "Chấp hành kỷ luật, kỷ cương hành chính; không có công chức bị kỷ luật", 1500),
    )),
    G("IV", "Công tác tài chính, quản lý tài sản, cơ sở vật chất", criteria=(
        C("1", "Quản lý, sử dụng kinh phí, tài sản đúng quy định", 1500),
    )),
    G("V", "Phong trào thi đua và các công tác khác", criteria=(
        C("1", "Tổ chức, triển khai phong trào thi đua, đăng ký thi đua", 1000),
        C("2", "Cải cách hành chính, ứng dụng công nghệ thông tin", 1000),
        C("3", "Tham gia hoạt động của cụm, công tác đoàn thể", 1000),
    )),
)
