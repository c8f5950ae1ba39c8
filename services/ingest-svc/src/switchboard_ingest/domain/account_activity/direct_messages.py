"""`direct_message_events`: customer DMs, and the account's own DMs (echoes).

The X Activity API's `dm.received`/`dm.sent` carry the same event objects, so its parser
uses this one too; only the shape of the `users` map differs (see `user`).
"""

from switchboard_contracts.events.twitter import (
    DirectMessageReceived,
    DirectMessageReceivedPayload,
    MediaRef,
    TwitterUser,
)
from switchboard_ingest.domain import reading
from switchboard_ingest.domain.account_activity.tweets import media_ref
from switchboard_ingest.domain.model import (
    Dropped,
    MalformedDeliveryError,
    Outcome,
    Source,
    keyed_event,
)
from switchboard_ingest.domain.reading import Json


def parse(source: Source, value: object, body: Json) -> list[Outcome]:
    return parse_events(source, value, users=body.get("users"))


def parse_events(source: Source, value: object, *, users: object) -> list[Outcome]:
    known = reading.optional_obj(users, "users")
    return [
        _message(source, item, known) for item in reading.objects(value, "direct_message_events")
    ]


def _message(source: Source, item: Json, users: Json) -> Outcome:
    if item.get("type") != "message_create":
        return Dropped("dm_not_a_message")  # no other type exists today; kept raw only
    create = reading.obj(item.get("message_create"), "message_create")
    data = reading.obj(create.get("message_data"), "message_data")
    dm_id = reading.twitter_id(item.get("id"), "a direct message's id")
    sender_id = reading.twitter_id(create.get("sender_id"), "sender_id")
    target = reading.obj(create.get("target"), "target")
    recipient_id = reading.twitter_id(target.get("recipient_id"), "recipient_id")
    account = source.account_id
    if sender_id == recipient_id:
        return Dropped("dm_to_self")
    if account not in {sender_id, recipient_id}:
        raise MalformedDeliveryError("a direct message neither to nor from the account")
    from_account = sender_id == account
    customer = recipient_id if from_account else sender_id
    created_at = reading.epoch_ms(item.get("created_timestamp"), "created_timestamp")
    payload = DirectMessageReceivedPayload(
        account_id=account,
        dm_event_id=dm_id,
        sender=user(users, sender_id),
        recipient_id=recipient_id,
        customer_id=customer,
        text=reading.text(data.get("text"), "message_data.text"),
        created_at=created_at,
        from_account=from_account,
        source_app_id=reading.optional_text(create.get("source_app_id"), "source_app_id"),
        media=_media(data),
    )
    return keyed_event(
        DirectMessageReceived,
        source=source,
        kind="direct_message",
        twitter_id=dm_id,
        occurred_at=created_at,
        actor_id=sender_id,
        customer_id=customer,
        payload=payload,
    )


def user(users: Json, user_id: str) -> TwitterUser:
    """A user from a delivery's `users` map: Account Activity has `{id, screen_name, name}`,
    the X Activity API `{"data": {id, username, name}}`. Unknown users keep only their id."""
    entry = reading.optional_obj(users.get(user_id), "a users entry")
    entry = reading.optional_obj(entry.get("data"), "a users entry's data") or entry
    handle = entry.get("screen_name", entry.get("username"))
    return TwitterUser(
        id=user_id,
        screen_name=reading.optional_text(handle, "a user's screen_name"),
        name=reading.optional_text(entry.get("name"), "a user's name"),
    )


def _media(data: Json) -> tuple[MediaRef, ...]:
    """A DM has at most one attachment (`attachment`, singular)."""
    attachment = reading.optional_obj(data.get("attachment"), "attachment")
    media = reading.optional_obj(attachment.get("media"), "attachment.media")
    ref = media_ref(media) if media else None
    return (ref,) if ref is not None else ()
