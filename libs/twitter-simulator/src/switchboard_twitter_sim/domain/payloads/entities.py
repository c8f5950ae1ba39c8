"""The `entities` objects of tweets and direct messages."""

from typing import Any

from switchboard_twitter_sim.domain.model import Span


def tweet_entities(spans: tuple[Span, ...]) -> dict[str, Any]:
    return {
        "hashtags": [_tag(s) for s in spans if s.kind == "hashtag"],
        "urls": [_url(s) for s in spans if s.kind == "url"],
        "user_mentions": [_mention(s) for s in spans if s.kind == "mention"],
        "symbols": [_tag(s) for s in spans if s.kind == "symbol"],
    }


def dm_entities(spans: tuple[Span, ...]) -> dict[str, Any]:
    entities = tweet_entities(spans)
    order = ("hashtags", "symbols", "user_mentions", "urls")  # as DM payloads list them
    return {key: entities[key] for key in order}


def link_entity(url: str, expanded: str, display: str, start: int) -> dict[str, Any]:
    return {
        "url": url,
        "expanded_url": expanded,
        "display_url": display,
        "indices": [start, start + len(url)],
    }


def _tag(span: Span) -> dict[str, Any]:
    return {"text": span.text, "indices": [span.start, span.end]}


def _url(span: Span) -> dict[str, Any]:
    display = span.text.split("://", 1)[-1]
    display = display if len(display) <= 27 else display[:26] + "\u2026"  # noqa: PLR2004
    return link_entity(span.text, span.text, display, span.start)


def _mention(span: Span) -> dict[str, Any]:
    return {
        "screen_name": span.text,
        "name": span.name,
        "id": int(span.user_id or 0),
        "id_str": span.user_id,
        "indices": [span.start, span.end],
    }
