"""What the console's routes share (built once, in `bootstrap.py`)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from switchboard_console.adapters.identity import IdentityProvider
from switchboard_console.adapters.live import LiveFeed
from switchboard_console.adapters.services import Services
from switchboard_console.settings import ConsoleSettings


@dataclass(frozen=True)
class ConsoleContext:
    settings: ConsoleSettings
    services: Services
    live: LiveFeed
    identity: IdentityProvider
    templates: Jinja2Templates


async def _context(request: Request) -> ConsoleContext:
    context: ConsoleContext = request.app.state.context
    return context


Ctx = Annotated[ConsoleContext, Depends(_context)]
