"""A tweet, whichever webhook API delivered it, becomes one `twitter.tweet.received`.

Both Account Activity (v1.1 tweet objects) and the X Activity API (v2 posts) are read into
`TweetFacts`; the rules below then decide, in one place, who the customer is, what the
relation is, and what is dropped.
"""

from dataclasses import dataclass
from datetime import datetime

from switchboard_contracts.events.twitter import (
    MediaRef,
    TweetReceived,
    TweetReceivedPayload,
    TwitterUser,
)
from switchboard_ingest.domain.model import Dropped, Outcome, Source, keyed_event


@dataclass(frozen=True)
class TweetFacts:
    tweet_id: str
    author: TwitterUser
    text: str
    created_at: datetime
    in_reply_to_tweet_id: str | None
    in_reply_to_user_id: str | None
    quoted_tweet_id: str | None
    addressed_to: tuple[str, ...]  # the leading @mentions, before the displayed text
    media: tuple[MediaRef, ...]
    retweet: bool = False
    user_has_blocked: bool | None = None


def tweet_received(source: Source, tweet: TweetFacts) -> Outcome:
    if tweet.retweet:
        return Dropped("retweet")  # a retweet is not something a customer said to us
    account = source.account_id
    from_account = tweet.author.id == account
    if from_account:
        # An echo: the account's own tweet belongs to the conversation of the user it
        # answers; a reply in its own thread, to the users it addresses.
        customer = next(
            (
                user
                for user in (tweet.in_reply_to_user_id, *tweet.addressed_to)
                if user is not None and user != account
            ),
            None,
        )
        if customer is None:
            return Dropped("own_tweet_to_nobody")  # a broadcast: no customer, no conversation
        relation = "own"
    else:
        customer = tweet.author.id
        # Only a tweet that answers a status is a reply; one that merely starts with
        # @handle carries in_reply_to_user_id but no status id, and is a mention.
        relation = "reply" if tweet.in_reply_to_tweet_id is not None else "mention"
    payload = TweetReceivedPayload(
        account_id=account,
        tweet_id=tweet.tweet_id,
        author=tweet.author,
        customer_id=customer,
        text=tweet.text,
        created_at=tweet.created_at,
        relation=relation,
        in_reply_to_tweet_id=tweet.in_reply_to_tweet_id,
        in_reply_to_user_id=tweet.in_reply_to_user_id,
        quoted_tweet_id=tweet.quoted_tweet_id,
        from_account=from_account,
        media=tweet.media,
        user_has_blocked=tweet.user_has_blocked,
    )
    return keyed_event(
        TweetReceived,
        source=source,
        kind="tweet",
        twitter_id=tweet.tweet_id,
        occurred_at=tweet.created_at,
        actor_id=tweet.author.id,
        customer_id=customer,
        payload=payload,
    )
