"""Re-encrypting every stored secret with the newest credential key (key rotation).

Runs beside the serving replicas: each batch is its own transaction and locks its rows
(`FOR UPDATE SKIP LOCKED`, so a row a request holds is never waited on; it is tried again
after the pass). Rows already encrypted with the newest key are counted and left alone,
so the job is idempotent and, stopped anywhere, resumes by running it again.
"""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from switchboard_channel.adapters.crypto import CredentialCipher
from switchboard_channel.adapters.tables import ENCRYPTED_COLUMN_NAMES
from switchboard_channel.adapters.unit_of_work import UnitOfWork
from switchboard_platform.logs import get_logger

log = get_logger(__name__)


@dataclass
class ColumnReport:
    """What the job found in one encrypted column."""

    reencrypted: int = 0
    current: int = 0  # already encrypted with the newest key
    busy: int = 0  # locked by others on every try: run the job again
    unreadable: int = 0  # no configured key decrypts them: a key was dropped too early


@dataclass
class ReencryptionReport:
    columns: dict[str, ColumnReport] = field(default_factory=dict)

    @property
    def total(self) -> ColumnReport:
        total = ColumnReport()
        for part in self.columns.values():
            total.reencrypted += part.reencrypted
            total.current += part.current
            total.busy += part.busy
            total.unreadable += part.unreadable
        return total

    @property
    def complete(self) -> bool:
        """Every row is on the newest key: the older keys may be removed."""
        total = self.total
        return total.busy == 0 and total.unreadable == 0


async def reencrypt(
    unit_of_work: Callable[[], UnitOfWork],
    cipher: CredentialCipher,
    *,
    batch_size: int = 100,
    busy_retries: int = 5,
    busy_wait_seconds: float = 0.5,
) -> ReencryptionReport:
    report = ReencryptionReport()
    for target in ENCRYPTED_COLUMN_NAMES:
        part = report.columns[target] = ColumnReport()
        busy: list[Any] = []
        after: Any = None
        while True:
            async with unit_of_work() as uow:
                keys = await uow.ciphertexts.keys(target, after=after, limit=batch_size)
                if not keys:
                    break
                busy += await _batch(uow, cipher, target, keys, part)
            after = keys[-1]
        for _ in range(busy_retries):
            if not busy:
                break
            await asyncio.sleep(busy_wait_seconds)
            async with unit_of_work() as uow:  # those still holding ciphertext
                keys = await uow.ciphertexts.keys(target, among=busy)
                busy = await _batch(uow, cipher, target, keys, part) if keys else []
        part.busy = len(busy)
        log.info("re-encryption", column=target, **vars(part))
    return report


async def _batch(
    uow: UnitOfWork,
    cipher: CredentialCipher,
    target: str,
    keys: Sequence[Any],
    part: ColumnReport,
) -> list[Any]:
    """Rotate what of `keys` this transaction could lock; the keys it could not."""
    locked = await uow.ciphertexts.lock(target, keys)
    for row_key, data in locked:
        if cipher.is_current(data):
            part.current += 1
            continue
        rotated = _rotated(cipher, data)
        if rotated is None:
            part.unreadable += 1
            log.error("a stored secret decrypts with no configured key", column=target)
            continue
        await uow.ciphertexts.store(target, row_key, rotated)
        part.reencrypted += 1
    taken = {row_key for row_key, _ in locked}
    return [k for k in keys if k not in taken]


def _rotated(cipher: CredentialCipher, data: bytes) -> bytes | None:
    try:
        return cipher.rotate(data)
    except ValueError:
        return None
