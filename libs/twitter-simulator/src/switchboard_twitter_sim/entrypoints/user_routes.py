"""`GET /2/users/me`: the authenticating account (OAuth 1.0a user context)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from switchboard_twitter_sim.domain import errors
from switchboard_twitter_sim.domain.payloads.users import V2_USER_FIELDS, v2_user
from switchboard_twitter_sim.entrypoints.context import Context
from switchboard_twitter_sim.entrypoints.twitter_http import V2User, rate_limit

router = APIRouter(tags=["twitter: users"])


@router.get("/2/users/me", summary="The authenticating account: id, name, username")
async def me(
    request: Request,
    response: Response,
    context: Context,
    token: V2User,
    user_fields: Annotated[str | None, Query(alias="user.fields")] = None,
) -> Any:
    rate_limit(request, response, context, "users", token.user_id)
    fields = frozenset(f.strip() for f in (user_fields or "").split(",") if f.strip())
    unknown = sorted(fields - V2_USER_FIELDS)
    if unknown:
        raise errors.invalid_request(
            f"The `user.fields` query parameter value [{unknown[0]}] is not one of "
            f"{sorted(V2_USER_FIELDS)}",
            "user.fields",
            unknown[0],
        )
    return {"data": v2_user(context.world.users[token.user_id], fields)}
