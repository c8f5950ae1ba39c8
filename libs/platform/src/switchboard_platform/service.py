"""The template of a service with a database: its app assembled and its lifespan run the
same way in every one, and its command line (`migrate`, `serve`, and its own commands).

A composition root builds its parts (engine, broker, publisher, subscriptions, periodic
work, work alongside, verifier, context) and hands them to `service_app`, which registers the
subscriptions and relays the service's outbox; the lifespan configures logs and traces, runs the
Kafka side in its safe order (`lifecycle.running`), and on the way out closes what the
service opened (`closing`, in order), then the verifier and the database pool.
"""

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard_platform.auth.http import install_auth
from switchboard_platform.auth.standing import StandingSource, install_standing
from switchboard_platform.auth.verifier import TokenVerifier
from switchboard_platform.db.engine import create_engine
from switchboard_platform.db.migrations import upgrade
from switchboard_platform.db.outbox import OutboxRelay
from switchboard_platform.http.app import create_app
from switchboard_platform.http.context import install_context
from switchboard_platform.http.health import broker_check, database_check
from switchboard_platform.http.serve import Listening, serve
from switchboard_platform.kafka.broker import EventPublisher, build_broker
from switchboard_platform.kafka.consumer import Subscription
from switchboard_platform.lifecycle import running
from switchboard_platform.observability import configure_observability
from switchboard_platform.periodic import Periodic
from switchboard_platform.settings import DatabaseSettings, ServiceSettings


class Background(Protocol):
    """Work that runs as long as the process does (`Periodic` is one; a change feed)."""

    name: str

    async def run(self) -> None: ...

    def stop(self) -> None: ...


class Subscriptions(Protocol):
    """A service's `entrypoints.consumers.subscriptions`: topic -> handler."""

    def __call__(
        self, *, context: Any, publisher: EventPublisher, group_id: str, service: str
    ) -> Sequence[Subscription]: ...


@dataclass(frozen=True)
class Plumbing:
    """A database service's connections (made on first use): its pool, its broker and the
    publisher on it."""

    engine: AsyncEngine
    broker: KafkaBroker
    publisher: EventPublisher

    @classmethod
    def of(
        cls,
        name: str,
        settings: ServiceSettings,
        database: DatabaseSettings,
        *,
        engine: AsyncEngine | None = None,
    ) -> "Plumbing":
        broker = build_broker(settings.kafka, client_id=name, traced=settings.tracing.enabled)
        return cls(
            engine or create_engine(database.url, pool_size=database.pool_size),
            broker,
            EventPublisher(broker, settings.kafka),
        )


@dataclass(frozen=True)
class ServiceParts:
    """What a composition root built; `service_app` wires and runs it."""

    name: str
    settings: ServiceSettings
    plumbing: Plumbing
    outbox: Table  # relayed to Kafka by this process's relay (in a worker role)
    subscriptions: Subscriptions  # given the context, the publisher, the group, the name
    group_id: str
    verifier: TokenVerifier
    standing: StandingSource
    context: object
    routers: Sequence[APIRouter]
    periodic: Sequence[Periodic] = ()
    alongside: Sequence[Background] = ()  # for the process's life, in every role
    closing: Sequence[Callable[[], Awaitable[None]]] = ()
    on_start: Callable[[], None] | None = None  # after logging is configured
    install: Sequence[Callable[[FastAPI], None]] = ()  # exception handlers and the like


def service_app(parts: ServiceParts, *, title: str, description: str) -> FastAPI:
    settings = parts.settings
    for subscription in parts.subscriptions(
        context=parts.context,
        publisher=parts.plumbing.publisher,
        group_id=parts.group_id,
        service=parts.name,
    ):
        subscription.register(parts.plumbing.broker)
    relays = [OutboxRelay(parts.plumbing.engine, parts.outbox, parts.plumbing.publisher)]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure_observability(parts.name, settings)
        if parts.on_start is not None:
            parts.on_start()
        tasks = [asyncio.create_task(work.run(), name=work.name) for work in parts.alongside]
        try:
            async with running(parts.plumbing.broker, relays, parts.periodic, role=settings.role):
                yield
        finally:
            for work in parts.alongside:
                work.stop()
            for task in tasks:
                task.cancel()  # a listener waits on its connection: not for its next turn
            await asyncio.gather(*tasks, return_exceptions=True)
            for close in parts.closing:
                await close()
            await parts.verifier.aclose()
            await parts.plumbing.engine.dispose()

    app = create_app(
        title=title,
        description=description,
        lifespan=lifespan,
        traced=settings.tracing.enabled,
        checks={
            "database": database_check(parts.plumbing.engine),
            "kafka": broker_check(parts.plumbing.broker),
        },
    )
    install_auth(app, parts.verifier)
    install_standing(app, parts.standing)
    install_context(app, parts.context)
    for install in parts.install:
        install(app)
    for router in parts.routers:
        app.include_router(router)
    return app


class DatabaseServiceSettings(Listening, Protocol):
    @property
    def database(self) -> DatabaseSettings: ...


S = TypeVar("S", bound=DatabaseServiceSettings)


def command_line(
    *,
    prog: str,
    migrations: Path,
    settings: Callable[[], S],
    create_app: Callable[[S], FastAPI],
    commands: Mapping[str, Callable[[S, argparse.Namespace], int]] | None = None,
    arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> Callable[[list[str] | None], int]:
    """`python -m <package> [migrate|serve|...]`: `serve` by default; `commands` adds a
    service's own (each returns the exit code), `arguments` their options."""
    extra = dict(commands or {})

    def main(argv: list[str] | None = None) -> int:
        parser = argparse.ArgumentParser(prog=prog)
        parser.add_argument(
            "command", choices=["migrate", "serve", *extra], nargs="?", default="serve"
        )
        if arguments is not None:
            arguments(parser)
        args = parser.parse_args(argv)
        config = settings()
        if args.command == "migrate":
            upgrade(migrations, config.database.url)
            return 0
        if args.command in extra:
            return extra[args.command](config, args)
        serve(create_app(config), config)
        return 0

    return main
