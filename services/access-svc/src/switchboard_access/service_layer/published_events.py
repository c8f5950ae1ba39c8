"""Changes -> `access.v1` events (key: organization id). The one place their shape is set."""

import uuid
from typing import Literal

from switchboard_access.domain.model import GrantChange, Team, User
from switchboard_access.service_layer.context import ChangeContext
from switchboard_contracts.enums import PrincipalKind
from switchboard_contracts.envelope import Subject
from switchboard_contracts.events import access as ev

PRODUCER = "access-svc"

UserChange = Literal["created", "updated", "deactivated", "reactivated"]
TeamChange = Literal["created", "renamed", "deleted"]


def _envelope(ctx: ChangeContext, subject: Subject) -> dict[str, object]:
    return {
        "event_id": uuid.uuid4(),
        "occurred_at": ctx.at,
        "org_id": ctx.org_id,
        "producer": PRODUCER,
        "actor": ctx.actor,
        "correlation_id": ctx.correlation_id,
        "subject": subject,
    }


def user_changed(ctx: ChangeContext, user: User, change: UserChange) -> ev.UserChanged:
    return ev.UserChanged.model_validate(
        {
            **_envelope(ctx, Subject(user_id=user.id)),
            "payload": ev.UserChangedPayload(
                user_id=user.id,
                display_name=user.display_name,
                org_role=user.org_role,
                active=user.active,
                change=change,
            ),
        }
    )


def team_changed(ctx: ChangeContext, team: Team, change: TeamChange) -> ev.TeamChanged:
    return ev.TeamChanged.model_validate(
        {
            **_envelope(ctx, Subject(team_id=team.id)),
            "payload": ev.TeamChangedPayload(team_id=team.id, name=team.name, change=change),
        }
    )


def membership_changed(
    ctx: ChangeContext,
    user_id: uuid.UUID,
    team_id: uuid.UUID | None,
    previous_team_id: uuid.UUID | None,
) -> ev.TeamMembershipChanged:
    return ev.TeamMembershipChanged.model_validate(
        {
            **_envelope(ctx, Subject(user_id=user_id, team_id=team_id or previous_team_id)),
            "payload": ev.TeamMembershipChangedPayload(
                user_id=user_id, team_id=team_id, previous_team_id=previous_team_id
            ),
        }
    )


def grant_changed(ctx: ChangeContext, change: GrantChange) -> ev.GrantChanged:
    key = change.key
    subject = Subject(
        channel_id=key.channel_id,
        user_id=key.member_user_id
        or (key.principal_id if key.kind is PrincipalKind.USER else None),
        team_id=key.principal_id if key.kind is PrincipalKind.TEAM else None,
    )
    return ev.GrantChanged.model_validate(
        {
            **_envelope(ctx, subject),
            "payload": ev.GrantChangedPayload(
                channel_id=key.channel_id,
                principal_kind=key.kind,
                principal_id=key.principal_id,
                member_user_id=key.member_user_id,
                role=change.role,
                previous_role=change.previous_role,
            ),
        }
    )
