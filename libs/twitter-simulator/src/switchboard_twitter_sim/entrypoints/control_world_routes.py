"""`/_sim/...`: the control API's side of the world. Tests and the demo create users,
make customers tweet, reply, like, delete and send DMs, revoke the app, and read what an
account sent. Not part of Twitter's API; errors use Switchboard's shape."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from switchboard_platform.http.errors import ApiError
from switchboard_twitter_sim.control_models import (
    AccessTokenOut,
    AuthorizationScript,
    BrowserSession,
    Count,
    NewDirectMessage,
    NewTweet,
    NewUser,
    Sent,
    SimDirectMessage,
    SimTweet,
    SimUser,
    UserRef,
)
from switchboard_twitter_sim.domain.text_entities import MAX_TWEET_LENGTH
from switchboard_twitter_sim.entrypoints.context import Context, SimContext
from switchboard_twitter_sim.entrypoints.control_views import message_view, tweet_view, user_view
from switchboard_twitter_sim.service_layer import activity, oauth_flow
from switchboard_twitter_sim.service_layer.publishing import Activity, publish
from switchboard_twitter_sim.service_layer.world import ScriptedDecision

router = APIRouter(prefix="/_sim", tags=["simulator control: world"])
Wait = Annotated[bool, Query(description="Return after the webhook deliveries were attempted")]


async def _publish(context: SimContext, activities: list[Activity], *, wait: bool) -> None:
    publish(context.world, context.dispatcher, activities)
    if wait:
        await context.dispatcher.drain()


@router.post("/users", status_code=status.HTTP_201_CREATED, summary="Create a user")
async def create_user(body: NewUser, context: Context) -> SimUser:
    user = context.world.add_user(body.screen_name, name=body.name, user_id=body.user_id)
    return user_view(user)


@router.get("/users", summary="Every user")
async def list_users(context: Context) -> list[SimUser]:
    return [user_view(user) for user in context.world.users.values()]


@router.get("/users/{user}", summary="One user, by id or screen name")
async def get_user(user: str, context: Context) -> SimUser:
    return user_view(context.world.user(user))


@router.post("/users/{user}/tokens", summary="An access token for the app (the portal's way)")
async def issue_token(user: str, context: Context) -> AccessTokenOut:
    account = context.world.user(user)
    token = oauth_flow.issue_access_token(context.world, account)
    return AccessTokenOut(
        oauth_token=token.token,
        oauth_token_secret=token.secret,
        user_id=account.id,
        screen_name=account.screen_name,
    )


@router.post("/users/{user}/revoke", summary="The user revokes the app")
async def revoke_app(user: str, context: Context, wait: Wait = True) -> Count:  # noqa: FBT002
    account = context.world.user(user)
    activities = activity.revoke_app(context.world, account)
    publish(context.world, context.dispatcher, activities)
    activity.end_subscriptions(context.world, account)
    if wait:
        await context.dispatcher.drain()
    return Count(count=len(activities))


@router.get("/users/{user}/sent", summary="What the user tweeted and sent (e.g. replies)")
async def sent(user: str, context: Context) -> Sent:
    account = context.world.user(user)
    tweets = [t for t in context.world.tweets.values() if t.author_id == account.id]
    messages = [m for m in context.world.messages if m.sender_id == account.id]
    return Sent(
        tweets=[tweet_view(t) for t in tweets],
        direct_messages=[message_view(m) for m in messages],
    )


@router.post("/tweets", status_code=status.HTTP_201_CREATED, summary="A user tweets")
async def post_tweet(body: NewTweet, context: Context, wait: Wait = True) -> SimTweet:  # noqa: FBT002
    world = context.world
    author = world.user(body.author)
    target = world.tweet(body.in_reply_to) if body.in_reply_to else None
    if not body.text.strip() or len(body.text) > MAX_TWEET_LENGTH:
        raise ApiError(422, f"text must be 1 to {MAX_TWEET_LENGTH} characters", field="text")
    tweet, activities = activity.post_tweet(
        world, author, body.text, in_reply_to=target, via_app=False
    )
    await _publish(context, activities, wait=wait)
    return tweet_view(tweet)


@router.get("/tweets/{tweet_id}", summary="One tweet")
async def get_tweet(tweet_id: str, context: Context) -> SimTweet:
    return tweet_view(context.world.tweet(tweet_id))


@router.post("/tweets/{tweet_id}/likes", summary="A user likes a tweet")
async def like(tweet_id: str, body: UserRef, context: Context, wait: Wait = True) -> Count:  # noqa: FBT002
    activities = activity.like(
        context.world, context.world.user(body.user), context.world.tweet(tweet_id)
    )
    await _publish(context, activities, wait=wait)
    return Count(count=len(activities))


@router.delete("/tweets/{tweet_id}", summary="The author deletes a tweet")
async def delete_tweet(tweet_id: str, context: Context, wait: Wait = True) -> Count:  # noqa: FBT002
    activities = activity.delete_tweet(context.world, context.world.tweet(tweet_id))
    await _publish(context, activities, wait=wait)
    return Count(count=len(activities))


@router.post("/direct_messages", status_code=status.HTTP_201_CREATED, summary="A user sends a DM")
async def send_dm(body: NewDirectMessage, context: Context, wait: Wait = True) -> SimDirectMessage:  # noqa: FBT002
    world = context.world
    sender, recipient = world.user(body.sender), world.user(body.recipient)
    if sender.id == recipient.id or not body.text.strip():
        raise ApiError(422, "a DM needs two different users and a text", field="text")
    message, activities = activity.send_direct_message(
        world, sender, recipient, body.text, via_app=False
    )
    await _publish(context, activities, wait=wait)
    return message_view(message)


@router.post("/oauth/script", summary="Decide the next authorize-page visit without a person")
async def script_authorization(body: AuthorizationScript, context: Context) -> Count:
    approve_as = context.world.user(body.approve_as).id if body.approve_as else None
    context.world.script.append(ScriptedDecision(approve_as))
    return Count(count=len(context.world.script))


@router.put("/browser", summary="Who is signed in to Twitter in the browser")
async def browser(body: BrowserSession, context: Context) -> BrowserSession:
    world = context.world
    world.browser_user_id = world.user(body.screen_name).id if body.screen_name else None
    return body
