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
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.http.serve import serve
from switchboard_platform.logs import configure_logging

MIGRATIONS = Path(__file__).parent / "migrations"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="switchboard_channel")
    parser.add_argument(
        "command", choices=["migrate", "serve", "reencrypt"], nargs="?", default="serve"
    )
    parser.add_argument(
        "--batch-size", type=int, default=100, help="reencrypt: rows per transaction"
    )
    args = parser.parse_args(argv)
    settings = ChannelSettings()
    if args.command == "migrate":
        upgrade(MIGRATIONS, settings.database.url)
        return 0
    if args.command == "reencrypt":
        configure_logging(service="channel-svc", level=settings.log_level, fmt=settings.log_format)
        report = asyncio.run(_reencrypt(settings, args.batch_size))
        sys.stdout.write(summary(report))
        return 0 if report.complete else 1
    serve(create_app(settings), settings)
    return 0


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


if __name__ == "__main__":
    raise SystemExit(main())
