"""The simulated world's records: plain data, no behaviour beyond simple derivations."""

from dataclasses import dataclass, field
from datetime import datetime

DEFAULT_AVATAR = "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"


@dataclass(frozen=True)
class App:
    id: str
    name: str
    url: str
    consumer_key: str
    consumer_secret: str
    bearer_token: str


@dataclass
class User:
    id: str
    screen_name: str
    name: str
    created_at: datetime
    description: str = ""
    location: str = ""
    url: str | None = None
    protected: bool = False
    verified: bool = False
    followers_count: int = 0
    friends_count: int = 0
    statuses_count: int = 0
    favourites_count: int = 0
    profile_image_url_https: str = DEFAULT_AVATAR


@dataclass(frozen=True)
class Span:
    """An entity in a text: a mention, hashtag, cashtag or URL, with code-point indices."""

    kind: str  # "mention" | "hashtag" | "symbol" | "url"
    text: str  # the handle, tag or URL without its sigil
    start: int
    end: int
    user_id: str | None = None
    name: str | None = None


@dataclass
class Tweet:
    id: str
    author_id: str
    text: str
    created_at: datetime
    spans: tuple[Span, ...]
    in_reply_to_tweet_id: str | None = None
    in_reply_to_user_id: str | None = None
    in_reply_to_screen_name: str | None = None
    via_app: bool = False  # posted through the API by the simulated app
    deleted: bool = False
    favorite_count: int = 0
    audience: frozenset[str] = frozenset()  # accounts it was delivered to

    @property
    def mentioned_ids(self) -> frozenset[str]:
        return frozenset(s.user_id for s in self.spans if s.kind == "mention" and s.user_id)


@dataclass(frozen=True)
class DirectMessage:
    id: str
    sender_id: str
    recipient_id: str
    text: str
    created_at: datetime
    spans: tuple[Span, ...]
    via_app: bool = False

    @property
    def conversation_id(self) -> str:
        low, high = sorted((self.sender_id, self.recipient_id), key=int)
        return f"{low}-{high}"


@dataclass
class RequestToken:
    token: str
    secret: str
    callback: str
    created_at: float
    verifier: str | None = None
    user_id: str | None = None


@dataclass
class AccessToken:
    token: str
    secret: str
    user_id: str
    revoked: bool = False


@dataclass
class Webhook:
    id: str
    url: str
    created_at: datetime
    valid: bool = True
    subscriptions: dict[str, datetime] = field(default_factory=dict)  # user id -> since
