"""Dated parameters as a pure lookup: the value of a key in force on a date, with its citation.

Built from the ``parameter`` table by the loader (or from ``awards.catalogue.standard`` in pure tests);
rules ask ``params.at(key, on)`` and never hold a threshold as a literal.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any


class MissingParameter(LookupError):
    """No value of ``key`` is in force on that date: the catalogue lacks data (never guess a threshold)."""


@dataclass(frozen=True)
class DatedValue:
    key: str
    value: Any
    effective_from: date
    effective_to: date | None
    citation: str  # "Điều 14 khoản 1, 91/2017/NĐ-CP"
    reliability: str = "law"

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class Parameters:
    def __init__(self, values: Iterable[DatedValue]) -> None:
        self._by_key: dict[str, list[DatedValue]] = defaultdict(list)
        for v in values:
            self._by_key[v.key].append(v)
        for versions in self._by_key.values():
            versions.sort(key=lambda v: v.effective_from)

    def entry(self, key: str, on: date) -> DatedValue:
        for v in reversed(self._by_key.get(key, [])):
            if v.covers(on):
                return v
        raise MissingParameter(f"{key} on {on:%d/%m/%Y}")

    def at(self, key: str, on: date) -> Any:
        return self.entry(key, on).value

    def get(self, key: str, on: date, default: Any = None) -> Any:
        try:
            return self.at(key, on)
        except MissingParameter:
            return default

    @classmethod
    def standard(cls) -> Parameters:
        """The standard catalogue's values, for pure tests and tools (no database)."""
        from awards.catalogue.standard import LEGAL_BASES, PARAMETERS

        numbers = {b["code"]: b["number"] for b in LEGAL_BASES}
        return cls(DatedValue(p["key"], p["value"], p["effective_from"], p["effective_to"],
                              ", ".join(x for x in (p["article"], numbers.get(p["basis"], "")) if x),
                              p["reliability"]) for p in PARAMETERS)
