"""Entities Twitter finds in a text: @mentions of existing users, #hashtags, $cashtags
and URLs, with the code-point indices its payloads carry."""

import re
from collections.abc import Callable

from switchboard_twitter_sim.domain.model import Span, User

_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")
_HASHTAG = re.compile(r"(?<![\w#&])#(\w*[^\W\d]\w*)")
_SYMBOL = re.compile(r"(?<![\w$])\$([A-Za-z]{1,6})(?![\w])")
_URL = re.compile(r"https?://[^\s]+")

MAX_TWEET_LENGTH = 280
COMPAT_LENGTH = 140  # longer tweets are delivered truncated, with `extended_tweet`


def find_spans(text: str, find_user: Callable[[str], User | None]) -> tuple[Span, ...]:
    spans: list[Span] = []
    for match in _MENTION.finditer(text):
        user = find_user(match.group(1))
        if user is not None:  # only handles of existing users become mentions
            spans.append(
                Span("mention", user.screen_name, *match.span(), user_id=user.id, name=user.name)
            )
    spans += [Span("hashtag", m.group(1), *m.span()) for m in _HASHTAG.finditer(text)]
    spans += [Span("symbol", m.group(1), *m.span()) for m in _SYMBOL.finditer(text)]
    spans += [Span("url", m.group(0), *m.span()) for m in _URL.finditer(text)]
    return tuple(sorted(spans, key=lambda span: span.start))


def leading_mentions_end(text: str, spans: tuple[Span, ...]) -> int:
    """Where the text after the leading @mentions starts (`display_text_range[0]`)."""
    position = 0
    for span in spans:
        if span.kind != "mention" or text[position : span.start].strip():
            break
        position = span.end
        while position < len(text) and text[position].isspace():
            position += 1
    return position
