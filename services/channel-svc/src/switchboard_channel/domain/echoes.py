"""The account's echoes, and which one an interrupted send became (plain rules).

Twitter sends the account's own tweets and DMs back through the webhook (ingest-svc puts
them on `twitter.activity.v1` with `from_account`), the replies this service sent among
them, and the echo's id is the id the send answered. A delivery left `sending` (the process
died between Twitter's 201 and our commit) is settled by finding its echo: same account,
same kind, same target (the replied-to tweet / the DM's recipient), created after the
`sending` mark, with the requested text, and not already another delivery's.

The text is compared as Twitter rewrites it, not byte for byte: a reply gets the replied-to
author's @handle in front (and keeps whatever @mentions the agent put first), links
(with or without a scheme) become 23-character `https://t.co/...` links, `&`, `<` and `>`
may come back HTML-escaped, whitespace may be collapsed. So leading @mentions of a tweet
are dropped, every link counts as one placeholder, whitespace runs count as one space, and
an escaped echo matches its unescaped request. (conversation-svc never compares texts: it
has the Twitter id of each reply from its result; only a lost result needs the text.)
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from switchboard_contracts.enums import MessageKind

_LEADING_MENTIONS = re.compile(r"^(?:\s*@\w{1,15}(?!\w))+")
# A link as Twitter finds one: a scheme or not, a dotted host with a TLD, an optional path
# that does not end in sentence punctuation (which stays outside the t.co link).
_LINK = re.compile(
    r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?::\d+)?(?:/\S*[^\s.,!?;:'\")\]])?/?",
    re.IGNORECASE,
)
_LINK_PLACEHOLDER = "\x00link\x00"
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


@dataclass(frozen=True)
class Echo:
    """One of the account's own tweets or DMs, as the webhook told it. `target` is the
    tweet it replies to, or the DM's recipient."""

    account_id: str
    twitter_id: str
    kind: MessageKind
    target: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class SentText:
    """What an interrupted send asked Twitter for."""

    kind: MessageKind
    target: str
    text: str


def comparable_text(text: str, kind: MessageKind) -> str:
    """`text` with what Twitter may rewrite taken out (see the module's docstring)."""
    text = unicodedata.normalize("NFC", text)
    if kind is MessageKind.TWEET:
        text = _LEADING_MENTIONS.sub("", text)
    text = _LINK.sub(_LINK_PLACEHOLDER, text)
    return " ".join(text.split())


def _escaped(text: str) -> str:
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


def text_matches(echo_text: str, requested: str, kind: MessageKind) -> bool:
    """Whether an echo's text may be what was requested, after Twitter's rewriting."""
    echoed = comparable_text(echo_text, kind)
    return echoed in {
        comparable_text(requested, kind),
        comparable_text(_escaped(requested), kind),
    }


def is_echo_of(echo: Echo, sent: SentText, *, since: datetime) -> bool:
    return (
        echo.kind is sent.kind
        and echo.target == sent.target
        and echo.created_at >= since
        and text_matches(echo.text, sent.text, sent.kind)
    )


def matching_echo(
    echoes: Iterable[Echo], sent: SentText, *, since: datetime, claimed: frozenset[str]
) -> Echo | None:
    """The earliest echo that may be the interrupted send: created at or after `since`,
    of the same kind, target and text, and not `claimed` (another delivery's id)."""
    candidates = [
        echo
        for echo in echoes
        if echo.twitter_id not in claimed and is_echo_of(echo, sent, since=since)
    ]
    return min(
        candidates,
        key=lambda echo: (echo.created_at, len(echo.twitter_id), echo.twitter_id),
        default=None,
    )
