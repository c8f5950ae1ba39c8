"""One database transaction with the repositories a handler needs (SQLAlchemy Core): one
per aggregate, on the shared `SessionUnitOfWork`."""

import uuid

from switchboard_channel.adapters import tables
from switchboard_channel.adapters.channels import ChannelRepository
from switchboard_channel.adapters.ciphertexts import CiphertextRepository
from switchboard_channel.adapters.deliveries import DeliveryRepository
from switchboard_channel.adapters.echoes import EchoRepository
from switchboard_channel.adapters.oauth_states import OAuthStateRepository
from switchboard_channel.adapters.unsubscriptions import UnsubscriptionRepository
from switchboard_platform.db.idempotency import first_delivery
from switchboard_platform.db.unit_of_work import SessionUnitOfWork


class UnitOfWork(SessionUnitOfWork):
    outbox = tables.outbox
    channels: ChannelRepository
    unsubscriptions: UnsubscriptionRepository
    oauth_states: OAuthStateRepository
    ciphertexts: CiphertextRepository
    deliveries: DeliveryRepository
    echoes: EchoRepository

    def _opened(self) -> None:
        self.channels = ChannelRepository(self.session)
        self.unsubscriptions = UnsubscriptionRepository(self.session)
        self.oauth_states = OAuthStateRepository(self.session)
        self.ciphertexts = CiphertextRepository(self.session)
        self.deliveries = DeliveryRepository(self.session)
        self.echoes = EchoRepository(self.session)

    async def first_delivery(self, consumer: str, event_id: uuid.UUID) -> bool:
        return await first_delivery(
            self.session, tables.processed_events, consumer=consumer, event_id=event_id
        )
