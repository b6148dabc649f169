"""A workflow as plain data: its states, its transitions and the texts that explain them to users."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Transition:
    """One trigger from some states to one state, fired by one of ``roles`` once every guard passes.

    The same trigger may appear in two transitions with different sources (``reject`` by the secretary
    before the council, by the approver after it); a (source, trigger) pair must be unique.
    """

    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    guards: tuple[str, ...] = ()
    comment_required: bool = False
    data_required: tuple[str, ...] = ()
    label_vi: str = ""
    label_en: str = ""

    def __post_init__(self) -> None:
        # Tuples, so a definition written with lists or a single string still compares and hashes.
        for name in ("sources", "roles", "guards", "data_required"):
            value = getattr(self, name)
            object.__setattr__(self, name, (value,) if isinstance(value, str) else tuple(value))


@dataclass(frozen=True)
class StateDoc:
    """What a state means, for the users' documentation and the pages."""

    label_vi: str
    label_en: str
    description_vi: str
    description_en: str


ROLES = ("proposer", "secretary", "approver", "hr", "admin", "system")


@dataclass(frozen=True)
class Workflow:
    """A state machine as data. ``states`` is the ``StrEnum`` of its states; ``initial`` one of them."""

    name: str
    states: type[enum.StrEnum]
    initial: str
    transitions: list[Transition]
    title_vi: str = ""
    title_en: str = ""
    state_docs: dict[str, StateDoc] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.validate()

    @property
    def state_names(self) -> list[str]:
        return [str(s) for s in self.states]

    @property
    def triggers(self) -> list[str]:
        """Trigger names in definition order, each once."""
        return list(dict.fromkeys(t.trigger for t in self.transitions))

    @property
    def guard_names(self) -> set[str]:
        return {g for t in self.transitions for g in t.guards}

    def transition_for(self, state: str, trigger: str) -> Transition | None:
        """The transition ``trigger`` takes from ``state``, or None when it cannot be fired there."""
        for transition in self.transitions:
            if transition.trigger == trigger and state in transition.sources:
                return transition
        return None

    def validate(self) -> None:
        """Refuse a definition that names an unknown state or role, or gives a (source, trigger) two ways."""
        states = set(self.state_names)
        problems = []
        if self.initial not in states:
            problems.append(f"initial state {self.initial!r} is not a state")
        seen: set[tuple[str, str]] = set()
        for t in self.transitions:
            for state in (*t.sources, t.dest):
                if state not in states:
                    problems.append(f"{t.trigger}: unknown state {state!r}")
            for role in t.roles:
                if role not in ROLES:
                    problems.append(f"{t.trigger}: unknown role {role!r}")
            if not t.roles:
                problems.append(f"{t.trigger}: no role may fire it")
            for source in t.sources:
                if (source, t.trigger) in seen:
                    problems.append(f"{t.trigger}: defined twice from {source!r}")
                seen.add((source, t.trigger))
        for state in self.state_docs:
            if state not in states:
                problems.append(f"state_docs: unknown state {state!r}")
        if problems:
            raise ValueError(f"workflow {self.name!r}: " + "; ".join(problems))
