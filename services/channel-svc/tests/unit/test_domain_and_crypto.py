"""Channel rules, credential encryption and rotation, Twitter's answers mapped to outcomes."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import httpx2
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import LargeBinary

from switchboard_channel.adapters import tables
from switchboard_channel.adapters.crypto import CredentialCipher
from switchboard_channel.adapters.twitter import RateLimited, Refused, Retryable, Sent, _outcome
from switchboard_channel.domain.channel import Channel, ChannelError
from switchboard_channel.domain.credentials import AccountCredentials
from switchboard_contracts.enums import ChannelStatus, MessageKind

pytestmark = pytest.mark.unit
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def channel() -> Channel:
    return Channel.connect(
        channel_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        twitter_account_id="1111111111111111111",
        handle="acme",
        name="ACME",
        at=NOW,
    )


def test_a_new_channel_has_the_documented_defaults() -> None:
    c = channel()
    assert (c.settings.display_name, c.url, c.revision) == ("@acme", "https://twitter.com/acme", 1)
    assert c.settings.auto_resolve.new_after_seconds == 30 * 24 * 3600
    assert c.settings.auto_resolve.enabled


def test_display_name_counts_characters_not_bytes() -> None:
    c = channel()
    ok = c.change_settings(replace(c.settings, display_name="日" * 255), at=NOW)
    assert ok is not None
    assert ok.revision == 2
    for bad in ("日" * 256, "", "  "):
        with pytest.raises(ChannelError) as refused:
            c.change_settings(replace(c.settings, display_name=bad), at=NOW)
        assert refused.value.field == "display_name"


def test_thresholds_must_be_positive_and_no_change_is_no_revision() -> None:
    c = channel()
    auto = replace(c.settings.auto_resolve, pending_after_seconds=0)
    with pytest.raises(ChannelError) as refused:
        c.change_settings(replace(c.settings, auto_resolve=auto), at=NOW)
    assert refused.value.field == "auto_resolve.pending_after_seconds"
    assert c.change_settings(c.settings, at=NOW) is None


def test_status_transitions() -> None:
    c = channel()
    deauthorized = c.deauthorize(at=NOW)
    assert deauthorized is not None
    assert deauthorized.status is ChannelStatus.DEAUTHORIZED
    assert deauthorized.deauthorize(at=NOW) is None
    back = deauthorized.reauthorize(handle="acme2", name=None, at=NOW)
    assert (back.status, back.revision, back.handle) == (ChannelStatus.CONNECTED, 3, "acme2")
    assert back.name == c.name  # an unknown name keeps the known one
    renamed = back.reauthorize(handle="acme2", name="ACME Two", at=NOW)
    assert renamed.name == "ACME Two"
    gone = back.disconnect(at=NOW)
    assert gone is not None
    assert gone.disconnect(at=NOW) is None


def test_rotation_old_key_decrypts_new_key_encrypts() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    secret = AccountCredentials.of("123-token", "s3cret")
    stored = CredentialCipher(SecretStr(old)).encrypt(secret)
    assert b"s3cret" not in stored
    rotated = CredentialCipher(SecretStr(f"{new},{old}"))
    assert rotated.decrypt(stored) == secret
    rewritten = rotated.rotate(stored)
    assert CredentialCipher(SecretStr(new)).decrypt(rewritten) == secret
    assert CredentialCipher(SecretStr(new)).decrypt(rotated.encrypt(secret)) == secret
    with pytest.raises(ValueError, match="do not decrypt"):
        CredentialCipher(SecretStr(old)).decrypt(rotated.encrypt(secret))
    # What the re-encryption job asks: on the newest key already? Readable at all?
    assert not rotated.is_current(stored)
    assert rotated.is_current(rewritten)
    with pytest.raises(ValueError, match="do not decrypt"):
        CredentialCipher(SecretStr(Fernet.generate_key().decode())).rotate(stored)


def test_every_encrypted_column_is_reencrypted_on_rotation() -> None:
    listed = {column for _, column in tables.ENCRYPTED_COLUMNS}
    binary = {
        column
        for table in tables.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, LargeBinary) or column.name.endswith("_encrypted")
    }
    assert listed == binary
    assert all(key.primary_key for key, _ in tables.ENCRYPTED_COLUMNS)


def test_secrets_do_not_print() -> None:
    key = Fernet.generate_key().decode()
    credentials = AccountCredentials.of("123-token", "s3cret")
    assert "s3cret" not in repr(credentials)
    assert "123-token" not in str(credentials)
    assert key not in repr(CredentialCipher(SecretStr(key)))
    with pytest.raises(ValueError, match="not a Fernet key"):
        CredentialCipher(SecretStr("nope"))


def response(status: int, body: object, headers: dict[str, str] | None = None) -> httpx2.Response:
    return httpx2.Response(status, json=body, headers=headers)


def test_twitter_answers_become_outcomes() -> None:
    tweet, dm = MessageKind.TWEET, MessageKind.DIRECT_MESSAGE
    assert _outcome(tweet, response(201, {"data": {"id": "9", "text": "x"}})) == Sent("9")
    assert _outcome(dm, response(201, {"data": {"dm_event_id": "8"}})) == Sent("8")
    limited = _outcome(tweet, response(429, {"status": 429}, {"x-rate-limit-reset": "1700000000"}))
    assert limited == RateLimited(1700000000.0)
    unsaid = _outcome(tweet, response(429, {"status": 429}))
    assert unsaid == RateLimited(None)  # the service layer waits from its own clock
    assert isinstance(_outcome(tweet, response(503, {"detail": "over capacity"})), Retryable)
    unauthorized = _outcome(tweet, response(401, {"detail": "Unauthorized"}))
    assert isinstance(unauthorized, Refused)
    assert unauthorized.reason == "channel_deauthorized"
    duplicate = {"detail": "You are not allowed to create a Tweet with duplicate content."}
    assert _outcome(tweet, response(403, duplicate)).reason == "duplicate_content"  # type: ignore[union-attr]
    other = _outcome(tweet, response(403, {"detail": "not mentioned"}))
    assert other.reason == "not_allowed"  # type: ignore[union-attr]
