"""Things that happen on Twitter, from customers or from the account itself, and the
Account Activity each one produces for the accounts it concerns."""

import uuid

from switchboard_twitter_sim.domain.model import DirectMessage, Tweet, User
from switchboard_twitter_sim.domain.payloads.events import (
    direct_message_envelope,
    favorite_envelope,
    revoke_envelope,
    tweet_delete_envelope,
)
from switchboard_twitter_sim.domain.payloads.tweets import tweet_create_envelope, tweet_object
from switchboard_twitter_sim.domain.text_entities import find_spans, leading_mentions_end
from switchboard_twitter_sim.service_layer.publishing import Activity
from switchboard_twitter_sim.service_layer.world import World


def post_tweet(
    world: World, author: User, text: str, *, in_reply_to: Tweet | None, via_app: bool
) -> tuple[Tweet, list[Activity]]:
    """A reply starts with the replied-to author's @handle, as Twitter fills it in."""
    target_author = world.users[in_reply_to.author_id] if in_reply_to else None
    if target_author is not None and target_author.id != author.id:
        lead = text[: leading_mentions_end(text, find_spans(text, world.find_handle))]
        if f"@{target_author.screen_name.lower()}" not in lead.lower():
            text = f"@{target_author.screen_name} {text}"
    spans = find_spans(text, world.find_handle)
    if target_author is None and spans and spans[0].kind == "mention" and spans[0].start == 0:
        # A tweet that starts with @handle is addressed to that user, though no reply.
        target_author = world.users[spans[0].user_id or ""]
    tweet = Tweet(
        id=world.ids.next(),
        author_id=author.id,
        text=text,
        created_at=world.clock.now(),
        spans=spans,
        in_reply_to_tweet_id=in_reply_to.id if in_reply_to else None,
        in_reply_to_user_id=target_author.id if target_author else None,
        in_reply_to_screen_name=target_author.screen_name if target_author else None,
        via_app=via_app,
    )
    tweet.audience = frozenset({author.id, *tweet.mentioned_ids})
    world.tweets[tweet.id] = tweet
    author.statuses_count += 1
    body = tweet_object(tweet, author, app=world.app if via_app else None)
    activities = [
        Activity(
            account_id,
            "tweet_create_events",
            tweet_create_envelope(account_id, body, from_other_user=account_id != author.id),
        )
        for account_id in sorted(tweet.audience)
    ]
    return tweet, activities


def like(world: World, liker: User, tweet: Tweet) -> list[Activity]:
    tweet.favorite_count += 1
    liker.favourites_count += 1
    author = world.users[tweet.author_id]
    status = tweet_object(tweet, author, app=world.app if tweet.via_app else None)
    del status["timestamp_ms"]  # the liked status carries none
    favorite_id = uuid.uuid4().hex
    now = world.clock.now()
    return [
        Activity(
            account_id,
            "favorite_events",
            favorite_envelope(
                account_id, favorite_id=favorite_id, at=now, favorited_status=status, liker=liker
            ),
        )
        for account_id in sorted({author.id, liker.id})
    ]


def delete_tweet(world: World, tweet: Tweet) -> list[Activity]:
    tweet.deleted = True
    now = world.clock.now()
    return [
        Activity(
            account_id,
            "tweet_delete_events",
            tweet_delete_envelope(account_id, tweet_id=tweet.id, author_id=tweet.author_id, at=now),
        )
        for account_id in sorted(tweet.audience)
    ]


def send_direct_message(
    world: World, sender: User, recipient: User, text: str, *, via_app: bool
) -> tuple[DirectMessage, list[Activity]]:
    message = DirectMessage(
        id=world.ids.next(),
        sender_id=sender.id,
        recipient_id=recipient.id,
        text=text,
        created_at=world.clock.now(),
        spans=find_spans(text, world.find_handle),
        via_app=via_app,
    )
    world.messages.append(message)
    app = world.app if via_app else None
    activities = [
        Activity(
            account_id,
            "direct_message_events",
            direct_message_envelope(
                account_id, message, sender=sender, recipient=recipient, app=app
            ),
        )
        for account_id in sorted({sender.id, recipient.id})
    ]
    return message, activities


def revoke_app(world: World, user: User) -> list[Activity]:
    """The user withdraws the app's access: every token dies; the event goes out on the
    subscriptions the user had, which end with it."""
    for token in world.access_tokens.values():
        if token.user_id == user.id:
            token.revoked = True
    world.approved_user_ids.discard(user.id)
    body = revoke_envelope(user_id=user.id, app_id=world.app.id, at=world.clock.now())
    return [Activity(user.id, "user_event", body)]


def end_subscriptions(world: World, user: User) -> None:
    for hook in world.subscribed_webhooks(user.id):
        del hook.subscriptions[user.id]
