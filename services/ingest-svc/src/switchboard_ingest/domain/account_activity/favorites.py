"""`favorite_events`: someone liked one of the account's tweets, or the account liked one."""

from switchboard_contracts.events.twitter import TweetFavorited, TweetFavoritedPayload, TwitterUser
from switchboard_ingest.domain import reading
from switchboard_ingest.domain.model import MalformedDeliveryError, Outcome, Source, keyed_event
from switchboard_ingest.domain.reading import Json


def parse(source: Source, value: object, body: Json) -> list[Outcome]:
    del body
    return [_favorite(source, item) for item in reading.objects(value, "favorite_events")]


def _favorite(source: Source, item: Json) -> Outcome:
    favorite_id = reading.text(item.get("id"), "a favorite's id")  # hex, not a Twitter id
    if not favorite_id:
        raise MalformedDeliveryError("a favorite's id is empty")
    liker = reading.obj(item.get("user"), "a favorite's user")
    tweet = reading.obj(item.get("favorited_status"), "favorited_status")
    author = reading.obj(tweet.get("user"), "favorited_status.user")
    liker_id = reading.id_of(liker, "a favorite's user")
    author_id = reading.id_of(author, "favorited_status.user")
    account = source.account_id
    from_account = liker_id == account
    other = author_id if from_account else liker_id
    customer = None if other == account else other  # None: the account liked its own tweet
    # timestamp_ms is a number here (a string in tweets); created_at has only seconds.
    stamp = item.get("timestamp_ms")
    favorited_at = (
        reading.epoch_ms(stamp, "a favorite's timestamp_ms")
        if stamp is not None
        else reading.tweet_time(item.get("created_at"), "a favorite's created_at")
    )
    payload = TweetFavoritedPayload(
        account_id=account,
        tweet_id=reading.id_of(tweet, "favorited_status"),
        user=TwitterUser(
            id=liker_id,
            screen_name=reading.optional_text(liker.get("screen_name"), "screen_name"),
            name=reading.optional_text(liker.get("name"), "name"),
        ),
        favorited_at=favorited_at,
        customer_id=customer,
        from_account=from_account,
    )
    return keyed_event(
        TweetFavorited,
        source=source,
        kind="favorite",
        twitter_id=favorite_id,
        occurred_at=favorited_at,
        actor_id=liker_id,
        customer_id=customer,
        payload=payload,
    )
