"""The claims of a Switchboard token and the `Principal` they describe.

A token is either a **user** token (`sub` is the user id, a UUID; `org_role` is `admin` or
`agent`) or a **service** token (`kind: "service"`; `sub` names the calling service). Both
carry the organization (`org_id`): every request is scoped to one organization, so a
service working for several holds one token per organization.
"""

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from switchboard_contracts.enums import OrgRole

ORG_CLAIM = "org_id"
ORG_ROLE_CLAIM = "org_role"
KIND_CLAIM = "kind"


class TokenKind(StrEnum):
    USER = "user"
    SERVICE = "service"


class ClaimsError(ValueError):
    """The token is genuine but does not say what a Switchboard token must."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: verified, organization-scoped."""

    org_id: uuid.UUID
    subject: str
    kind: TokenKind
    org_role: OrgRole | None = None

    @property
    def is_service(self) -> bool:
        return self.kind is TokenKind.SERVICE

    @property
    def user_id(self) -> uuid.UUID | None:
        """The calling user's id; None for a service."""
        return None if self.is_service else uuid.UUID(self.subject)

    @property
    def is_admin(self) -> bool:
        return self.kind is TokenKind.USER and self.org_role is OrgRole.ADMIN


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """Read a `Principal` from verified claims; `ClaimsError` says what is wrong."""
    org_id = _uuid(claims.get(ORG_CLAIM), ORG_CLAIM)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise ClaimsError("the token has no subject (sub)")
    raw_kind = claims.get(KIND_CLAIM, TokenKind.USER.value)  # absent: a user, never a service
    try:
        kind = TokenKind(raw_kind)
    except ValueError:
        raise ClaimsError(f"unknown token kind {raw_kind!r}") from None
    if kind is TokenKind.SERVICE:
        return Principal(org_id=org_id, subject=subject, kind=kind)
    _uuid(subject, "sub")
    try:
        org_role = OrgRole(str(claims.get(ORG_ROLE_CLAIM)))
    except ValueError:
        raise ClaimsError(f"a user token needs {ORG_ROLE_CLAIM} admin or agent") from None
    return Principal(org_id=org_id, subject=str(uuid.UUID(subject)), kind=kind, org_role=org_role)


def _uuid(value: object, claim: str) -> uuid.UUID:
    if not isinstance(value, str):
        raise ClaimsError(f"the token has no {claim}")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ClaimsError(f"{claim} must be a UUID") from None
