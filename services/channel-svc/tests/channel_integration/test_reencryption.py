"""Key rotation on real PostgreSQL: rows written under an old key, the new key put first,
`reencrypt` run (twice: the second changes nothing), then the old key removed and
everything still decrypts; rows others hold locked are waited for, or reported."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from switchboard_channel import __main__ as cli
from switchboard_channel.adapters.crypto import CredentialCipher
from switchboard_channel.adapters.unit_of_work import UnitOfWork
from switchboard_channel.domain.channel import Channel
from switchboard_channel.domain.credentials import AccountCredentials
from switchboard_channel.domain.oauth import OAuthState
from switchboard_channel.service_layer.reencryption import ReencryptionReport, reencrypt
from switchboard_platform.db.engine import create_engine, session_factory

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)
CHANNELS, STATES = "channels.credentials_encrypted", "oauth_states.request_token_secret_encrypted"


def cipher(*keys: str) -> CredentialCipher:
    return CredentialCipher(SecretStr(",".join(keys)))


async def write_rows(database_url: str, key: str) -> dict[str, str]:
    """5 connected channels, 1 disconnected (no credentials), 2 OAuth states, all under
    `key`; the plaintexts by row key."""
    old = cipher(key)
    engine = create_engine(database_url)
    plain: dict[str, str] = {}
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            for n in range(6):
                channel = Channel.connect(
                    channel_id=uuid.uuid4(),
                    org_id=uuid.uuid4(),
                    twitter_account_id=str(1000 + n),
                    handle=f"brand{n}",
                    name=f"Brand {n}",
                    at=NOW,
                )
                secret = f"secret-{n}"
                await uow.channels.add(channel, old.encrypt(AccountCredentials.of(f"t{n}", secret)))
                plain[str(channel.id)] = secret
            await uow.channels.save(channel.disconnect(at=NOW) or channel, wipe_credentials=True)
            del plain[str(channel.id)]
            for n in range(2):
                state = f"state-{n}"
                await uow.oauth_states.add(
                    OAuthState(
                        state=state,
                        org_id=uuid.uuid4(),
                        user_id=uuid.uuid4(),
                        channel_id=None,
                        request_token=f"request-{n}",
                        request_token_secret_encrypted=old.encrypt_text(SecretStr(f"rts-{n}")),
                        expires_at=NOW + timedelta(minutes=10),
                    )
                )
                plain[state] = f"rts-{n}"
    finally:
        await engine.dispose()
    return plain


async def decrypted(database_url: str, keys: CredentialCipher) -> dict[str, str]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            channels = await connection.execute(
                text("SELECT id, credentials_encrypted FROM channels")
            )
            states = await connection.execute(
                text("SELECT state, request_token_secret_encrypted FROM oauth_states")
            )
            found = {
                str(row[0]): keys.decrypt(bytes(row[1])).token_secret.get_secret_value()
                for row in channels
                if row[1] is not None
            }
            found |= {row[0]: keys.decrypt_text(bytes(row[1])).get_secret_value() for row in states}
    finally:
        await engine.dispose()
    return found


@pytest.fixture
async def uow_factory(database_url: str) -> AsyncIterator[partial[UnitOfWork]]:
    engine = create_engine(database_url)
    yield partial(UnitOfWork, session_factory(engine))
    await engine.dispose()


def counts(report: ReencryptionReport) -> dict[str, tuple[int, int]]:
    return {name: (p.reencrypted, p.current) for name, p in report.columns.items()}


async def test_rotation_reencrypts_every_row_once_then_the_old_key_can_go(
    database_url: str, uow_factory: partial[UnitOfWork]
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    plain = await write_rows(database_url, old)

    first = await reencrypt(uow_factory, cipher(new, old), batch_size=2)
    assert counts(first) == {CHANNELS: (5, 0), STATES: (2, 0)}
    assert first.complete
    second = await reencrypt(uow_factory, cipher(new, old), batch_size=2)
    assert counts(second) == {CHANNELS: (0, 5), STATES: (0, 2)}

    assert await decrypted(database_url, cipher(new)) == plain  # the old key removed
    with pytest.raises(ValueError, match="any configured key"):
        await decrypted(database_url, cipher(old))


async def test_rows_held_by_others_are_waited_for_or_reported_busy(
    database_url: str, uow_factory: partial[UnitOfWork]
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    plain = await write_rows(database_url, old)
    held = next(iter(plain))  # a channel
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as other, other.begin():
            await other.execute(
                text("SELECT 1 FROM channels WHERE id = :id FOR UPDATE"), {"id": held}
            )
            busy = await reencrypt(
                uow_factory, cipher(new, old), busy_retries=2, busy_wait_seconds=0.01
            )
        assert busy.columns[CHANNELS].busy == 1
        assert counts(busy)[CHANNELS] == (4, 0)
        assert not busy.complete

        async with engine.connect() as other:  # released while the job waits for it
            transaction = await other.begin()
            await other.execute(
                text("UPDATE channels SET updated_at = now() WHERE id = :id"), {"id": held}
            )
            job = asyncio.create_task(
                reencrypt(uow_factory, cipher(new, old), busy_wait_seconds=0.2)
            )
            await asyncio.sleep(0.1)
            await transaction.commit()
            resumed = await job
    finally:
        await engine.dispose()
    assert counts(resumed)[CHANNELS] == (1, 4)
    assert resumed.complete
    assert await decrypted(database_url, cipher(new)) == plain


def test_the_cli_prints_what_it_did_and_fails_on_unreadable_rows(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    asyncio.run(write_rows(database_url, old))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOG_FORMAT", "console")
    monkeypatch.setenv("SB_CHANNEL_CREDENTIAL_KEYS", f"{new},{old}")

    assert cli.main(["reencrypt", "--batch-size", "3"]) == 0
    out = capsys.readouterr().out
    assert f"{CHANNELS}: 5 re-encrypted, 0 already on the newest key" in out
    assert "total: 7 re-encrypted, 0 already on the newest key" in out
    assert cli.main(["reencrypt"]) == 0
    assert "total: 0 re-encrypted, 7 already on the newest key" in capsys.readouterr().out

    monkeypatch.setenv("SB_CHANNEL_CREDENTIAL_KEYS", Fernet.generate_key().decode())
    assert cli.main(["reencrypt"]) == 1  # a key removed too early: said, not hidden
    assert "7 rows decrypt with no configured key" in capsys.readouterr().out
