"""User objects: the full v1.1 user of tweets and likes, and the short entry of the
`users` map on direct-message deliveries."""

from typing import Any

from switchboard_twitter_sim.domain.model import User
from switchboard_twitter_sim.domain.payloads.formats import epoch_millis, v1_date, v2_date


def v1_user(user: User) -> dict[str, Any]:
    return {
        "id": int(user.id),
        "id_str": user.id,
        "name": user.name,
        "screen_name": user.screen_name,
        "location": user.location or None,
        "url": user.url,
        "description": user.description or None,
        "translator_type": "none",
        "protected": user.protected,
        "verified": user.verified,
        "followers_count": user.followers_count,
        "friends_count": user.friends_count,
        "listed_count": 0,
        "favourites_count": user.favourites_count,
        "statuses_count": user.statuses_count,
        "created_at": v1_date(user.created_at),
        "utc_offset": None,
        "time_zone": None,
        "geo_enabled": False,
        "lang": None,
        "contributors_enabled": False,
        "is_translator": False,
        "profile_background_color": "F5F8FA",
        "profile_background_image_url": "",
        "profile_background_image_url_https": "",
        "profile_background_tile": False,
        "profile_link_color": "1DA1F2",
        "profile_sidebar_border_color": "C0DEED",
        "profile_sidebar_fill_color": "DDEEF6",
        "profile_text_color": "333333",
        "profile_use_background_image": True,
        "profile_image_url": _http(user.profile_image_url_https),
        "profile_image_url_https": user.profile_image_url_https,
        "default_profile": True,
        "default_profile_image": False,
        "following": None,
        "follow_request_sent": None,
        "notifications": None,
    }


def dm_user(user: User) -> dict[str, Any]:
    """Twitter leaves empty profile fields out of this shorter object."""
    entry: dict[str, Any] = {
        "id": user.id,
        "created_timestamp": str(epoch_millis(user.created_at)),
        "name": user.name,
        "screen_name": user.screen_name,
    }
    entry |= {
        key: value
        for key, value in (
            ("location", user.location),
            ("description", user.description),
            ("url", user.url),
        )
        if value
    }
    return entry | {
        "protected": user.protected,
        "verified": user.verified,
        "followers_count": user.followers_count,
        "friends_count": user.friends_count,
        "statuses_count": user.statuses_count,
        "profile_image_url": _http(user.profile_image_url_https),
        "profile_image_url_https": user.profile_image_url_https,
    }


def _http(url: str) -> str:
    return "http://" + url.removeprefix("https://")


# The `user.fields` a v2 user object may be asked for (id, name, username always come).
V2_USER_FIELDS = frozenset(
    {
        "created_at",
        "description",
        "location",
        "profile_image_url",
        "protected",
        "public_metrics",
        "url",
        "verified",
    }
)


def v2_user(user: User, fields: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A v2 user object (`GET /2/users/me`): `id`, `name`, `username`, and what
    `user.fields` asked for."""
    available: dict[str, Any] = {
        "created_at": v2_date(user.created_at),
        "description": user.description,
        "location": user.location or None,
        "profile_image_url": user.profile_image_url_https,
        "protected": user.protected,
        "public_metrics": {
            "followers_count": user.followers_count,
            "following_count": user.friends_count,
            "tweet_count": user.statuses_count,
            "listed_count": 0,
            "like_count": user.favourites_count,
        },
        "url": user.url or "",
        "verified": user.verified,
    }
    data: dict[str, Any] = {"id": user.id, "name": user.name, "username": user.screen_name}
    for name in sorted(fields):
        if available[name] is not None:
            data[name] = available[name]
    return data
