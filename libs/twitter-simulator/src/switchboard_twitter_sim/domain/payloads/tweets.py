"""Tweet objects in the v1.1 shape Account Activity delivers, and their envelope.

Tweets longer than 140 characters arrive in compatibility mode, as on the real service:
`truncated: true`, the text cut to 140 with a link to the status, and the whole tweet
in `extended_tweet` (see `aaa_tweet_create_extended_tweet.json`).
"""

import hashlib
import string
from typing import Any

from switchboard_twitter_sim.domain.model import App, Tweet, User
from switchboard_twitter_sim.domain.payloads.entities import link_entity, tweet_entities
from switchboard_twitter_sim.domain.payloads.formats import (
    WEB_CLIENT_SOURCE,
    app_source,
    epoch_millis,
    v1_date,
)
from switchboard_twitter_sim.domain.payloads.users import v1_user
from switchboard_twitter_sim.domain.text_entities import COMPAT_LENGTH, leading_mentions_end

_KEPT_CHARS = COMPAT_LENGTH - 25  # "…", a space and a 23-character t.co link follow


def tweet_object(
    tweet: Tweet, author: User, *, app: App | None, with_timestamp: bool = True
) -> dict[str, Any]:
    """`app` is the app the tweet was posted through (None: Twitter's own web client)."""
    truncated = len(tweet.text) > COMPAT_LENGTH
    display_start = leading_mentions_end(tweet.text, tweet.spans)
    body: dict[str, Any] = {
        "created_at": v1_date(tweet.created_at),
        "id": int(tweet.id),
        "id_str": tweet.id,
        "text": _compat_text(tweet) if truncated else tweet.text,
    }
    if display_start and not truncated:
        body["display_text_range"] = [display_start, len(tweet.text)]
    body |= {
        "source": app_source(app.name, app.url) if app else WEB_CLIENT_SOURCE,
        "truncated": truncated,
        "in_reply_to_status_id": _int(tweet.in_reply_to_tweet_id),
        "in_reply_to_status_id_str": tweet.in_reply_to_tweet_id,
        "in_reply_to_user_id": _int(tweet.in_reply_to_user_id),
        "in_reply_to_user_id_str": tweet.in_reply_to_user_id,
        "in_reply_to_screen_name": tweet.in_reply_to_screen_name,
        "user": v1_user(author),
        "geo": None,
        "coordinates": None,
        "place": None,
        "contributors": None,
        "is_quote_status": False,
    }
    if truncated:
        body["extended_tweet"] = {
            "full_text": tweet.text,
            "display_text_range": [display_start, len(tweet.text)],
            "entities": tweet_entities(tweet.spans),
        }
    body |= {
        "quote_count": 0,
        "reply_count": 0,
        "retweet_count": 0,
        "favorite_count": tweet.favorite_count,
        "entities": _compat_entities(tweet) if truncated else tweet_entities(tweet.spans),
        "favorited": False,
        "retweeted": False,
    }
    if any(span.kind == "url" for span in tweet.spans):
        body["possibly_sensitive"] = False
    body |= {"filter_level": "low", "lang": "en"}
    if with_timestamp:
        body["timestamp_ms"] = str(epoch_millis(tweet.created_at))
    return body


def tweet_create_envelope(
    for_user_id: str, tweet: dict[str, Any], *, from_other_user: bool
) -> dict[str, Any]:
    envelope: dict[str, Any] = {"for_user_id": for_user_id}
    if from_other_user:  # present on mentions and replies by others
        envelope["user_has_blocked"] = False
    envelope["tweet_create_events"] = [tweet]
    return envelope


def status_link(tweet_id: str) -> str:
    """A stable, t.co-looking short link for the status."""
    digest = hashlib.sha256(tweet_id.encode()).digest()
    alphabet = string.ascii_letters + string.digits
    return "https://t.co/" + "".join(alphabet[b % len(alphabet)] for b in digest[:10])


def _compat_text(tweet: Tweet) -> str:
    return f"{tweet.text[:_KEPT_CHARS]}\u2026 {status_link(tweet.id)}"


def _compat_entities(tweet: Tweet) -> dict[str, Any]:
    kept = tuple(span for span in tweet.spans if span.end <= _KEPT_CHARS)
    entities = tweet_entities(kept)
    expanded = f"https://twitter.com/i/web/status/{tweet.id}"
    display = f"twitter.com/i/web/status/{tweet.id[0]}\u2026"
    entities["urls"].append(link_entity(status_link(tweet.id), expanded, display, _KEPT_CHARS + 2))
    return entities


def _int(value: str | None) -> int | None:
    return None if value is None else int(value)
