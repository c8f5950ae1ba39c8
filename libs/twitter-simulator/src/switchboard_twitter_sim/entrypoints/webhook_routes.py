"""`/2/webhooks` (app-only bearer token) and Account Activity subscriptions and replay."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from switchboard_twitter_sim.domain.model import Webhook
from switchboard_twitter_sim.domain.payloads.formats import v2_date
from switchboard_twitter_sim.entrypoints.context import Context
from switchboard_twitter_sim.entrypoints.twitter_http import AppOnly, V2User, rate_limit
from switchboard_twitter_sim.service_layer import webhooks

router = APIRouter(tags=["twitter: webhooks"])
_SUBSCRIPTIONS = "/2/account_activity/webhooks/{webhook_id}/subscriptions"


class WebhookCreateRequest(BaseModel):
    url: str


def _config(hook: Webhook) -> dict[str, Any]:
    return {
        "created_at": v2_date(hook.created_at),
        "id": hook.id,
        "url": hook.url,
        "valid": hook.valid,
    }


@router.post("/2/webhooks", summary="Register a webhook URL (runs the CRC)", dependencies=[AppOnly])
async def create_webhook(
    body: WebhookCreateRequest, request: Request, response: Response, context: Context
) -> Any:
    rate_limit(request, response, context, "webhooks", "app")
    hook = await webhooks.register(
        context.world, context.crc_probe, context.webhook_policy, body.url
    )
    return _config(hook)


@router.get("/2/webhooks", summary="The app's webhooks", dependencies=[AppOnly])
async def list_webhooks(request: Request, response: Response, context: Context) -> Any:
    rate_limit(request, response, context, "webhooks", "app")
    hooks = [_config(hook) for hook in context.world.webhooks.values()]
    return {"data": hooks, "meta": {"result_count": len(hooks)}}


@router.put(
    "/2/webhooks/{webhook_id}", summary="Run the CRC again (re-validate)", dependencies=[AppOnly]
)
async def validate_webhook(
    webhook_id: str, request: Request, response: Response, context: Context
) -> Any:
    rate_limit(request, response, context, "webhooks", "app")
    await webhooks.revalidate(context.world, context.crc_probe, webhook_id)
    return {"data": {"attempted": True}}


@router.delete("/2/webhooks/{webhook_id}", summary="Delete a webhook", dependencies=[AppOnly])
async def delete_webhook(
    webhook_id: str, request: Request, response: Response, context: Context
) -> Any:
    rate_limit(request, response, context, "webhooks", "app")
    webhooks.delete(context.world, webhook_id)
    return {"data": {"deleted": True}}


@router.post(_SUBSCRIPTIONS + "/all", summary="Subscribe the authenticating account")
async def subscribe(
    webhook_id: str, request: Request, response: Response, context: Context, token: V2User
) -> Any:
    rate_limit(request, response, context, "subscriptions", token.user_id)
    webhooks.subscribe(context.world, webhook_id, token.user_id)
    return {"data": {"subscribed": True}}


@router.get(_SUBSCRIPTIONS + "/all", summary="Is the authenticating account subscribed?")
async def is_subscribed(
    webhook_id: str, request: Request, response: Response, context: Context, token: V2User
) -> Any:
    rate_limit(request, response, context, "subscriptions", token.user_id)
    hook = webhooks.find(context.world, webhook_id)
    return {"data": {"subscribed": token.user_id in hook.subscriptions}}


@router.get(
    _SUBSCRIPTIONS + "/all/list", summary="Every subscribed account", dependencies=[AppOnly]
)
async def list_subscriptions(
    webhook_id: str, request: Request, response: Response, context: Context
) -> Any:
    rate_limit(request, response, context, "subscriptions", "app")
    hook = webhooks.find(context.world, webhook_id)
    return {
        "data": {
            "application_id": context.world.app.id,
            "webhook_id": hook.id,
            "webhook_url": hook.url,
            "subscriptions": [{"user_id": user_id} for user_id in hook.subscriptions],
        }
    }


@router.delete(
    _SUBSCRIPTIONS + "/{user_id}/all", summary="Unsubscribe an account", dependencies=[AppOnly]
)
async def unsubscribe(
    webhook_id: str, user_id: str, request: Request, response: Response, context: Context
) -> Any:
    rate_limit(request, response, context, "subscriptions", "app")
    webhooks.unsubscribe(context.world, webhook_id, user_id)
    return {"data": {"subscribed": False}}


@router.post(
    "/2/account_activity/replay/webhooks/{webhook_id}/subscriptions/all",
    summary="Replay what the webhook was sent in a window of the last 24 hours",
    dependencies=[AppOnly],
)
async def replay(
    *,
    webhook_id: str,
    request: Request,
    response: Response,
    context: Context,
    from_date: Annotated[str, Query()],
    to_date: Annotated[str, Query()],
) -> Any:
    rate_limit(request, response, context, "replay", "app")
    job = webhooks.replay(
        context.world,
        context.dispatcher,
        context.webhook_policy,
        webhook_id,
        from_date=from_date,
        to_date=to_date,
    )
    return {"created_at": v2_date(job.created_at), "job_id": job.job_id}
