"""The pure scoring arithmetic (awards/clusters/scoring.py): points in hundredths, the rate criteria, the ranking."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from awards.clusters.scoring import pct_text, points_text, rank, rate_points, to_hundredths


@pytest.mark.parametrize("text, hundredths", [("12,5", 1250), ("12.5", 1250), ("0", 0), ("110", 11000),
                                              ("0,05", 5), (Decimal("7.25"), 725)])
def test_points_are_read_as_hundredths(text, hundredths):
    assert to_hundredths(text) == hundredths


@pytest.mark.parametrize("text", ["-1", "1,234", "abc", "", "nan", "inf"])
def test_negative_over_precise_or_garbage_points_are_refused(text):
    with pytest.raises(ValueError):
        to_hundredths(text)


@pytest.mark.parametrize("hundredths, text", [(10950, "109,5"), (11000, "110"), (5, "0,05"), (18475, "184,75"),
                                              (None, "—"), (123456, "1.234,56")])
def test_points_are_shown_vietnamese_style(hundredths, text):
    assert points_text(hundredths) == text


# (completed, enforceable, target, max) → points, reason
RATE_CASES = {
    # DOMAIN.md §3 worked example: 1,031 / 1,250 = 82.48 % ≥ 81.50 % → full points.
    "above target: full points": ((1031, 1250, Decimal("81.50"), 3000), 3000, "full"),
    "exactly the target: full points": ((815, 1000, Decimal("81.50"), 3000), 3000, "full"),
    # 72 % of 81.50 % → 3000 × 72 / 81.5 = 2650.306… → rounded down.
    "below target: proportional, rounded down": ((900, 1250, Decimal("81.50"), 3000), 2650, "proportional"),
    # 30 % of 40.10 %: 3000 × 30 / 40.1 = 2244.389… → 2244.
    "money below target": ((300, 1000, Decimal("40.10"), 3000), 2244, "proportional"),
    # A hair under the target is not the target, whatever the display rounds it to (81.4999 % shows 81,50 %).
    "just under the target is not full": ((814999, 1000000, Decimal("81.50"), 3000), 2999, "proportional"),
    "nothing enforceable: no figures, 0": ((0, 0, Decimal("81.50"), 3000), 0, "no_figures"),
    "no target: 0": ((10, 20, None, 3000), 0, "no_target"),
}


@pytest.mark.parametrize("args, points, reason", RATE_CASES.values(), ids=RATE_CASES.keys())
def test_rate_criteria_full_at_target_proportional_below(args, points, reason):
    result = rate_points(*args)
    assert (result.points, result.reason) == (points, reason)


def test_the_rate_is_exact_and_shown_rounded_half_up():
    result = rate_points(1031, 1250, Decimal("81.50"), 3000)
    assert result.rate == Fraction(8248, 100)
    assert pct_text(result.rate) == "82,48%"
    assert pct_text(Fraction(83425, 1000)) == "83,43%"  # half up, as the metrics pages


def test_ranking_by_total_then_professional_points_then_a_tie_for_people():
    standings = rank([("A", 18000, 9000), ("B", 18000, 9500), ("C", 19000, 8000), ("D", 17000, 9000),
                      ("E", 17000, 9000)])
    assert [(s.key, s.rank, s.tied) for s in standings] == [
        ("C", 1, False), ("B", 2, False), ("A", 3, False), ("D", 4, True), ("E", 4, True)]


def test_a_tie_at_the_top_ranks_both_first():
    standings = rank([("A", 100, 50), ("B", 100, 50), ("C", 90, 90)])
    assert [(s.key, s.rank, s.tied) for s in standings] == [("A", 1, True), ("B", 1, True), ("C", 3, False)]
