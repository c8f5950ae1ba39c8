"""`user_event.revoke` (and the X Activity API's `oauth.revoke`): the account withdrew the
app. The only delivery without `for_user_id`: the account is the revoke's source."""

from datetime import datetime

from switchboard_contracts.events.twitter import AppRevoked, AppRevokedPayload
from switchboard_ingest.domain import reading
from switchboard_ingest.domain.model import MalformedDeliveryError, Outcome, Source, keyed_event
from switchboard_ingest.domain.reading import Json


def revoking_account(body: Json) -> str:
    revoke = _revoke(body)
    source = reading.obj(revoke.get("source"), "revoke.source")
    return reading.twitter_id(source.get("user_id"), "revoke.source.user_id")


def parse(source: Source, value: object, body: Json) -> list[Outcome]:
    del value
    revoke = _revoke(body)
    target = reading.optional_obj(revoke.get("target"), "revoke.target")
    return [
        app_revoked(
            source,
            app_id=reading.optional_text(target.get("app_id"), "revoke.target.app_id"),
            revoked_at=reading.iso_time(revoke.get("date_time"), "revoke.date_time"),
        )
    ]


def app_revoked(source: Source, *, app_id: str | None, revoked_at: datetime) -> Outcome:
    # A revocation has no id: the app and the moment identify it, and both APIs give the
    # same two, so an Account Activity and an X Activity revoke yield the same event id.
    return keyed_event(
        AppRevoked,
        source=source,
        kind="revoke",
        twitter_id=f"{app_id or ''}@{revoked_at.isoformat()}",
        occurred_at=revoked_at,
        actor_id=source.account_id,
        customer_id=None,
        payload=AppRevokedPayload(
            account_id=source.account_id, app_id=app_id, revoked_at=revoked_at
        ),
    )


def _revoke(body: Json) -> Json:
    event = reading.obj(body.get("user_event"), "user_event")
    if "revoke" not in event:
        raise MalformedDeliveryError("user_event carries no revoke")
    return reading.obj(event["revoke"], "user_event.revoke")
