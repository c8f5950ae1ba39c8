"""`post.mention.create` and `post.reply.create`: v2 posts, read into the same `TweetFacts`
as Account Activity tweets, so both APIs yield the same event for the same tweet."""

from switchboard_contracts.events.twitter import MediaRef, TwitterUser
from switchboard_ingest.domain import reading
from switchboard_ingest.domain.reading import Json
from switchboard_ingest.domain.tweets import TweetFacts


def read_post(post: Json, includes: Json) -> TweetFacts:
    author_id = reading.twitter_id(post.get("author_id"), "a post's author_id")
    references = {
        reading.text(ref.get("type"), "a referenced tweet's type"): reading.twitter_id(
            ref.get("id"), "a referenced tweet's id"
        )
        for ref in reading.optional_objects(post.get("referenced_tweets"), "referenced_tweets")
    }
    # A long post keeps its full text in note_tweet; `text` then holds the first part.
    note = reading.optional_obj(post.get("note_tweet"), "note_tweet")
    full_text = note.get("text") if note.get("text") is not None else post.get("text")
    return TweetFacts(
        tweet_id=reading.twitter_id(post.get("id"), "a post's id"),
        author=_user(includes, author_id),
        text=reading.text(full_text, "a post's text"),
        created_at=reading.iso_time(post.get("created_at"), "a post's created_at"),
        in_reply_to_tweet_id=references.get("replied_to")
        or reading.optional_twitter_id(post.get("in_reply_to_tweet_id"), "in_reply_to_tweet_id"),
        in_reply_to_user_id=reading.optional_twitter_id(
            post.get("in_reply_to_user_id"), "in_reply_to_user_id"
        ),
        quoted_tweet_id=references.get("quoted"),
        addressed_to=_leading_mentions(post),
        media=_media(post, includes),
        retweet="retweeted" in references,
    )


def _user(includes: Json, user_id: str) -> TwitterUser:
    for user in reading.optional_objects(includes.get("users"), "includes.users"):
        if user.get("id") == user_id:
            return TwitterUser(
                id=user_id,
                screen_name=reading.optional_text(user.get("username"), "a user's username"),
                name=reading.optional_text(user.get("name"), "a user's name"),
            )
    return TwitterUser(id=user_id)


def _leading_mentions(post: Json) -> tuple[str, ...]:
    shown = post.get("display_text_range")
    start = shown[0] if isinstance(shown, list) and shown and isinstance(shown[0], int) else 0
    entities = reading.optional_obj(post.get("entities"), "a post's entities")
    return tuple(
        reading.twitter_id(mention.get("id"), "a mention's id")
        for mention in reading.optional_objects(entities.get("mentions"), "entities.mentions")
        if isinstance(mention.get("end"), int) and mention["end"] <= start and "id" in mention
    )


def _media(post: Json, includes: Json) -> tuple[MediaRef, ...]:
    """`attachments.media_keys` resolved in `includes.media`; keys are `<type>_<media id>`."""
    attachments = reading.optional_obj(post.get("attachments"), "attachments")
    keys = attachments.get("media_keys")
    wanted = {key for key in keys if isinstance(key, str)} if isinstance(keys, list) else set()
    refs = []
    for media in reading.optional_objects(includes.get("media"), "includes.media"):
        key = media.get("media_key")
        url = media.get("url", media.get("preview_image_url"))
        if key not in wanted or url is None:
            continue
        media_id = str(key).rpartition("_")[2]
        refs.append(
            MediaRef(
                media_id=media_id if reading.is_twitter_id(media_id) else None,
                type=reading.optional_text(media.get("type"), "a media type") or "photo",
                url=reading.text(url, "a media url"),
            )
        )
    return tuple(refs)
