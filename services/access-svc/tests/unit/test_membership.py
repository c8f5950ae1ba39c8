"""A user is a member of at most one team; a second membership must say `move`."""

import uuid

import pytest

from switchboard_access.domain.model import (
    AlreadyInAnotherTeamError,
    MembershipStep,
    membership_step,
)

pytestmark = pytest.mark.unit

A, B = uuid.UUID(int=1), uuid.UUID(int=2)


@pytest.mark.parametrize("move", [False, True])
def test_a_user_in_no_team_joins(*, move: bool) -> None:
    assert membership_step(None, A, move=move) is MembershipStep.JOIN


@pytest.mark.parametrize("move", [False, True])
def test_joining_ones_own_team_again_changes_nothing(*, move: bool) -> None:
    assert membership_step(A, A, move=move) is MembershipStep.NOTHING


def test_a_second_team_is_refused_without_move() -> None:
    with pytest.raises(AlreadyInAnotherTeamError) as refused:
        membership_step(A, B, move=False)
    assert refused.value.current_team_id == A


def test_a_second_team_with_move_moves() -> None:
    assert membership_step(A, B, move=True) is MembershipStep.MOVE
