"""The one place a state changes: ``fire(record, trigger, actor=…)``.

One shared ``transitions.Machine`` per workflow, built once with ``model=None`` and never bound to a record:
``MACHINE.events[trigger].trigger(record)`` reads and writes ``record.state`` directly. Binding records
(``add_model``) would slow down as records accumulate, reset a loaded record to the initial state unless
told otherwise, and drag the machine along when a record is pickled. The machine has no conditions: the
engine checks state, role, comment, data and guards itself first, because transitions' conditions return
bare booleans and a refusal here must say why.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from transitions import Machine

from workflows.definitions import WORKFLOWS
from workflows.diagram import mermaid
from workflows.model import Transition, Workflow

__all__ = [
    "SYSTEM", "InMemoryStorage", "Refused", "Storage", "TransitionRecord", "WorkflowConfigurationError",
    "available", "check_guards", "configure", "definition", "fire", "isolated", "machine", "mermaid",
    "on_transition", "register_guard",
]

Guard = Callable[[Any, Any, dict], list[str]]

DATA_LABELS = {
    "start": "ngày bắt đầu công khai",
    "working_days": "số ngày làm việc công khai",
    "revoking_decision": "quyết định thu hồi",
}


@dataclass(frozen=True)
class TransitionRecord:
    """What happened, for the append-only history: one per fired trigger."""

    workflow: str
    record_id: int | None
    trigger: str
    from_state: str
    to_state: str
    actor_id: int | None
    actor_label: str
    at: datetime
    comment: str | None
    evidence: dict = field(default_factory=dict)


class Refused(Exception):
    """A trigger the actor may not fire now. ``code`` says which check failed; ``reasons`` are for the user.

    ``code``: "state" (not from this state, or no such trigger), "role", "comment" (a reason is required),
    "data" (required data missing) or "guard" (every failing guard's reasons, all of them).
    """

    CODES = ("role", "state", "guard", "comment", "data")

    def __init__(self, code: str, reasons: list[str]) -> None:
        assert code in self.CODES, code
        self.code = code
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))


class WorkflowConfigurationError(Exception):
    """A programming or set-up mistake (unknown workflow, guard not registered, no storage): never user input."""


class Storage(Protocol):
    def save(self, record: Any, transition: TransitionRecord) -> None: ...


class InMemoryStorage:
    """Keeps the transition records in a list (tests, benchmarks)."""

    def __init__(self) -> None:
        self.records: list[TransitionRecord] = []

    def save(self, record: Any, transition: TransitionRecord) -> None:
        self.records.append(transition)


class Signal:
    """A plain observer list: ``connect(fn)``; ``fn(record, transition)`` is called once per fired trigger."""

    def __init__(self) -> None:
        self.receivers: list[Callable[[Any, TransitionRecord], None]] = []

    def connect(self, fn: Callable[[Any, TransitionRecord], None]) -> Callable[[Any, TransitionRecord], None]:
        if fn not in self.receivers:
            self.receivers.append(fn)
        return fn

    def disconnect(self, fn: Callable[[Any, TransitionRecord], None]) -> None:
        if fn in self.receivers:
            self.receivers.remove(fn)

    def send(self, record: Any, transition: TransitionRecord) -> None:
        for fn in list(self.receivers):
            fn(record, transition)


on_transition = Signal()
"""Sent once after each transition has been stored: ``fn(record, transition_record)`` (notifications…)."""


class _SystemActor:
    """The actor for what the application itself does (the council's outcomes, a decision being issued)."""

    id = None
    label = "Hệ thống"

    def roles_for(self, record: Any) -> set[str]:
        return {"system"}


SYSTEM = _SystemActor()


def _build_machine(workflow: Workflow) -> Machine:
    return Machine(
        model=None,
        states=workflow.state_names,
        initial=str(workflow.initial),
        transitions=[{"trigger": t.trigger, "source": [str(s) for s in t.sources], "dest": str(t.dest)}
                     for t in workflow.transitions],
        auto_transitions=False,
        model_attribute="state",
        send_event=False,
        ignore_invalid_triggers=False,
    )


_MACHINES: dict[str, Machine] = {name: _build_machine(workflow) for name, workflow in WORKFLOWS.items()}
_GUARDS: dict[str, dict[str, Guard]] = {name: {} for name in WORKFLOWS}
_storage: Storage | None = None


def definition(name_or_record: Any) -> Workflow:
    """The workflow of a name or of a record (by its class's ``workflow_name``)."""
    name = name_or_record if isinstance(name_or_record, str) else getattr(name_or_record, "workflow_name", None)
    try:
        return WORKFLOWS[name]
    except KeyError:
        raise WorkflowConfigurationError(f"no workflow named {name!r}") from None


def machine(name: str) -> Machine:
    """The shared machine of a workflow (read-only use: never add a model to it)."""
    definition(name)
    return _MACHINES[name]


def configure(*, storage: Storage | None) -> Storage | None:
    """Set where transition records go (the Flask side installs its SQLAlchemy adapter); returns the previous."""
    global _storage
    previous, _storage = _storage, storage
    return previous


def register_guard(workflow: str, name: str, fn: Guard) -> Guard:
    """Register ``fn(record, actor, data) -> list[str]`` (reasons; empty passes) as the guard ``name``.

    Only names the workflow's transitions use are accepted, so a misspelt name fails here, not silently.
    """
    wf = definition(workflow)
    if name not in wf.guard_names:
        raise WorkflowConfigurationError(
            f"workflow {workflow!r} has no guard {name!r} (its guards: {', '.join(sorted(wf.guard_names)) or '—'})")
    _GUARDS[workflow][name] = fn
    return fn


def check_guards() -> None:
    """Raise when a guard some transition names has no registered function (call once the app is set up)."""
    missing = [f"{name}.{guard}" for name, wf in WORKFLOWS.items() for guard in sorted(wf.guard_names)
               if guard not in _GUARDS[name]]
    if missing:
        raise WorkflowConfigurationError("guards not registered: " + ", ".join(missing))


@contextlib.contextmanager
def isolated(*, storage: Storage | None = None) -> Iterator[Storage | None]:
    """Run with a storage of one's own and restore the guards, storage and receivers afterwards (tests)."""
    global _storage
    saved = ({k: dict(v) for k, v in _GUARDS.items()}, _storage, list(on_transition.receivers))
    _storage = storage
    try:
        yield storage
    finally:
        _GUARDS.clear()
        _GUARDS.update(saved[0])
        _storage = saved[1]
        on_transition.receivers[:] = saved[2]


def _current_state(record: Any, wf: Workflow) -> str:
    # A new row's column default applies only at flush, so a state of None is the workflow's initial one.
    return str(record.state) if record.state is not None else str(wf.initial)


def available(record: Any, actor: Any) -> list[str]:
    """Triggers the actor's roles allow from the record's current state (guards are not run)."""
    wf = definition(record)
    state = _current_state(record, wf)
    roles = set(actor.roles_for(record))
    return list(dict.fromkeys(t.trigger for t in wf.transitions if state in t.sources and roles & set(t.roles)))


def _trigger_label(wf: Workflow, trigger: str, transition: Transition | None = None) -> str:
    if transition is not None and transition.label_vi:
        return transition.label_vi
    return next((t.label_vi for t in wf.transitions if t.trigger == trigger and t.label_vi), trigger)


def _state_label(wf: Workflow, state: str) -> str:
    doc = wf.state_docs.get(state)
    return doc.label_vi if doc else state


def _run_guards(wf: Workflow, transition: Transition, record: Any, actor: Any, data: dict) -> list[str]:
    reasons: list[str] = []
    for name in transition.guards:
        fn = _GUARDS[wf.name].get(name)
        if fn is None:
            raise WorkflowConfigurationError(
                f"guard {name!r} of {wf.name}.{transition.trigger} is not registered (register_guard)")
        result = fn(record, actor, data)
        if not isinstance(result, list | tuple):
            # A bare True/False would say nothing to the user: guards must return their reasons.
            raise WorkflowConfigurationError(
                f"guard {wf.name}.{name} returned {type(result).__name__}; it must return a list of reasons")
        reasons.extend(str(r) for r in result)
    return reasons


def fire(record: Any, trigger: str, *, actor: Any, comment: str | None = None, evidence: dict | None = None,
         **data: Any) -> TransitionRecord:
    """Fire ``trigger`` on ``record`` as ``actor``: the only way a workflow state changes.

    Checks, in order, the state, the actor's role, the comment, the required data and then every guard
    (collecting all their reasons), raising ``Refused`` with the record untouched. Then it changes the
    state through the workflow's shared machine, hands the ``TransitionRecord`` to the configured storage,
    sends ``on_transition`` once and returns the record. ``data`` goes to the guards (with ``comment``) and
    into the stored evidence under "data".
    """
    wf = definition(record)
    state = _current_state(record, wf)
    transition = wf.transition_for(state, trigger)
    if transition is None:
        if trigger not in wf.triggers:
            raise Refused("state", [f"Không có thao tác «{trigger}» trong quy trình «{wf.title_vi or wf.name}»."])
        raise Refused("state", [f"Không thể «{_trigger_label(wf, trigger)}» khi đang ở trạng thái "
                                f"«{_state_label(wf, state)}»."])
    label = _trigger_label(wf, trigger, transition)
    if not set(actor.roles_for(record)) & set(transition.roles):
        raise Refused("role", [f"Bạn không có quyền «{label}» ở trạng thái «{_state_label(wf, state)}»."])
    comment = comment.strip() if isinstance(comment, str) and comment.strip() else None
    if transition.comment_required and comment is None:
        raise Refused("comment", [f"Cần ghi rõ lý do khi «{label}»."])
    missing = [key for key in transition.data_required if data.get(key) in (None, "")]
    if missing:
        raise Refused("data", [f"Thiếu {DATA_LABELS.get(key, key)}." for key in missing])
    reasons = _run_guards(wf, transition, record, actor, {**data, "comment": comment})
    if reasons:
        raise Refused("guard", reasons)
    if _storage is None:
        raise WorkflowConfigurationError("no transition storage configured (engine.configure(storage=…))")

    previous = record.state
    if previous is None:
        record.state = str(wf.initial)
    try:
        if not _MACHINES[wf.name].events[trigger].trigger(record) or record.state != transition.dest:
            raise WorkflowConfigurationError(f"{wf.name}.{trigger} did not move {state!r} to {transition.dest!r}")
        snapshot = dict(evidence or {})
        if data:
            snapshot.setdefault("data", dict(data))
        record_out = TransitionRecord(
            workflow=wf.name, record_id=getattr(record, "id", None), trigger=trigger, from_state=state,
            to_state=str(transition.dest), actor_id=getattr(actor, "id", None), actor_label=str(actor.label),
            at=datetime.now(UTC), comment=comment, evidence=snapshot)
        _storage.save(record, record_out)
    except BaseException:
        # Nothing was stored, so nothing changed: put the state back (the caller's transaction rolls back too).
        # A storage may do that itself (``restore``): a database session whose flush failed must not be touched.
        restore = getattr(_storage, "restore", None)
        if restore is not None:
            restore(record, previous)
        else:
            record.state = previous
        raise
    on_transition.send(record, record_out)
    return record_out
