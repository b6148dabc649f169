"""Councils: sessions, quorum, secret ballots, rounds, quota ranking, minutes and the tally."""
