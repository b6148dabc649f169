"""An initiative (sáng kiến): registered, evaluated by the initiative council, then recognised or not."""
from __future__ import annotations

import enum

from workflows.model import StateDoc, Transition, Workflow


class State(enum.StrEnum):
    REGISTERED = "registered"
    UNDER_EVALUATION = "under_evaluation"
    RECOGNISED = "recognised"
    NOT_RECOGNISED = "not_recognised"


S = State

DEFINITION = Workflow(
    name="initiative",
    states=State,
    initial=S.REGISTERED,
    title_vi="Sáng kiến",
    title_en="Initiative",
    transitions=[
        Transition("start_evaluation", (S.REGISTERED,), S.UNDER_EVALUATION, ("secretary",),
                   label_vi="Đưa ra đánh giá", label_en="Start evaluation"),
        # The head recognises on the initiative council's advice; the council module may apply it as the system.
        Transition("recognise", (S.UNDER_EVALUATION,), S.RECOGNISED, ("approver", "system"),
                   label_vi="Công nhận", label_en="Recognise"),
        Transition("reject", (S.UNDER_EVALUATION,), S.NOT_RECOGNISED, ("approver", "system"),
                   comment_required=True, label_vi="Không công nhận", label_en="Do not recognise"),
    ],
    state_docs={
        S.REGISTERED: StateDoc("Đã đăng ký", "Registered",
                               "Sáng kiến đã được đăng ký, chờ đưa ra đánh giá.",
                               "The initiative is registered and waits for evaluation."),
        S.UNDER_EVALUATION: StateDoc("Đang đánh giá", "Under evaluation",
                                     "Hội đồng sáng kiến đang xem xét phạm vi ảnh hưởng và hiệu quả.",
                                     "The initiative council is assessing its scope and effect."),
        S.RECOGNISED: StateDoc("Được công nhận", "Recognised",
                               "Sáng kiến được công nhận và có thể dùng làm căn cứ khen thưởng.",
                               "The initiative is recognised and may support an award."),
        S.NOT_RECOGNISED: StateDoc("Không được công nhận", "Not recognised",
                                   "Sáng kiến không được công nhận (có nêu lý do).",
                                   "The initiative was not recognised, with a reason."),
    },
)
