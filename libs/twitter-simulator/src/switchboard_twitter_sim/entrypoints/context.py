"""Everything the routes need, built once by the composition root (`app.py`)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from switchboard_twitter_sim.domain.outage import Outage
from switchboard_twitter_sim.domain.rate_limits import RateLimiter
from switchboard_twitter_sim.service_layer.authentication import Authenticator
from switchboard_twitter_sim.service_layer.delivery import Dispatcher
from switchboard_twitter_sim.service_layer.webhooks import CrcProbe, WebhookPolicy
from switchboard_twitter_sim.service_layer.world import World
from switchboard_twitter_sim.settings import SimulatorSettings


@dataclass
class SimContext:
    settings: SimulatorSettings
    world: World
    authenticator: Authenticator
    limiter: RateLimiter
    outage: Outage
    dispatcher: Dispatcher
    crc_probe: CrcProbe
    webhook_policy: WebhookPolicy
    self_serve_rule: bool


def get_context(request: Request) -> SimContext:
    context: SimContext = request.app.state.context
    return context


Context = Annotated[SimContext, Depends(get_context)]
