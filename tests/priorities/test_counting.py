"""The pure counting rules: approval, Borda, meeting tallies, the tie-break and overrides."""

from __future__ import annotations

from civic.priorities.counting import CastBallot, CountMethod, count, needs_reason, valid_choices

A, B, C, D = 1, 2, 3, 4


def approval(
    ballots: list[CastBallot], hands: dict[int, int] | None = None, top_n: int = 2, allowed: int = 3
):  # type: ignore[no-untyped-def]
    return count(
        method=CountMethod.APPROVAL,
        allowed=allowed,
        candidate_ids=[A, B, C, D],
        ballots=ballots,
        meeting_hands=hands,
        top_n=top_n,
    )


def order(result) -> list[int]:  # type: ignore[no-untyped-def]
    return [r.candidate_id for r in result.rows]


def test_approval_gives_one_vote_per_pick() -> None:
    result = approval([CastBallot([A, B]), CastBallot([B, C]), CastBallot([B])])
    totals = {r.candidate_id: r.total for r in result.rows}
    assert totals == {A: 1, B: 3, C: 1, D: 0}
    assert order(result)[0] == B and result.resident_voters == 3


def test_repeats_unknown_candidates_and_extra_picks_are_ignored() -> None:
    assert valid_choices([A, A, 99, B, C, D], [A, B, C, D], 3) == [A, B, C]
    result = approval([CastBallot([A, A, 99, B, C, D])])
    assert {r.candidate_id: r.total for r in result.rows} == {A: 1, B: 1, C: 1, D: 0}
    empty = approval([CastBallot([99])])
    assert empty.resident_voters == 0  # a ballot with nothing valid on it is not counted


def test_borda_points_follow_the_order_of_preference() -> None:
    result = count(
        method=CountMethod.RANKED,
        allowed=3,
        candidate_ids=[A, B, C, D],
        ballots=[CastBallot([A, B, C]), CastBallot([C, B]), CastBallot([B])],
        top_n=1,
    )
    totals = {r.candidate_id: r.total for r in result.rows}
    assert totals == {A: 3, B: 2 + 2 + 3, C: 1 + 3, D: 0}
    assert result.chosen_ids == [B]


def test_meeting_hands_are_added_and_shown_apart() -> None:
    result = approval([CastBallot([A]), CastBallot([A]), CastBallot([B])], hands={B: 4, C: 1})
    rows = {r.candidate_id: r for r in result.rows}
    assert (rows[B].online, rows[B].meeting, rows[B].total) == (1, 4, 5)
    assert (rows[A].online, rows[A].meeting, rows[A].total) == (2, 0, 2)
    assert result.chosen_ids == [B, A]


def test_in_ranked_rounds_a_hand_is_worth_a_first_preference() -> None:
    result = count(
        method=CountMethod.RANKED,
        allowed=3,
        candidate_ids=[A, B],
        ballots=[CastBallot([A, B])],
        meeting_hands={B: 1},
        top_n=1,
    )
    rows = {r.candidate_id: r for r in result.rows}
    assert rows[B].meeting == 3 and rows[B].total == 5 and result.chosen_ids == [B]


def test_workers_are_counted_separately_and_in_the_total() -> None:
    result = approval(
        [CastBallot([A], ward_code="E05900006"), CastBallot([A], works_here=True, ward_code="outside")]
    )
    row = next(r for r in result.rows if r.candidate_id == A)
    assert (row.residents, row.workers, row.total) == (1, 1, 2)
    assert (result.resident_voters, result.worker_voters) == (1, 1)
    assert result.wards == {"E05900006": 1, "outside": 1}


def test_ties_go_to_more_online_votes_first() -> None:
    # A: 2 online + 0 meeting; B: 0 online + 2 hands. Equal totals; online support wins.
    result = approval([CastBallot([A]), CastBallot([A])], hands={B: 2}, top_n=1)
    assert result.chosen_ids == [A] and result.tie_at_cutoff
    assert result.rows[0].tie_broken and result.rows[1].tie_broken


def test_then_to_residents_over_workers() -> None:
    result = approval([CastBallot([A], works_here=True), CastBallot([B])], top_n=1)
    assert result.chosen_ids == [B]


def test_then_to_breadth_of_support_in_ranked_rounds() -> None:
    # Borda with 3 choices: A gets 3 from one ballot; B gets 1 + 2 from two ballots.
    result = count(
        method=CountMethod.RANKED,
        allowed=3,
        candidate_ids=[A, B, C],
        ballots=[CastBallot([A, C, B]), CastBallot([C, B])],
        top_n=2,
    )
    points = {r.candidate_id: r.total for r in result.rows}
    assert points == {A: 3, B: 3, C: 5}
    assert order(result) == [C, B, A] and result.chosen_ids == [C, B] and result.tie_at_cutoff


def test_finally_the_candidate_listed_first() -> None:
    result = approval([CastBallot([C]), CastBallot([B])], top_n=1)
    assert order(result)[:2] == [B, C] and result.chosen_ids == [B]


def test_no_tie_at_the_cutoff_is_reported_as_such() -> None:
    result = approval([CastBallot([A, B]), CastBallot([A, B]), CastBallot([C])], top_n=2)
    assert result.chosen_ids == [A, B] and not result.tie_at_cutoff


def test_an_override_needs_a_reason_only_when_it_differs_from_the_count() -> None:
    result = approval([CastBallot([A, B]), CastBallot([A])], top_n=2)
    assert not needs_reason(result, [B, A])
    assert needs_reason(result, [A, C])
    assert needs_reason(result, [A])


def test_an_empty_round_still_orders_every_candidate() -> None:
    result = approval([], top_n=3)
    assert order(result) == [A, B, C, D] and result.chosen_ids == [A, B, C]
    assert [r.position for r in result.rows] == [1, 2, 3, 4]
