"""The workflow engine: a table of every (workflow, state, trigger, role) generated from the workflow data,
then guards with their reasons, required comments and data, and what the engine refuses to be set up with."""
from __future__ import annotations

import pytest

from workflows import engine
from workflows.definitions import WORKFLOWS
from workflows.model import ROLES, Transition, Workflow

ALL_GUARDS_PASS = object()


class Actor:
    def __init__(self, *roles: str, id: int = 7, label: str = "Nguyễn Văn An") -> None:
        self.id, self.label, self._roles = id, label, set(roles)
        self.asked_about: list = []

    def roles_for(self, record) -> set[str]:
        self.asked_about.append(record)
        return self._roles


class Record:
    workflow_name = ""

    def __init__(self, state: str | None, id: int = 42) -> None:
        self.id, self.state = id, state


RECORDS = {name: type(f"{name.title()}Record", (Record,), {"workflow_name": name}) for name in WORKFLOWS}


def record(workflow: str, state: str | None, id: int = 42) -> Record:
    return RECORDS[workflow](state, id)


@pytest.fixture()
def storage():
    """A private in-memory storage and signal log; guards, storage and receivers restored afterwards."""
    with engine.isolated(storage=engine.InMemoryStorage()) as store:
        store.signals = []
        engine.on_transition.connect(lambda rec, tr: store.signals.append((rec, tr)))
        yield store


def pass_all_guards(workflow: str) -> None:
    for name in WORKFLOWS[workflow].guard_names:
        engine.register_guard(workflow, name, lambda record, actor, data: [])


def full_arguments(transition: Transition) -> dict:
    return {"comment": "Lý do cụ thể", **{key: f"giá trị {key}" for key in transition.data_required}}


# --- the table ------------------------------------------------------------------------------------------------

def _table():
    for name, wf in WORKFLOWS.items():
        for state in wf.state_names:
            for trigger in wf.triggers:
                for role in ROLES:
                    transition = wf.transition_for(state, trigger)
                    if transition is None:
                        expected = "state"
                    elif role not in transition.roles:
                        expected = "role"
                    else:
                        expected = str(transition.dest)
                    yield pytest.param(name, state, trigger, role, expected, id=f"{name}-{state}-{trigger}-{role}")


TABLE = list(_table())


def test_the_table_covers_every_workflow_state_trigger_and_role():
    expected = sum(len(wf.state_names) * len(wf.triggers) * len(ROLES) for wf in WORKFLOWS.values())
    assert len(TABLE) == expected
    allowed = [p for p in TABLE if p.values[4] not in ("state", "role")]
    # Every transition (source × role) is an allowed row, and nothing else is.
    assert len(allowed) == sum(len(t.sources) * len(t.roles) for wf in WORKFLOWS.values() for t in wf.transitions)


@pytest.mark.parametrize(("workflow", "state", "trigger", "role", "expected"), TABLE)
def test_table(storage, workflow, state, trigger, role, expected):
    pass_all_guards(workflow)
    rec = record(workflow, state)
    actor = Actor(role)
    transition = WORKFLOWS[workflow].transition_for(state, trigger)
    kwargs = full_arguments(transition) if transition else {"comment": "Lý do"}

    if expected in ("state", "role"):
        with pytest.raises(engine.Refused) as refused:
            engine.fire(rec, trigger, actor=actor, **kwargs)
        assert refused.value.code == expected
        assert refused.value.reasons and all(isinstance(r, str) and r for r in refused.value.reasons)
        assert rec.state == state
        assert storage.records == [] and storage.signals == []
        assert trigger not in engine.available(rec, actor)
        return

    assert trigger in engine.available(rec, actor)
    result = engine.fire(rec, trigger, actor=actor, evidence={"verdict": "eligible"}, **kwargs)
    assert rec.state == expected
    assert storage.records == [result]
    assert (result.workflow, result.record_id, result.trigger, result.from_state, result.to_state) == (
        workflow, 42, trigger, state, expected)
    assert (result.actor_id, result.actor_label, result.comment) == (7, "Nguyễn Văn An", "Lý do cụ thể")
    assert result.evidence["verdict"] == "eligible"
    if transition.data_required:
        assert result.evidence["data"] == {key: f"giá trị {key}" for key in transition.data_required}
    assert result.at.tzinfo is not None
    assert storage.signals == [(rec, result)]


# --- the nomination's own rules, spelled out -------------------------------------------------------------------

@pytest.mark.parametrize(("state", "role", "triggers"), [
    ("draft", "proposer", ["submit", "withdraw"]),
    ("returned", "proposer", ["submit", "withdraw"]),
    ("submitted", "proposer", ["withdraw"]),
    ("in_council", "proposer", []),
    ("submitted", "secretary", ["start_review", "send_back", "reject"]),
    ("in_review", "secretary", ["send_back", "reject", "open_posting", "schedule"]),
    ("posted", "secretary", ["send_back", "reject", "close_posting"]),
    ("in_council", "secretary", []),
    ("in_council", "system", ["council_pass", "council_fail"]),
    ("council_passed", "approver", ["approve", "refer", "reject"]),
    ("approved", "hr", ["decide"]),
    ("approved", "system", ["decide"]),
    ("referred", "hr", ["decide", "reject"]),
    ("decided", "hr", ["revoke"]),
    ("decided", "admin", ["revoke"]),
    ("decided", "approver", []),
    ("revoked", "admin", []),
])
def test_nomination_available(state, role, triggers):
    assert engine.available(record("nomination", state), Actor(role)) == triggers


def test_available_uses_every_role_the_actor_has_on_this_record():
    rec = record("nomination", "submitted")
    actor = Actor("proposer", "secretary")
    assert engine.available(rec, actor) == ["withdraw", "start_review", "send_back", "reject"]
    assert actor.asked_about == [rec]  # scope is the Flask side's business: it is asked about this record


def test_a_whole_path_leaves_one_history_row_per_step(storage):
    pass_all_guards("nomination")
    rec = record("nomination", "draft")
    proposer, secretary, approver, hr = Actor("proposer", id=1), Actor("secretary", id=2), Actor("approver", id=3), \
        Actor("hr", id=4)
    engine.fire(rec, "submit", actor=proposer)
    engine.fire(rec, "start_review", actor=secretary)
    engine.fire(rec, "send_back", actor=secretary, comment="Thiếu báo cáo thành tích")
    engine.fire(rec, "submit", actor=proposer)
    engine.fire(rec, "start_review", actor=secretary)
    engine.fire(rec, "open_posting", actor=secretary, start="2021-10-04", working_days=5)
    engine.fire(rec, "close_posting", actor=secretary)
    engine.fire(rec, "council_pass", actor=engine.SYSTEM)
    engine.fire(rec, "approve", actor=approver)
    engine.fire(rec, "decide", actor=hr)
    engine.fire(rec, "revoke", actor=hr, comment="Khai man thành tích", revoking_decision="QĐ 12/QĐ-CTHADS")
    assert rec.state == "revoked"
    assert [(r.from_state, r.to_state) for r in storage.records] == [
        ("draft", "submitted"), ("submitted", "in_review"), ("in_review", "returned"), ("returned", "submitted"),
        ("submitted", "in_review"), ("in_review", "posted"), ("posted", "in_council"),
        ("in_council", "council_passed"), ("council_passed", "approved"), ("approved", "decided"),
        ("decided", "revoked")]
    council = storage.records[7]
    assert (council.actor_id, council.actor_label) == (None, "Hệ thống")
    assert storage.records[5].evidence == {"data": {"start": "2021-10-04", "working_days": 5}}
    assert len(storage.signals) == 11


# --- guards ------------------------------------------------------------------------------------------------------

def test_every_failing_guard_gives_all_its_reasons(storage):
    calls = []

    def guard(*reasons):
        def fn(record, actor, data):
            calls.append((record, actor, data))
            return list(reasons)
        return fn

    engine.register_guard("nomination", "eligible", guard("Chưa đủ điều kiện: bị kỷ luật khiển trách năm 2021."))
    engine.register_guard("nomination", "attachments", guard("Thiếu báo cáo thành tích.", "Thiếu biên bản họp."))
    engine.register_guard("nomination", "quota", guard())
    engine.register_guard("nomination", "in_scope", guard("Người được đề nghị không thuộc đơn vị của bạn."))
    rec, actor = record("nomination", "returned"), Actor("proposer")
    with pytest.raises(engine.Refused) as refused:
        engine.fire(rec, "submit", actor=actor, comment="  ghi chú  ", note="x")
    assert refused.value.code == "guard"
    assert refused.value.reasons == ["Chưa đủ điều kiện: bị kỷ luật khiển trách năm 2021.",
                                     "Thiếu báo cáo thành tích.", "Thiếu biên bản họp.",
                                     "Người được đề nghị không thuộc đơn vị của bạn."]
    assert "Thiếu biên bản họp." in str(refused.value)
    assert len(calls) == 4  # every guard ran, not just up to the first failure
    assert calls[0] == (rec, actor, {"note": "x", "comment": "ghi chú"})
    assert rec.state == "returned" and storage.records == [] and storage.signals == []


@pytest.mark.parametrize(("state", "trigger", "guard", "role"), [
    ("posted", "close_posting", "posting_ended", "secretary"),
    ("in_review", "schedule", "no_posting_needed", "secretary"),
    ("council_passed", "refer", "authority_above", "approver"),
])
def test_one_guard_refuses_with_its_reason(storage, state, trigger, guard, role):
    pass_all_guards("nomination")
    engine.register_guard("nomination", guard, lambda record, actor, data: ["Lý do của điều kiện."])
    rec = record("nomination", state)
    with pytest.raises(engine.Refused) as refused:
        engine.fire(rec, trigger, actor=Actor(role))
    assert (refused.value.code, refused.value.reasons) == ("guard", ["Lý do của điều kiện."])
    assert rec.state == state and storage.records == []


def test_guards_run_only_after_state_role_comment_and_data(storage):
    ran = []
    engine.register_guard("nomination", "posting_ended", lambda record, actor, data: ran.append(1) or ["no"])
    with pytest.raises(engine.Refused) as refused:
        engine.fire(record("nomination", "posted"), "close_posting", actor=Actor("proposer"))
    assert refused.value.code == "role" and ran == []


def test_a_guard_returning_a_boolean_is_a_configuration_error(storage):
    pass_all_guards("nomination")
    engine.register_guard("nomination", "quota", lambda record, actor, data: True)
    rec = record("nomination", "draft")
    with pytest.raises(engine.WorkflowConfigurationError, match="quota.*list of reasons"):
        engine.fire(rec, "submit", actor=Actor("proposer"))
    assert rec.state == "draft" and storage.records == []


def test_an_unregistered_guard_is_a_clear_configuration_error(storage):
    rec = record("nomination", "draft")
    engine._GUARDS["nomination"].pop("eligible", None)  # create_app registers the real guards (restored after)
    with pytest.raises(engine.WorkflowConfigurationError, match=r"guard 'eligible' of nomination.submit is not "
                                                                r"registered"):
        engine.fire(rec, "submit", actor=Actor("proposer"))
    assert rec.state == "draft"


def test_registering_an_unknown_guard_name_or_workflow_fails_at_once(storage):
    with pytest.raises(engine.WorkflowConfigurationError, match="no guard 'elegible'.*eligible"):
        engine.register_guard("nomination", "elegible", lambda record, actor, data: [])
    with pytest.raises(engine.WorkflowConfigurationError, match="no workflow named 'nominations'"):
        engine.register_guard("nominations", "eligible", lambda record, actor, data: [])


def test_check_guards_names_the_missing_ones(storage):
    for name in WORKFLOWS:
        for guard in WORKFLOWS[name].guard_names:
            engine._GUARDS[name].pop(guard, None)
    with pytest.raises(engine.WorkflowConfigurationError, match="nomination.attachments"):
        engine.check_guards()
    for name in WORKFLOWS:
        pass_all_guards(name)
    engine.check_guards()


# --- comments and data ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("comment", [None, "", "   \n"])
@pytest.mark.parametrize(("state", "trigger", "role"), [
    ("in_review", "send_back", "secretary"), ("posted", "reject", "secretary"),
    ("council_passed", "reject", "approver"), ("referred", "reject", "hr")])
def test_a_reason_is_required(storage, comment, state, trigger, role):
    rec = record("nomination", state)
    with pytest.raises(engine.Refused) as refused:
        engine.fire(rec, trigger, actor=Actor(role), comment=comment)
    assert refused.value.code == "comment"
    assert refused.value.reasons[0].startswith("Cần ghi rõ lý do")
    assert rec.state == state and storage.records == []


def test_revoking_needs_a_reason_and_the_revoking_decision(storage):
    rec = record("nomination", "decided")
    with pytest.raises(engine.Refused) as refused:
        engine.fire(rec, "revoke", actor=Actor("admin"), revoking_decision="QĐ 1")
    assert refused.value.code == "comment"
    with pytest.raises(engine.Refused) as refused:
        engine.fire(rec, "revoke", actor=Actor("admin"), comment="Khai man", revoking_decision="")
    assert (refused.value.code, refused.value.reasons) == ("data", ["Thiếu quyết định thu hồi."])
    assert rec.state == "decided" and storage.records == []


def test_opening_a_posting_needs_its_start_and_length(storage):
    rec = record("nomination", "in_review")
    with pytest.raises(engine.Refused) as refused:
        engine.fire(rec, "open_posting", actor=Actor("secretary"))
    assert refused.value.code == "data"
    assert refused.value.reasons == ["Thiếu ngày bắt đầu công khai.", "Thiếu số ngày làm việc công khai."]
    with pytest.raises(engine.Refused) as refused:
        engine.fire(rec, "open_posting", actor=Actor("secretary"), start="2021-10-04")
    assert refused.value.reasons == ["Thiếu số ngày làm việc công khai."]
    engine.fire(rec, "open_posting", actor=Actor("secretary"), start="2021-10-04", working_days=0)
    assert rec.state == "posted"  # 0 is a value; whether it is a sensible one is for a guard or the form


def test_an_optional_comment_is_kept_trimmed_and_blank_is_none(storage):
    pass_all_guards("nomination")
    first = engine.fire(record("nomination", "submitted"), "start_review", actor=Actor("secretary"), comment="  ")
    second = engine.fire(record("nomination", "submitted"), "start_review", actor=Actor("secretary"),
                         comment=" Đã nhận đủ hồ sơ ")
    assert (first.comment, second.comment) == (None, "Đã nhận đủ hồ sơ")


# --- refusals in words ------------------------------------------------------------------------------------------

def test_refusals_name_the_action_and_the_state_in_vietnamese(storage):
    with pytest.raises(engine.Refused) as refused:
        engine.fire(record("nomination", "in_council"), "withdraw", actor=Actor("proposer"))
    assert refused.value.reasons == ["Không thể «Rút hồ sơ» khi đang ở trạng thái «Chờ hội đồng»."]
    with pytest.raises(engine.Refused) as refused:
        engine.fire(record("nomination", "submitted"), "start_review", actor=Actor("proposer"))
    assert refused.value.reasons == ["Bạn không có quyền «Tiếp nhận, thẩm định» ở trạng thái «Đã gửi»."]
    with pytest.raises(engine.Refused) as refused:
        engine.fire(record("nomination", "draft"), "to_decided", actor=Actor("admin"))
    assert (refused.value.code, refused.value.reasons) == (
        "state", ["Không có thao tác «to_decided» trong quy trình «Hồ sơ đề nghị khen thưởng»."])


# --- the shared machine and the record's state ------------------------------------------------------------------

def test_the_machine_is_shared_and_never_binds_a_record(storage):
    pass_all_guards("nomination")
    machine = engine.machine("nomination")
    recs = [record("nomination", "submitted", id=i) for i in range(50)]
    for rec in recs:
        engine.fire(rec, "start_review", actor=Actor("secretary"))
    assert engine.machine("nomination") is machine
    assert machine.models == []
    assert all(rec.state == "in_review" for rec in recs)
    assert not hasattr(recs[0], "start_review") and not hasattr(recs[0], "to_draft")  # nothing bound, no to_*
    assert not any(name.startswith("to_") for name in machine.events)  # auto_transitions=False


def test_a_loaded_record_keeps_its_state_whatever_the_machine_was_built_with(storage):
    # The machine's initial state is draft; a record read back in a later state must never be reset to it.
    pass_all_guards("nomination")
    for state in WORKFLOWS["nomination"].state_names:
        rec = record("nomination", state)
        engine.available(rec, Actor(*ROLES))
        with pytest.raises(engine.Refused):
            engine.fire(rec, "council_pass", actor=Actor("proposer"))
        assert rec.state == state


def test_a_new_record_without_a_state_yet_is_in_the_initial_state(storage):
    pass_all_guards("nomination")
    rec = record("nomination", None)
    assert engine.available(rec, Actor("proposer")) == ["submit", "withdraw"]
    result = engine.fire(rec, "submit", actor=Actor("proposer"))
    assert (result.from_state, rec.state) == ("draft", "submitted")


def test_a_failing_storage_leaves_the_state_as_it_was_and_sends_nothing(storage):
    class Broken:
        def save(self, record, transition):
            raise RuntimeError("disk full")

    engine.configure(storage=Broken())
    rec = record("registration", "registered")
    with pytest.raises(RuntimeError, match="disk full"):
        engine.fire(rec, "accept", actor=Actor("secretary"))
    assert rec.state == "registered" and storage.signals == []


def test_firing_without_a_storage_is_a_configuration_error(storage):
    engine.configure(storage=None)
    rec = record("registration", "registered")
    with pytest.raises(engine.WorkflowConfigurationError, match="no transition storage"):
        engine.fire(rec, "accept", actor=Actor("secretary"))
    assert rec.state == "registered"


def test_a_record_of_no_known_workflow_is_a_configuration_error(storage):
    class Stray:
        workflow_name = "payment"
        id, state = 1, "draft"

    with pytest.raises(engine.WorkflowConfigurationError, match="no workflow named 'payment'"):
        engine.fire(Stray(), "submit", actor=Actor("proposer"))


def test_isolated_restores_guards_storage_and_receivers():
    before_storage = engine.configure(storage=None)
    engine.configure(storage=before_storage)
    receivers = list(engine.on_transition.receivers)
    with engine.isolated(storage=engine.InMemoryStorage()):
        pass_all_guards("nomination")
        engine.on_transition.connect(print)
    assert engine.configure(storage=before_storage) is before_storage
    assert engine.on_transition.receivers == receivers


# --- definitions ------------------------------------------------------------------------------------------------

def test_definitions_describe_every_state_and_label_every_transition():
    for wf in WORKFLOWS.values():
        assert set(wf.state_docs) == set(wf.state_names), wf.name
        assert all(t.label_vi and t.label_en for t in wf.transitions), wf.name


def test_nomination_names_are_exactly_the_issues():
    wf = WORKFLOWS["nomination"]
    assert wf.state_names == ["draft", "submitted", "in_review", "posted", "in_council", "council_passed",
                              "council_failed", "approved", "referred", "decided", "returned", "withdrawn",
                              "rejected", "revoked"]
    assert wf.triggers == ["submit", "withdraw", "start_review", "send_back", "reject", "open_posting",
                           "close_posting", "schedule", "council_pass", "council_fail", "approve", "refer",
                           "decide", "revoke"]
    submit = wf.transition_for("draft", "submit")
    assert submit.guards == ("eligible", "attachments", "quota", "in_scope")


@pytest.mark.parametrize(("transitions", "message"), [
    ([Transition("go", ("a",), "nowhere", ("proposer",))], "unknown state 'nowhere'"),
    ([Transition("go", ("a",), "b", ("council",))], "unknown role 'council'"),
    ([Transition("go", ("a",), "b", ())], "no role may fire it"),
    ([Transition("go", ("a",), "b", ("proposer",)), Transition("go", ("a",), "a", ("secretary",))],
     "defined twice from 'a'"),
])
def test_a_broken_definition_is_refused(transitions, message):
    import enum

    class S(enum.StrEnum):
        A = "a"
        B = "b"

    with pytest.raises(ValueError, match=message):
        Workflow("broken", S, "a", transitions)
