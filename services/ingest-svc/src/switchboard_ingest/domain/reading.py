"""Reading untrusted JSON: every accessor checks what it gets and says what is wrong.

Anything a delivery gets wrong raises `MalformedDeliveryError`, never another exception,
so a hostile or broken body is refused with 400 and can never become a 500.
"""

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from switchboard_ingest.domain.model import MalformedDeliveryError

Json = Mapping[str, Any]
_ID = re.compile(r"[0-9]{1,20}")  # unsigned 64-bit integers, as strings
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_EPOCH_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
TWEET_TIME = "%a %b %d %H:%M:%S %z %Y"  # "Wed Oct 10 20:19:24 +0000 2018"


def obj(value: object, what: str) -> Json:
    if not isinstance(value, Mapping):
        raise MalformedDeliveryError(f"{what} is not an object")
    return value


def optional_obj(value: object, what: str) -> Json:
    return {} if value is None else obj(value, what)


def objects(value: object, what: str) -> list[Json]:
    """A list of objects; a missing list is an error."""
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise MalformedDeliveryError(f"{what} is not a list")
    return [obj(item, f"an item of {what}") for item in value]


def optional_objects(value: object, what: str) -> list[Json]:
    return [] if value is None else objects(value, what)


def text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise MalformedDeliveryError(f"{what} is not a string")
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape
            raise MalformedDeliveryError(f"{what} is not valid Unicode") from None
    return value


def optional_text(value: object, what: str) -> str | None:
    return None if value is None else text(value, what)


def is_twitter_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def twitter_id(value: object, what: str) -> str:
    if not is_twitter_id(value):
        raise MalformedDeliveryError(f"{what} is not a Twitter id (a string of digits)")
    return str(value)


def optional_twitter_id(value: object, what: str) -> str | None:
    return None if value is None else twitter_id(value, what)


def id_of(item: Json, what: str) -> str:
    """An object's id: `id_str`, else `id` when it is a string. Numeric `id`s are never
    read: past 2^53 they are already wrong in many JSON encoders."""
    value = item.get("id_str")
    if value is None and isinstance(item.get("id"), str):
        value = item["id"]
    return twitter_id(value, f"{what}'s id_str")


def flag(value: object, what: str) -> bool | None:
    """A boolean Twitter sends as a JSON boolean or as "true"/"false"."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise MalformedDeliveryError(f"{what} is not a boolean")


def epoch_ms(value: object, what: str) -> datetime:
    """Milliseconds since the epoch, as a number or a string of digits."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 15:  # noqa: PLR2004
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_EPOCH_MS:
        raise MalformedDeliveryError(f"{what} is not a time in epoch milliseconds")
    return _EPOCH + timedelta(milliseconds=value)


def tweet_time(value: object, what: str) -> datetime:
    return _utc(_parse(text(value, what), what, _strptime_tweet))


def _strptime_tweet(value: str) -> datetime:
    return datetime.strptime(value, TWEET_TIME)  # noqa: DTZ007 - TWEET_TIME has %z


def iso_time(value: object, what: str) -> datetime:
    return _utc(_parse(text(value, what), what, datetime.fromisoformat))


def _parse(value: str, what: str, parse: Any) -> datetime:
    try:
        parsed: datetime = parse(value)
    except ValueError:
        raise MalformedDeliveryError(f"{what} is not a valid time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise MalformedDeliveryError(f"{what} has no time zone")
    return parsed


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. year 1 at +01:00
        raise MalformedDeliveryError("a time is out of range") from None
