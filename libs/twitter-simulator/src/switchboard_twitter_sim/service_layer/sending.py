"""The send endpoints' rules: what `POST /2/tweets` and the DM endpoint accept, refuse,
and how they answer, before the send becomes activity (echoed to the account)."""

from datetime import timedelta

from switchboard_twitter_sim.domain import errors
from switchboard_twitter_sim.domain.model import DirectMessage, Tweet, User
from switchboard_twitter_sim.domain.text_entities import MAX_TWEET_LENGTH
from switchboard_twitter_sim.service_layer import activity
from switchboard_twitter_sim.service_layer.delivery import Dispatcher
from switchboard_twitter_sim.service_layer.publishing import publish
from switchboard_twitter_sim.service_layer.world import World

MAX_DM_LENGTH = 10_000
DUPLICATE_WINDOW = timedelta(hours=24)


def create_tweet(
    world: World,
    dispatcher: Dispatcher,
    account: User,
    text: str,
    *,
    in_reply_to_tweet_id: str | None,
    self_serve_rule: bool,
) -> Tweet:
    if not text.strip() or len(text) > MAX_TWEET_LENGTH:
        raise errors.invalid_request(
            f"text must be 1 to {MAX_TWEET_LENGTH} characters", "text", text
        )
    target = None
    if in_reply_to_tweet_id is not None:
        target = world.tweets.get(in_reply_to_tweet_id)
        if target is None or target.deleted:
            raise errors.forbidden(errors.REPLY_TO_DELETED)
        if self_serve_rule and not _author_engaged(world, target, account):
            raise errors.forbidden(errors.REPLY_NOT_ALLOWED)
    tweet, activities = activity.post_tweet(world, account, text, in_reply_to=target, via_app=True)
    if _is_duplicate(world, tweet):
        del world.tweets[tweet.id]
        account.statuses_count -= 1
        raise errors.forbidden(errors.DUPLICATE_CONTENT)
    publish(world, dispatcher, activities)
    return tweet


def send_direct_message(
    world: World, dispatcher: Dispatcher, account: User, participant_id: str, text: str
) -> DirectMessage:
    recipient = world.users.get(participant_id)
    if recipient is None or recipient.id == account.id:
        raise errors.invalid_request(
            "participant_id must be another existing user", "participant_id", participant_id
        )
    if not text.strip() or len(text) > MAX_DM_LENGTH:
        raise errors.invalid_request(f"text must be 1 to {MAX_DM_LENGTH} characters", "text", text)
    message, activities = activity.send_direct_message(
        world, account, recipient, text, via_app=True
    )
    publish(world, dispatcher, activities)
    return message


def _author_engaged(world: World, target: Tweet, account: User) -> bool:
    """Self-serve apps may reply only where the post's author mentioned the account."""
    if target.author_id == account.id:
        return True
    return any(
        account.id in tweet.mentioned_ids
        for tweet in world.tweets.values()
        if tweet.author_id == target.author_id
    )


def _is_duplicate(world: World, new: Tweet) -> bool:
    since = new.created_at - DUPLICATE_WINDOW
    return any(
        tweet.author_id == new.author_id
        and tweet.id != new.id
        and not tweet.deleted
        and tweet.created_at >= since
        and tweet.text == new.text
        for tweet in world.tweets.values()
    )
