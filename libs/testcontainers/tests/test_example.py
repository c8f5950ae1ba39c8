"""A CRM-sync team's integration test: their code keeps a contact per customer from
Switchboard's public `conversations.v1` events, tested against the real system."""

from collections.abc import Iterator
from typing import Any

import pytest

from switchboard_contracts.envelope import Event
from switchboard_testcontainers import Switchboard, SwitchboardClient

# Switchboard's CI: its marker, and room for the start (its pytest stops tests after 180 s).
pytestmark = [pytest.mark.containers, pytest.mark.timeout(600)]


# --- the code under test (in real life: the team's own package) ----------------------
def sync_contact(crm: dict[str, dict[str, Any]], event: Event[Any]) -> None:
    """Upsert the customer of a conversation event as a CRM contact."""
    conversation = event.payload.conversation
    crm[conversation.customer.id] = {
        "handle": conversation.customer.screen_name,
        "conversation": str(conversation.conversation_id),
        "status": str(conversation.status),
    }


# --- the test ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def switchboard() -> Iterator[Switchboard]:
    # Kafka, PostgreSQL, migrations, the four services and the Twitter simulator.
    with Switchboard() as running:
        yield running


async def test_a_customer_tweet_becomes_a_crm_contact(switchboard: Switchboard) -> None:
    async with SwitchboardClient(switchboard) as api:
        org = await api.create_organization()
        channel = await api.connect_twitter_channel(org)
        tweet = await api.customer_tweets(channel, "jane", "my order #1234 is late")

        created = await api.conversation_event(
            lambda e: (
                e.type == "conversation.created"
                and e.payload.conversation.customer.id == tweet.author_id
            ),
            within=60,
        )
        crm: dict[str, dict[str, Any]] = {}
        sync_contact(crm, created)

    assert created.org_id == org.id
    assert created.payload.conversation.channel_id == channel.id
    assert crm[tweet.author_id]["handle"].startswith("jane_")
    assert crm[tweet.author_id]["status"] == "new"
