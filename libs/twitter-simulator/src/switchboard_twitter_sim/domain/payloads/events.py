"""The other Account Activity envelopes: likes, deletions, direct messages, revocation."""

from datetime import datetime
from typing import Any

from switchboard_twitter_sim.domain.model import App, DirectMessage, User
from switchboard_twitter_sim.domain.payloads.entities import dm_entities
from switchboard_twitter_sim.domain.payloads.formats import epoch_millis, v1_date
from switchboard_twitter_sim.domain.payloads.users import dm_user, v1_user


def favorite_envelope(
    for_user_id: str,
    *,
    favorite_id: str,
    at: datetime,
    favorited_status: dict[str, Any],
    liker: User,
) -> dict[str, Any]:
    return {
        "for_user_id": for_user_id,
        "favorite_events": [
            {
                "id": favorite_id,
                "created_at": v1_date(at),
                "timestamp_ms": epoch_millis(at),  # a number here, a string in tweets
                "favorited_status": favorited_status,
                "user": v1_user(liker),
            }
        ],
    }


def tweet_delete_envelope(
    for_user_id: str, *, tweet_id: str, author_id: str, at: datetime
) -> dict[str, Any]:
    return {
        "for_user_id": for_user_id,
        "tweet_delete_events": [
            {
                "status": {"id": tweet_id, "user_id": author_id},
                "timestamp_ms": str(epoch_millis(at)),
            }
        ],
    }


def direct_message_envelope(
    for_user_id: str, message: DirectMessage, *, sender: User, recipient: User, app: App | None
) -> dict[str, Any]:
    """`app` is the app the message was sent through; Twitter's own clients add none."""
    create: dict[str, Any] = {
        "target": {"recipient_id": message.recipient_id},
        "sender_id": message.sender_id,
    }
    if app is not None:
        create["source_app_id"] = app.id
    create["message_data"] = {"text": message.text, "entities": dm_entities(message.spans)}
    envelope: dict[str, Any] = {
        "for_user_id": for_user_id,
        "direct_message_events": [
            {
                "type": "message_create",
                "id": message.id,
                "created_timestamp": str(epoch_millis(message.created_at)),
                "message_create": create,
            }
        ],
    }
    if app is not None:
        envelope["apps"] = {app.id: {"id": app.id, "name": app.name, "url": app.url}}
    envelope["users"] = {user.id: dm_user(user) for user in (sender, recipient)}
    return envelope


def revoke_envelope(*, user_id: str, app_id: str, at: datetime) -> dict[str, Any]:
    """No `for_user_id`: the revoking user is the `source`."""
    return {
        "user_event": {
            "revoke": {
                "date_time": at.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "target": {"app_id": app_id},
                "source": {"user_id": user_id},
            }
        }
    }
