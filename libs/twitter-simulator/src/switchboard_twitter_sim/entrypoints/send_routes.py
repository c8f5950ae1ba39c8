"""Sending as the account: `POST /2/tweets` and one-to-one direct messages."""

from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel

from switchboard_twitter_sim.entrypoints.context import Context
from switchboard_twitter_sim.entrypoints.twitter_http import V2User, rate_limit
from switchboard_twitter_sim.service_layer import sending

router = APIRouter(tags=["twitter: sending"])


class ReplySettings(BaseModel):
    in_reply_to_tweet_id: str


class CreateTweetRequest(BaseModel):
    text: str
    reply: ReplySettings | None = None


class CreateMessageRequest(BaseModel):
    text: str


@router.post("/2/tweets", status_code=status.HTTP_201_CREATED, summary="Post (or reply)")
async def create_tweet(
    body: CreateTweetRequest, request: Request, response: Response, context: Context, token: V2User
) -> Any:
    rate_limit(request, response, context, "tweets", token.user_id)
    tweet = sending.create_tweet(
        context.world,
        context.dispatcher,
        context.world.users[token.user_id],
        body.text,
        in_reply_to_tweet_id=body.reply.in_reply_to_tweet_id if body.reply else None,
        self_serve_rule=context.self_serve_rule,
    )
    return {"data": {"id": tweet.id, "text": body.text, "edit_history_tweet_ids": [tweet.id]}}


@router.post(
    "/2/dm_conversations/with/{participant_id}/messages",
    status_code=status.HTTP_201_CREATED,
    summary="Send a direct message to one user",
)
async def send_direct_message(
    *,
    participant_id: str,
    body: CreateMessageRequest,
    request: Request,
    response: Response,
    context: Context,
    token: V2User,
) -> Any:
    rate_limit(request, response, context, "dm_events", token.user_id)
    message = sending.send_direct_message(
        context.world,
        context.dispatcher,
        context.world.users[token.user_id],
        participant_id,
        body.text,
    )
    return {"data": {"dm_conversation_id": message.conversation_id, "dm_event_id": message.id}}
