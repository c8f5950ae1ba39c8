"""What the handlers work with, built once in `bootstrap`."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from switchboard_channel.adapters.access import AccessDirectory
from switchboard_channel.adapters.crypto import CredentialCipher
from switchboard_channel.adapters.reconcile import Reconciler
from switchboard_channel.adapters.twitter import TwitterApi
from switchboard_channel.adapters.unit_of_work import UnitOfWork
from switchboard_channel.domain.delivery import DeliveryPolicy
from switchboard_platform.clock import Clock, utc_now


@dataclass
class ChannelContext:
    unit_of_work: Callable[[], UnitOfWork]
    cipher: CredentialCipher
    twitter: TwitterApi
    access: AccessDirectory
    reconciler: Reconciler
    public_url: str
    webhook_url: str | None
    oauth_state_ttl_seconds: int = 600
    unsubscribe_backoff_seconds: float = 30.0
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    echo_retention: timedelta = timedelta(hours=1)
    clock: Clock = utc_now
