"""`tweet_create_events`: v1.1 tweet objects (mentions, replies, quotes, retweets, echoes)."""

from switchboard_contracts.events.twitter import MediaRef, TwitterUser
from switchboard_ingest.domain import reading
from switchboard_ingest.domain.model import Outcome, Source
from switchboard_ingest.domain.reading import Json
from switchboard_ingest.domain.tweets import TweetFacts, tweet_received


def parse(source: Source, value: object, body: Json) -> list[Outcome]:
    blocked = reading.flag(body.get("user_has_blocked"), "user_has_blocked")
    return [
        tweet_received(source, read_tweet(tweet, user_has_blocked=blocked))
        for tweet in reading.objects(value, "tweet_create_events")
    ]


def read_tweet(tweet: Json, *, user_has_blocked: bool | None = None) -> TweetFacts:
    author = reading.obj(tweet.get("user"), "a tweet's user")
    # A truncated tweet (over 140 characters) carries its text, entities and media in
    # extended_tweet; without it, the truncated text is still better than refusing.
    extended = reading.optional_obj(tweet.get("extended_tweet"), "extended_tweet")
    full = extended if reading.flag(tweet.get("truncated"), "truncated") and extended else tweet
    text_field = "full_text" if full is extended else "text"
    return TweetFacts(
        tweet_id=reading.id_of(tweet, "a tweet"),
        author=TwitterUser(
            id=reading.id_of(author, "a tweet's user"),
            screen_name=reading.optional_text(author.get("screen_name"), "screen_name"),
            name=reading.optional_text(author.get("name"), "name"),
        ),
        text=reading.text(full.get(text_field), f"a tweet's {text_field}"),
        created_at=reading.tweet_time(tweet.get("created_at"), "a tweet's created_at"),
        in_reply_to_tweet_id=reading.optional_twitter_id(
            tweet.get("in_reply_to_status_id_str"), "in_reply_to_status_id_str"
        ),
        in_reply_to_user_id=reading.optional_twitter_id(
            tweet.get("in_reply_to_user_id_str"), "in_reply_to_user_id_str"
        ),
        quoted_tweet_id=reading.optional_twitter_id(
            tweet.get("quoted_status_id_str"), "quoted_status_id_str"
        ),
        addressed_to=_leading_mentions(full),
        media=_media(full, tweet),
        retweet=tweet.get("retweeted_status") is not None,
        user_has_blocked=user_has_blocked,
    )


def _leading_mentions(tweet: Json) -> tuple[str, ...]:
    """The users a reply addresses: mentions before `display_text_range` starts."""
    shown = tweet.get("display_text_range")
    start = shown[0] if isinstance(shown, list) and shown and isinstance(shown[0], int) else 0
    entities = reading.optional_obj(tweet.get("entities"), "a tweet's entities")
    mentions = reading.optional_objects(entities.get("user_mentions"), "user_mentions")
    return tuple(
        reading.id_of(mention, "a user mention")
        for mention in mentions
        if _ends_before(mention.get("indices"), start)
    )


def _ends_before(indices: object, start: int) -> bool:
    return (
        isinstance(indices, list)
        and len(indices) == 2  # noqa: PLR2004 - [start, end]
        and isinstance(indices[1], int)
        and indices[1] <= start
    )


def _media(full: Json, tweet: Json) -> tuple[MediaRef, ...]:
    """Media as references (the bytes stay on Twitter): extended_entities has them all."""
    for holder in (full, tweet):
        for entities_key in ("extended_entities", "entities"):
            entities = reading.optional_obj(holder.get(entities_key), entities_key)
            items = reading.optional_objects(entities.get("media"), f"{entities_key}.media")
            if items:
                return tuple(ref for item in items if (ref := media_ref(item)) is not None)
    return ()


def media_ref(item: Json) -> MediaRef | None:
    """One v1.1 media object (tweets and DMs alike); without any URL there is nothing
    to refer to."""
    url = next(
        (
            reading.text(item[key], f"media {key}")
            for key in ("media_url_https", "media_url", "url", "expanded_url")
            if item.get(key) is not None
        ),
        None,
    )
    if url is None:
        return None
    media_id = item.get("id_str")
    return MediaRef(
        media_id=reading.optional_twitter_id(media_id, "a media id_str"),
        type=reading.optional_text(item.get("type"), "a media type") or "photo",
        url=url,
    )
