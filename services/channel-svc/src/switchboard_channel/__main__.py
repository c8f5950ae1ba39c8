"""`python -m switchboard_channel [migrate|serve|reencrypt]`."""

import argparse
import asyncio
import sys
from functools import partial
from pathlib import Path

from switchboard_channel.adapters.crypto import CredentialCipher
from switchboard_channel.adapters.unit_of_work import UnitOfWork
from switchboard_channel.bootstrap import create_app
from switchboard_channel.service_layer.reencryption import ReencryptionReport, reencrypt
from switchboard_channel.settings import ChannelSettings
from switchboard_platform.db.engine import create_engine, session_factory
from switchboard_platform.logs import configure_logging
from switchboard_platform.service import command_line

MIGRATIONS = Path(__file__).parent / "migrations"


def _reencrypt_command(settings: ChannelSettings, args: argparse.Namespace) -> int:
    configure_logging(service="channel-svc", level=settings.log_level, fmt=settings.log_format)
    report = asyncio.run(_reencrypt(settings, args.batch_size))
    sys.stdout.write(summary(report))
    return 0 if report.complete else 1


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--batch-size", type=int, default=100, help="reencrypt: rows per transaction"
    )


async def _reencrypt(settings: ChannelSettings, batch_size: int) -> ReencryptionReport:
    engine = create_engine(settings.database.url, pool_size=1)
    try:
        return await reencrypt(
            partial(UnitOfWork, session_factory(engine)),
            CredentialCipher(settings.credential_keys),
            batch_size=batch_size,
        )
    finally:
        await engine.dispose()


def summary(report: ReencryptionReport) -> str:
    lines = [
        f"{name}: {part.reencrypted} re-encrypted, {part.current} already on the newest key"
        + (f", {part.busy} busy" if part.busy else "")
        + (f", {part.unreadable} UNREADABLE" if part.unreadable else "")
        for name, part in report.columns.items()
    ]
    total = report.total
    lines.append(
        f"total: {total.reencrypted} re-encrypted, {total.current} already on the newest key"
    )
    if total.busy:
        lines.append(f"{total.busy} rows were locked by others throughout: run it again")
    if total.unreadable:
        lines.append(
            f"{total.unreadable} rows decrypt with no configured key: restore the key that "
            "encrypted them (do not remove old keys until a run reports none)"
        )
    return "\n".join(lines) + "\n"


main = command_line(
    prog="switchboard_channel",
    migrations=MIGRATIONS,
    settings=ChannelSettings,
    create_app=create_app,
    commands={"reencrypt": _reencrypt_command},
    arguments=_arguments,
)

if __name__ == "__main__":
    raise SystemExit(main(None))
