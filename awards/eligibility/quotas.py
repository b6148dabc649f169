"""Quotas: how many of an award a unit's subtree may have in a year, against how many it already has.

A quota is a dated parameter ``quota.<AWARD>.share_of_<BASE>`` (ND 91/2017: CSTDCS ≤ 15 % of the LDTT
count). The limit is ``share × count of BASE``, rounded down (20 LDTT → 3 CSTDCS); a value of None in force
means the law sets no limit that year (the 2022 law), and the quota is listed without one. A quota guards
nominations (the workflow issue); it is not a clause of one person's verdict.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from awards.catalogue.models import Award, AwardHolding, NomineeType, Parameter
from awards.core.formatting import number
from awards.eligibility import loader
from awards.eligibility.parameters import MissingParameter, Parameters
from awards.extensions import db
from awards.org.models import Unit
from awards.org.permissions import subtree_ids

QUOTA_KEY = re.compile(r"^quota\.(?P<award>[A-Z0-9_]+)\.share_of_(?P<base>[A-Z0-9_]+)$")


@dataclass(frozen=True)
class Quota:
    award: str
    limit: int | None       # None: no limit in force that year
    used: int               # held (not revoked) in the subtree that year
    rule: str               # "15% số cá nhân đạt Lao động tiên tiến (20)" (in the reader's language)
    citation: str           # "Điều 14 khoản 1, 91/2017/NĐ-CP" (legal references stay in Vietnamese)
    base_award: str = ""
    base_count: int = 0

    @property
    def basis(self) -> str:
        """The rule and its citation in one sentence (the API's ``basis``)."""
        return _("%(text)s theo %(citation)s", text=self.rule, citation=self.citation) if self.citation else self.rule

    @property
    def exceeded(self) -> bool:
        return self.limit is not None and self.used > self.limit


def limit_of(share, count: int) -> int | None:
    """``share × count`` rounded down; None when no share is set."""
    if share is None:
        return None
    return int((Decimal(str(share)) * count).to_integral_value(rounding=ROUND_FLOOR))


def _share_text(share) -> str:
    pct = Decimal(str(share)) * 100
    places = 0 if pct == pct.to_integral_value() else 2
    return f"{number(pct, places)}%"


def quotas(unit: Unit, year: int, *, params: Parameters | None = None) -> list[Quota]:
    """Every quota in force at the end of ``year`` for the subtree of ``unit``, in the awards' order."""
    params = params if params is not None else loader.load_parameters()
    start, end = loader.year_bounds([year])[year]
    keys = db.session.scalars(select(Parameter.key).where(Parameter.key.like("quota.%")).distinct()).all()
    wanted = []
    for key in sorted(keys):
        match = QUOTA_KEY.match(key)
        if match is None:
            continue
        try:
            entry = params.entry(key, end)
        except MissingParameter:
            continue  # no quota of that kind that year
        wanted.append((match["award"], match["base"], entry))
    if not wanted:
        return []
    codes = {c for award, base, _e in wanted for c in (award, base)}
    awards = {a.code: a for a in db.session.scalars(select(Award).where(Award.code.in_(codes)))}
    counts = _held_counts(unit, year, start, end, codes, awards)
    result = []
    for award, base, entry in wanted:
        if award not in awards or base not in awards:
            continue
        base_count, used = counts.get(base, 0), counts.get(award, 0)
        limit = limit_of(entry.value, base_count)
        result.append(Quota(award, limit, used, _rule(awards[base], entry, base_count), entry.citation, base,
                            base_count))
    return sorted(result, key=lambda q: (awards[q.award].rank, q.award))


def _rule(base: Award, entry, count: int) -> str:
    if entry.value is None:
        return _("Không giới hạn số lượng")
    name = base.name(str(get_locale() or "vi"))
    whom = (_("số tập thể đạt %(award)s", award=name) if base.nominee_type == NomineeType.COLLECTIVE
            else _("số cá nhân đạt %(award)s", award=name))
    return _("%(share)s %(whom)s (%(count)s)", share=_share_text(entry.value), whom=whom, count=number(count))


def _held_counts(unit: Unit, year: int, start, end, codes: set[str], awards: dict[str, Award]) -> dict[str, int]:
    """How many subjects of the subtree hold each award that year (two statements: people, collectives).

    People count when they worked in the subtree during the year (assignments), collectives when they are
    units of the subtree.
    """
    # NOMINATIONS HOOK (workflow issue): "or have a nomination for the award that year that is not withdrawn
    # or rejected" joins here, counted once per subject with the holdings (a UNION of the two id sets).
    subtree = subtree_ids([unit.id])
    counts: dict[str, int] = {}
    person_codes = [c for c in codes if c in awards and awards[c].nominee_type != NomineeType.COLLECTIVE]
    unit_codes = [c for c in codes if c in awards and awards[c].nominee_type != NomineeType.PERSON]
    for column, within, wanted in ((AwardHolding.person_id, loader.members_ids(subtree, start, end), person_codes),
                                   (AwardHolding.unit_id, subtree, unit_codes)):
        if not wanted:
            continue
        for code, n in db.session.execute(
                select(Award.code, func.count(func.distinct(column))).join(Award, AwardHolding.award_id == Award.id)
                .where(Award.code.in_(wanted), AwardHolding.year == year, AwardHolding.revoked.is_(False),
                       column.in_(within))
                .group_by(Award.code)):
            counts[code] = counts.get(code, 0) + n
    return counts
