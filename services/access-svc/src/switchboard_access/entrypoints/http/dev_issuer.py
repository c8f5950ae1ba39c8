"""The development token issuer: signs any token it is asked for and serves its JWKS.

Mounted only when `SB_ACCESS_DEV_ISSUER=true` (local runs and tests), never in
production, where the organization's identity provider issues tokens.
"""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints

from switchboard_contracts.enums import OrgRole
from switchboard_platform.auth.signing import TokenSigner
from switchboard_platform.http.errors import ApiError
from switchboard_platform.http.requests import RequestModel

ServiceName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,62}$")]


class DevTokenIn(RequestModel):
    org_id: uuid.UUID
    kind: Literal["user", "service"] = "user"
    user_id: uuid.UUID | None = Field(default=None, description="For a user token: its `sub`")
    org_role: OrgRole = Field(default=OrgRole.AGENT, description="For a user token")
    service: ServiceName | None = Field(default=None, description="For a service token")
    ttl_seconds: int = Field(default=3600, gt=0)


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int


def dev_issuer_router(signer: TokenSigner, *, max_ttl_seconds: int) -> APIRouter:
    router = APIRouter(tags=["development issuer (off in production)"])

    @router.post(
        "/v1/dev/tokens",
        summary="Sign a token for anyone (development issuer: configuration turns it on)",
    )
    async def issue(body: DevTokenIn) -> TokenOut:
        if body.ttl_seconds > max_ttl_seconds:
            raise ApiError(422, f"at most {max_ttl_seconds} seconds", field="ttl_seconds")
        if body.kind == "service":
            if body.service is None:
                raise ApiError(422, "a service token names its service", field="service")
            token = signer.service_token(
                org_id=body.org_id, service=body.service, ttl_seconds=body.ttl_seconds
            )
        else:
            if body.user_id is None:
                raise ApiError(422, "a user token names its user", field="user_id")
            token = signer.user_token(
                org_id=body.org_id,
                user_id=body.user_id,
                org_role=body.org_role,
                ttl_seconds=body.ttl_seconds,
            )
        return TokenOut(access_token=token, expires_in=body.ttl_seconds)

    @router.get("/.well-known/jwks.json", summary="The development issuer's public keys")
    async def jwks() -> dict[str, object]:
        return signer.jwks()

    return router
