"""Which channel role allows which action (DOMAIN.md's table, kept as
`switchboard_contracts.enums.MINIMUM_ROLE`), and the decision of a check.

| action | Viewer | Contributor | Supervisor |
|---|---|---|---|
| read: see the channel in the selector, read its conversations and messages | yes | yes | yes |
| move: a conversation to Pending or Resolved | yes | yes | yes |
| label: add and remove tags, notes, topics | yes | yes | yes |
| reply: to the customer | no | yes | yes |
| take_ownership: for oneself | no | yes | yes |
| assign_ownership: assign or remove another agent's ownership | no | no | yes |
| view_reports: the channel's reports | no | no | yes |
"""

from dataclasses import dataclass
from enum import StrEnum

from switchboard_access.domain.roles import (
    ChannelGrants,
    EffectiveRole,
    Member,
    Source,
    effective_role,
)
from switchboard_contracts.enums import ChannelAction, ChannelRole


class Verdict(StrEnum):
    ALLOWED = "allowed"
    NO_ACCESS = "no_access"  # the channel does not exist for the user: callers answer 404
    ROLE_TOO_LOW = "role_too_low"  # callers answer 403 naming `required_role`
    USER_INACTIVE = "user_inactive"  # a deactivated user: no access at all


@dataclass(frozen=True)
class Decision:
    action: ChannelAction
    effective: EffectiveRole
    required_role: ChannelRole
    verdict: Verdict

    @property
    def allowed(self) -> bool:
        return self.verdict is Verdict.ALLOWED


def decide(member: Member, grants: ChannelGrants, action: ChannelAction) -> Decision:
    effective = effective_role(member, grants)
    required = action.minimum_role
    if effective.source is Source.INACTIVE:
        verdict = Verdict.USER_INACTIVE
    elif effective.role is None:
        verdict = Verdict.NO_ACCESS
    elif effective.role.allows(action):
        verdict = Verdict.ALLOWED
    else:
        verdict = Verdict.ROLE_TOO_LOW
    return Decision(action, effective, required, verdict)
