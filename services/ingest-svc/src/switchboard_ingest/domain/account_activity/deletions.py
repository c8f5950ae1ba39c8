"""`tweet_delete_events`: a tweet the account can see was deleted (compliance)."""

from switchboard_contracts.events.twitter import TweetDeleted, TweetDeletedPayload
from switchboard_ingest.domain import reading
from switchboard_ingest.domain.model import Outcome, Source, keyed_event
from switchboard_ingest.domain.reading import Json


def parse(source: Source, value: object, body: Json) -> list[Outcome]:
    del body
    return [_deletion(source, item) for item in reading.objects(value, "tweet_delete_events")]


def _deletion(source: Source, item: Json) -> Outcome:
    status = reading.obj(item.get("status"), "a deletion's status")
    tweet_id = reading.id_of(status, "a deleted status")
    user_id = reading.twitter_id(
        status.get("user_id_str", status.get("user_id")), "a deleted status's user_id"
    )
    deleted_at = reading.epoch_ms(item.get("timestamp_ms"), "a deletion's timestamp_ms")
    # The customer's tweet: in the customer's conversation. The account's own tweet: the
    # delivery does not say to whom it was, so the event is account-level.
    customer = None if user_id == source.account_id else user_id
    return keyed_event(
        TweetDeleted,
        source=source,
        kind="tweet_delete",
        twitter_id=tweet_id,
        occurred_at=deleted_at,
        actor_id=user_id,
        customer_id=customer,
        payload=TweetDeletedPayload(
            account_id=source.account_id, tweet_id=tweet_id, user_id=user_id, deleted_at=deleted_at
        ),
    )
