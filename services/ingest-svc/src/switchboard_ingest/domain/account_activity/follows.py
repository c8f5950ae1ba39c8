"""`follow_events` (and `unfollow_events`): the account and another user, following."""

from switchboard_contracts.events.twitter import TwitterUser, UserFollowed, UserFollowedPayload
from switchboard_ingest.domain import reading
from switchboard_ingest.domain.model import MalformedDeliveryError, Outcome, Source, keyed_event
from switchboard_ingest.domain.reading import Json

ACTIONS = ("follow", "unfollow")


def parse(source: Source, value: object, body: Json) -> list[Outcome]:
    del body
    return [_follow(source, item) for item in reading.objects(value, "follow_events")]


def _follow(source: Source, item: Json) -> Outcome:
    action = item.get("type")
    if action not in ACTIONS:
        raise MalformedDeliveryError("a follow event's type is not follow or unfollow")
    follower = _user(item.get("source"), "a follow event's source")
    followed = _user(item.get("target"), "a follow event's target")
    account = source.account_id
    if account not in {follower.id, followed.id} or follower.id == followed.id:
        raise MalformedDeliveryError("a follow event does not involve the account and another")
    from_account = follower.id == account
    customer = followed.id if from_account else follower.id
    stamp = item.get("created_timestamp")
    occurred_at = reading.epoch_ms(stamp, "a follow event's created_timestamp")
    payload = UserFollowedPayload(
        account_id=account,
        action=action,
        source=follower,
        target=followed,
        occurred_at=occurred_at,
        customer_id=customer,
        from_account=from_account,
    )
    # A follow has no id of its own: who, whom, which way and when identify it.
    return keyed_event(
        UserFollowed,
        source=source,
        kind="follow",
        twitter_id=f"{action}:{follower.id}:{followed.id}:{stamp}",
        occurred_at=occurred_at,
        actor_id=follower.id,
        customer_id=customer,
        payload=payload,
    )


def _user(value: object, what: str) -> TwitterUser:
    user = reading.obj(value, what)
    return TwitterUser(
        id=reading.id_of(user, what),
        screen_name=reading.optional_text(user.get("screen_name"), f"{what}'s screen_name"),
        name=reading.optional_text(user.get("name"), f"{what}'s name"),
    )
