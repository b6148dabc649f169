"""The voting law in integers: thresholds over the whole membership, quorum, shares and ranking over a quota."""
from __future__ import annotations

import pytest

from awards.councils.voting import Threshold, quorum_met, rank_over_quota, share_text

EIGHTY, NINETY, MAJORITY = Threshold.parse("4/5"), Threshold.parse("9/10"), Threshold.parse("majority")


@pytest.mark.parametrize(("threshold", "yes", "members", "passed"), [
    (EIGHTY, 7, 9, False), (EIGHTY, 8, 9, True),      # 9 members need 8 at 80 %
    (EIGHTY, 8, 10, True), (EIGHTY, 7, 10, False),
    (NINETY, 8, 10, False), (NINETY, 9, 10, True),    # 10 members need 9 at 90 %
    (NINETY, 8, 9, False), (NINETY, 9, 9, True),      # 8/9 = 88.9 % < 90 %
    (EIGHTY, 4, 5, True), (EIGHTY, 3, 5, False),      # exactly 80 % passes ("từ 80% trở lên")
    (MAJORITY, 5, 9, True), (MAJORITY, 4, 9, False),
    (MAJORITY, 5, 10, False), (MAJORITY, 6, 10, True),  # half is not a majority
    (EIGHTY, 0, 0, False),
])
def test_threshold_counts_the_whole_membership(threshold, yes, members, passed):
    assert threshold.reached(yes, members) is passed


@pytest.mark.parametrize(("threshold", "members", "required"), [
    (EIGHTY, 9, 8), (EIGHTY, 10, 8), (NINETY, 10, 9), (NINETY, 9, 9), (MAJORITY, 9, 5), (MAJORITY, 10, 6),
    (EIGHTY, 7, 6), (NINETY, 11, 10),
])
def test_required_is_the_fewest_yes_votes_that_pass(threshold, members, required):
    assert threshold.required(members) == required
    assert threshold.reached(required, members) and not threshold.reached(required - 1, members)


def test_thresholds_are_exact_fractions_never_floats():
    # 0.1 + 0.2 style errors cannot happen: 2/3 of 9 is exactly 6.
    assert Threshold.parse("2/3").reached(6, 9) and not Threshold.parse("2/3").reached(5, 9)
    assert Threshold.parse("0.8") == EIGHTY
    for bad in ("80%", "0", "3/2", "nhiều"):
        with pytest.raises(ValueError):
            Threshold.parse(bad)


def test_quorum_is_two_thirds_present():
    assert quorum_met(6, 9, "2/3") and not quorum_met(5, 9, "2/3")
    assert quorum_met(7, 10, "2/3") and not quorum_met(6, 10, "2/3")


def test_share_is_shown_in_vietnamese_with_two_decimals():
    assert share_text(8, 9) == "88,89%"
    assert share_text(9, 10) == "90,00%"
    assert share_text(2, 3) == "66,67%"
    assert share_text(0, 0) == "0%"


def test_labels_name_the_share_of_all_members():
    assert EIGHTY.label_vi() == "Từ 80% tổng số thành viên trở lên"
    assert MAJORITY.label_vi() == "Quá bán tổng số thành viên"
    assert Threshold.parse("2/3").label_vi() == "Từ 66,67% tổng số thành viên trở lên"


def test_ranking_keeps_the_most_voted_within_the_quota():
    votes = {"a": 9, "b": 7, "c": 8, "d": 6}
    outcome = rank_over_quota(list(votes), 2, votes.get)
    assert outcome.selected == ["a", "c"] and outcome.excluded == ["b", "d"] and not outcome.tied


def test_a_tie_at_the_cut_off_is_left_to_the_chair():
    votes = {"a": 9, "b": 8, "c": 8, "d": 6}
    outcome = rank_over_quota(list(votes), 2, votes.get)
    assert outcome.selected == ["a"]
    assert sorted(outcome.tied) == ["b", "c"] and outcome.open_places == 1
    assert outcome.excluded == ["d"]


def test_no_ranking_needed_within_the_quota_or_without_one():
    votes = {"a": 9, "b": 8}
    assert rank_over_quota(list(votes), 2, votes.get).selected == ["a", "b"]
    assert rank_over_quota(list(votes), None, votes.get).excluded == []
    assert rank_over_quota(list(votes), 0, votes.get).excluded == ["a", "b"]
