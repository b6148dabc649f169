"""A batch (tờ trình): a unit's nominations for a year, submitted to the deciding level all at once.

Submitting a batch fires ``submit`` on each of its nominations in the same transaction (all or nothing);
the batch's own state says where the tờ trình as a document stands.
"""
from __future__ import annotations

import enum

from workflows.model import StateDoc, Transition, Workflow


class State(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


S = State

DEFINITION = Workflow(
    name="batch",
    states=State,
    initial=S.DRAFT,
    title_vi="Tờ trình",
    title_en="Batch (tờ trình)",
    transitions=[
        Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, ("proposer",), guards=("has_nominations",),
                   label_vi="Gửi tờ trình", label_en="Submit"),
        Transition("withdraw", (S.DRAFT, S.RETURNED), S.WITHDRAWN, ("proposer",),
                   label_vi="Hủy tờ trình", label_en="Withdraw"),
        Transition("accept", (S.SUBMITTED,), S.ACCEPTED, ("secretary",),
                   label_vi="Tiếp nhận", label_en="Accept"),
        Transition("send_back", (S.SUBMITTED,), S.RETURNED, ("secretary",), comment_required=True,
                   label_vi="Trả lại", label_en="Send back"),
        # Closed once every nomination in it has reached an end; the secretariat may also close it by hand.
        Transition("close", (S.ACCEPTED,), S.CLOSED, ("secretary", "system"),
                   label_vi="Kết thúc", label_en="Close"),
    ],
    state_docs={
        S.DRAFT: StateDoc("Dự thảo", "Draft",
                          "Đơn vị đang lập tờ trình và thêm người, tập thể được đề nghị.",
                          "The unit is drawing up the batch and adding nominees."),
        S.SUBMITTED: StateDoc("Đã gửi", "Submitted",
                              "Tờ trình và mọi hồ sơ trong đó đã được gửi cùng lúc lên cấp xét.",
                              "The batch and all its nominations were sent to the deciding level at once."),
        S.RETURNED: StateDoc("Trả lại", "Returned",
                             "Thường trực trả lại tờ trình (có nêu lý do); đơn vị sửa và gửi lại.",
                             "The secretariat sent the batch back with a reason; the unit fixes it and "
                             "submits again."),
        S.ACCEPTED: StateDoc("Đã tiếp nhận", "Accepted",
                             "Thường trực đã tiếp nhận tờ trình; từng hồ sơ được thẩm định riêng.",
                             "The secretariat accepted the batch; each nomination is reviewed on its own."),
        S.CLOSED: StateDoc("Đã kết thúc", "Closed",
                           "Mọi hồ sơ trong tờ trình đã có kết quả.",
                           "Every nomination in the batch has an outcome."),
        S.WITHDRAWN: StateDoc("Đã hủy", "Withdrawn",
                              "Đơn vị hủy tờ trình trước khi gửi.",
                              "The unit dropped the batch before sending it."),
    },
)
