"""Twitter's date formats (locale-independent) and small shared pieces of payloads."""

from datetime import UTC, datetime

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEB_CLIENT_SOURCE = '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>'


def v1_date(moment: datetime) -> str:
    """`Wed Oct 10 20:19:24 +0000 2018`, as v1.1 objects carry it."""
    moment = moment.astimezone(UTC)
    return (
        f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment:%d %H:%M:%S} +0000 "
        f"{moment.year}"
    )


def v2_date(moment: datetime) -> str:
    """`2023-11-07T05:31:56.000Z`, as v2 responses carry it."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def epoch_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def app_source(name: str, url: str) -> str:
    return f'<a href="{url}" rel="nofollow">{name}</a>'
