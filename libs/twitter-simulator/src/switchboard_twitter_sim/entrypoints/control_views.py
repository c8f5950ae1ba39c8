"""Records of the simulated world as control-API bodies."""

import json

from switchboard_twitter_sim.control_models import (
    DeliveryRecord,
    SimDirectMessage,
    SimTweet,
    SimUser,
)
from switchboard_twitter_sim.domain.model import DirectMessage, Tweet, User
from switchboard_twitter_sim.service_layer.delivery import Attempt


def user_view(user: User) -> SimUser:
    return SimUser(id=user.id, screen_name=user.screen_name, name=user.name)


def tweet_view(tweet: Tweet) -> SimTweet:
    return SimTweet(
        id=tweet.id,
        author_id=tweet.author_id,
        text=tweet.text,
        created_at=tweet.created_at,
        in_reply_to_tweet_id=tweet.in_reply_to_tweet_id,
        in_reply_to_user_id=tweet.in_reply_to_user_id,
        via_app=tweet.via_app,
        deleted=tweet.deleted,
    )


def message_view(message: DirectMessage) -> SimDirectMessage:
    return SimDirectMessage(
        id=message.id,
        dm_conversation_id=message.conversation_id,
        sender_id=message.sender_id,
        recipient_id=message.recipient_id,
        text=message.text,
        created_at=message.created_at,
        via_app=message.via_app,
    )


def attempt_view(attempt: Attempt) -> DeliveryRecord:
    return DeliveryRecord(
        delivery_id=attempt.delivery_id,
        webhook_id=attempt.webhook_id,
        url=attempt.url,
        for_user_id=attempt.for_user_id,
        kind=attempt.kind,
        attempt=attempt.attempt,
        status_code=attempt.status_code,
        error=attempt.error,
        succeeded=attempt.succeeded,
        at=attempt.at,
        body=json.loads(attempt.body),
    )
