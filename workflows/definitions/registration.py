"""An emulation registration (đăng ký thi đua) made at the start of the year: accepted or withdrawn."""
from __future__ import annotations

import enum

from workflows.model import StateDoc, Transition, Workflow


class State(enum.StrEnum):
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


S = State

DEFINITION = Workflow(
    name="registration",
    states=State,
    initial=S.REGISTERED,
    title_vi="Đăng ký thi đua",
    title_en="Emulation registration",
    transitions=[
        Transition("accept", (S.REGISTERED,), S.ACCEPTED, ("secretary",),
                   label_vi="Chấp nhận đăng ký", label_en="Accept"),
        Transition("withdraw", (S.REGISTERED,), S.WITHDRAWN, ("proposer",),
                   label_vi="Rút đăng ký", label_en="Withdraw"),
    ],
    state_docs={
        S.REGISTERED: StateDoc("Đã đăng ký", "Registered",
                               "Cá nhân, tập thể đã đăng ký danh hiệu phấn đấu trong năm.",
                               "The person or unit registered the titles it aims at this year."),
        S.ACCEPTED: StateDoc("Đã chấp nhận", "Accepted",
                             "Thường trực đã ghi nhận bản đăng ký.",
                             "The secretariat recorded the registration."),
        S.WITHDRAWN: StateDoc("Đã rút", "Withdrawn",
                              "Bản đăng ký đã được rút.",
                              "The registration was withdrawn."),
    },
)
