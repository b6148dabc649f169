"""A nomination (hồ sơ đề nghị khen thưởng): from the unit's proposal to the council, the approver or the level above.

Every award goes before a council; posting (công khai) is skipped only where the award and level need none.
"""
from __future__ import annotations

import enum

from workflows.model import StateDoc, Transition, Workflow


class State(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    POSTED = "posted"
    IN_COUNCIL = "in_council"
    COUNCIL_PASSED = "council_passed"
    COUNCIL_FAILED = "council_failed"
    APPROVED = "approved"
    REFERRED = "referred"
    DECIDED = "decided"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    REVOKED = "revoked"


S = State
BEFORE_COUNCIL = (S.DRAFT, S.RETURNED, S.SUBMITTED, S.IN_REVIEW, S.POSTED)

DEFINITION = Workflow(
    name="nomination",
    states=State,
    initial=S.DRAFT,
    title_vi="Hồ sơ đề nghị khen thưởng",
    title_en="Nomination",
    transitions=[
        Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, ("proposer",),
                   guards=("eligible", "attachments", "quota", "in_scope"),
                   label_vi="Gửi đề nghị", label_en="Submit"),
        Transition("withdraw", BEFORE_COUNCIL, S.WITHDRAWN, ("proposer",),
                   label_vi="Rút hồ sơ", label_en="Withdraw"),
        Transition("start_review", (S.SUBMITTED,), S.IN_REVIEW, ("secretary",),
                   label_vi="Tiếp nhận, thẩm định", label_en="Start review"),
        Transition("send_back", (S.SUBMITTED, S.IN_REVIEW, S.POSTED), S.RETURNED, ("secretary",),
                   comment_required=True, label_vi="Trả lại để bổ sung", label_en="Send back"),
        Transition("reject", (S.SUBMITTED, S.IN_REVIEW, S.POSTED), S.REJECTED, ("secretary",),
                   comment_required=True, label_vi="Không chấp nhận", label_en="Reject"),
        Transition("open_posting", (S.IN_REVIEW,), S.POSTED, ("secretary",),
                   data_required=("start", "working_days"), label_vi="Công khai", label_en="Open posting"),
        Transition("close_posting", (S.POSTED,), S.IN_COUNCIL, ("secretary",), guards=("posting_ended",),
                   label_vi="Kết thúc công khai, đưa ra hội đồng", label_en="Close posting"),
        Transition("schedule", (S.IN_REVIEW,), S.IN_COUNCIL, ("secretary",), guards=("no_posting_needed",),
                   label_vi="Đưa ra hội đồng", label_en="Put before the council"),
        Transition("council_pass", (S.IN_COUNCIL,), S.COUNCIL_PASSED, ("system",),
                   label_vi="Hội đồng thông qua", label_en="Council passed"),
        Transition("council_fail", (S.IN_COUNCIL,), S.COUNCIL_FAILED, ("system",),
                   label_vi="Hội đồng không thông qua", label_en="Council failed"),
        Transition("approve", (S.COUNCIL_PASSED,), S.APPROVED, ("approver",),
                   label_vi="Phê duyệt", label_en="Approve"),
        Transition("refer", (S.COUNCIL_PASSED,), S.REFERRED, ("approver",), guards=("authority_above",),
                   label_vi="Trình cấp trên", label_en="Refer upward"),
        Transition("reject", (S.COUNCIL_PASSED,), S.REJECTED, ("approver",), comment_required=True,
                   label_vi="Không chấp nhận", label_en="Reject"),
        # A referral's outcome is recorded back: granted (decided) or not (rejected, with the reason).
        Transition("decide", (S.APPROVED, S.REFERRED), S.DECIDED, ("hr", "admin", "system"),
                   label_vi="Ghi nhận quyết định", label_en="Record the decision"),
        Transition("reject", (S.REFERRED,), S.REJECTED, ("hr", "system"), comment_required=True,
                   label_vi="Cấp trên không khen thưởng", label_en="Not granted above"),
        Transition("revoke", (S.DECIDED,), S.REVOKED, ("hr", "admin"), comment_required=True,
                   data_required=("revoking_decision",), label_vi="Thu hồi", label_en="Revoke"),
    ],
    state_docs={
        S.DRAFT: StateDoc("Dự thảo", "Draft",
                          "Đơn vị đang soạn hồ sơ; chỉ người đề nghị xem và sửa được.",
                          "The unit is preparing the nomination; only the proposer sees and edits it."),
        S.SUBMITTED: StateDoc("Đã gửi", "Submitted",
                              "Đã gửi lên cấp xét, kèm bản chụp kết quả xét điều kiện; chờ thường trực tiếp nhận.",
                              "Sent to the deciding level with a frozen copy of the eligibility check; "
                              "waiting for the secretariat."),
        S.IN_REVIEW: StateDoc("Đang thẩm định", "In review",
                              "Thường trực hội đồng đang kiểm tra hồ sơ.",
                              "The council's secretariat is checking the dossier."),
        S.POSTED: StateDoc("Đang công khai", "Posted",
                           "Danh sách đang được công khai trong số ngày làm việc đã định; mọi người trong phạm vi "
                           "có thể góp ý.",
                           "The candidate list is posted for the set number of working days; anyone in scope "
                           "may comment."),
        S.IN_COUNCIL: StateDoc("Chờ hội đồng", "Before the council",
                               "Đã đưa vào chương trình họp hội đồng thi đua – khen thưởng.",
                               "On the emulation and awards council's agenda."),
        S.COUNCIL_PASSED: StateDoc("Hội đồng thông qua", "Passed by the council",
                                   "Hội đồng đã bỏ phiếu thông qua; chờ người có thẩm quyền phê duyệt hoặc "
                                   "trình cấp trên.",
                                   "The council voted for it; waiting for the approver to approve it or refer "
                                   "it upward."),
        S.COUNCIL_FAILED: StateDoc("Hội đồng không thông qua", "Failed in the council",
                                   "Không đạt số phiếu cần thiết (tính trên tổng số thành viên hội đồng).",
                                   "It did not get the votes needed (counted over all council members)."),
        S.APPROVED: StateDoc("Đã phê duyệt", "Approved",
                             "Thủ trưởng đã đồng ý khen thưởng; chờ ban hành quyết định.",
                             "The head agreed to the award; waiting for the decision to be issued."),
        S.REFERRED: StateDoc("Đã trình cấp trên", "Referred upward",
                             "Thẩm quyền khen thưởng thuộc cấp trên; hồ sơ được trình lên và kết quả sẽ được ghi "
                             "lại tại đây.",
                             "The award is granted by a higher level; the nomination went up and the outcome "
                             "is recorded back here."),
        S.DECIDED: StateDoc("Đã có quyết định", "Decided",
                            "Quyết định khen thưởng đã được ban hành.",
                            "The award decision has been issued."),
        S.RETURNED: StateDoc("Trả lại", "Returned",
                             "Thường trực trả lại để đơn vị bổ sung, sửa (có nêu lý do); đơn vị có thể gửi lại.",
                             "The secretariat sent it back with a reason; the unit may fix it and submit again."),
        S.WITHDRAWN: StateDoc("Đã rút", "Withdrawn",
                              "Đơn vị đã rút hồ sơ trước khi đưa ra hội đồng.",
                              "The unit withdrew the nomination before the council."),
        S.REJECTED: StateDoc("Không chấp nhận", "Rejected",
                             "Thường trực, người phê duyệt hoặc cấp trên không chấp nhận (có nêu lý do).",
                             "The secretariat, the approver or the higher level turned it down, with a reason."),
        S.REVOKED: StateDoc("Đã thu hồi", "Revoked",
                            "Khen thưởng bị thu hồi bằng một quyết định thu hồi (có nêu lý do).",
                            "The award was revoked by a revoking decision, with a reason."),
    },
)
