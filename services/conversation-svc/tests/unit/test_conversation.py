import uuid
from datetime import UTC, datetime, timedelta

import pytest

from switchboard_contracts.enums import DeliveryState, MessageDirection, MessageKind, QueueStatus
from switchboard_conversation.domain.conversation import (
    Conversation,
    Created,
    Customer,
    Message,
    MessageAdded,
    OwnerChanged,
    StatusChanged,
)

pytestmark = pytest.mark.unit
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def inbound(text: str = "help", at: datetime = T0, twitter_id: str = "1") -> Message:
    return Message(
        id=uuid.uuid4(),
        direction=MessageDirection.INBOUND,
        kind=MessageKind.TWEET,
        twitter_id=twitter_id,
        text=text,
        created_at=at,
        author_customer_id="9",
    )


def started() -> Conversation:
    return Conversation.start(
        conversation_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        channel_id=uuid.uuid4(),
        customer=Customer("9", "cust"),
        at=T0,
    )


def test_first_inbound_message_creates_it_in_new() -> None:
    conversation = started()
    conversation.receive(inbound())
    assert conversation.state.status is QueueStatus.NEW
    kinds = [type(change) for change, _ in conversation.changes]
    assert kinds == [Created, MessageAdded]
    assert [state.revision for _, state in conversation.changes] == [1, 2]


@pytest.mark.parametrize("status", [QueueStatus.PENDING, QueueStatus.RESOLVED])
def test_inbound_message_reopens_into_new(status: QueueStatus) -> None:
    conversation = started()
    conversation._move(status, reason="agent", at=T0)
    conversation.changes.clear()
    conversation.receive(inbound(at=T0 + timedelta(hours=1)))
    [(moved, state), (added, _)] = conversation.changes
    assert moved == StatusChanged(status, QueueStatus.NEW, "inbound")
    assert state.status is QueueStatus.NEW
    assert isinstance(added, MessageAdded)
    assert conversation.state.last_activity_at == T0 + timedelta(hours=1)


def test_inbound_message_in_new_stays_in_new_without_a_status_change() -> None:
    conversation = started()
    conversation.changes.clear()
    conversation.receive(inbound())
    assert [type(change) for change, _ in conversation.changes] == [MessageAdded]


def test_entering_resolved_removes_ownership() -> None:
    conversation = started()
    owner = uuid.uuid4()
    conversation._set_owner(owner, reason="taken", at=T0)
    conversation.changes.clear()
    conversation._move(QueueStatus.RESOLVED, reason="agent", at=T0)
    changes = [change for change, _ in conversation.changes]
    assert changes == [
        OwnerChanged(owner, None, "resolved"),
        StatusChanged(QueueStatus.NEW, QueueStatus.RESOLVED, "agent"),
    ]
    assert conversation.state.owner_id is None


def test_older_message_does_not_move_last_activity_back() -> None:
    conversation = started()
    conversation.receive(inbound(at=T0 + timedelta(days=1)))
    conversation.receive(inbound(at=T0, twitter_id="2"))
    assert conversation.state.last_activity_at == T0 + timedelta(days=1)


def test_outbound_messages_do_not_reopen() -> None:
    conversation = started()
    conversation._move(QueueStatus.RESOLVED, reason="agent", at=T0)
    conversation.record_outbound(
        Message(
            id=uuid.uuid4(),
            direction=MessageDirection.OUTBOUND,
            kind=MessageKind.TWEET,
            twitter_id="3",
            text="thanks",
            created_at=T0,
            delivery_state=DeliveryState.SENT,
        )
    )
    assert conversation.state.status is QueueStatus.RESOLVED


def test_directions_are_checked() -> None:
    conversation = started()
    with pytest.raises(ValueError, match="inbound"):
        conversation.receive(
            Message(
                id=uuid.uuid4(),
                direction=MessageDirection.OUTBOUND,
                kind=MessageKind.TWEET,
                twitter_id="1",
                text="x",
                created_at=T0,
            )
        )
