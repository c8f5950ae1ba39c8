"""Every rule an agent's action meets in the domain (DOMAIN.md, "Conversations and queues")."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from switchboard_contracts.enums import DeliveryState, MessageDirection, MessageKind, QueueStatus
from switchboard_conversation.domain.changes import (
    DeliveryChanged,
    MessageAdded,
    MessageDeleted,
    Note,
    NoteAdded,
    NoteRemoved,
    OwnerChanged,
    StatusChanged,
    TagsChanged,
    TopicsChanged,
)
from switchboard_conversation.domain.conversation import Conversation, Customer
from switchboard_conversation.domain.errors import InvalidActionError
from switchboard_conversation.domain.messages import Message

pytestmark = pytest.mark.unit
T0 = datetime(2026, 1, 1, tzinfo=UTC)
AGENT = uuid.uuid4()
OTHER = uuid.uuid4()


def conversation(status: QueueStatus = QueueStatus.NEW) -> Conversation:
    c = Conversation.start(
        conversation_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        channel_id=uuid.uuid4(),
        customer=Customer("9"),
        at=T0,
    )
    if status is not QueueStatus.NEW:
        c.move(status, at=T0)
    c.changes.clear()
    return c


def reply(at: datetime = T0, author: uuid.UUID = AGENT) -> Message:
    return Message(
        id=uuid.uuid4(),
        direction=MessageDirection.OUTBOUND,
        kind=MessageKind.TWEET,
        twitter_id=None,
        text="on it",
        created_at=at,
        author_user_id=author,
        delivery_state=DeliveryState.REQUESTED,
        in_reply_to_tweet_id="1",
    )


def changes(c: Conversation) -> list[object]:
    return [change for change, _ in c.changes]


@pytest.mark.parametrize("to", [QueueStatus.PENDING, QueueStatus.RESOLVED])
def test_agents_move_to_pending_or_resolved(to: QueueStatus) -> None:
    c = conversation()
    c.move(to, at=T0 + timedelta(minutes=1))
    assert changes(c) == [StatusChanged(QueueStatus.NEW, to, "agent")]
    assert c.state.last_activity_at == T0 + timedelta(minutes=1)


def test_agents_do_not_move_to_new() -> None:
    c = conversation(QueueStatus.PENDING)
    with pytest.raises(InvalidActionError) as refused:
        c.move(QueueStatus.NEW, at=T0)
    assert refused.value.field == "status"
    assert c.changes == []


def test_moving_where_it_is_changes_nothing() -> None:
    c = conversation(QueueStatus.PENDING)
    c.move(QueueStatus.PENDING, at=T0)
    assert c.changes == []


def test_reply_with_auto_ownership_makes_the_agent_owner() -> None:
    c = conversation()
    c.reply(reply(), auto_ownership=True)
    assert [type(x) for x in changes(c)] == [MessageAdded, OwnerChanged]
    assert changes(c)[1] == OwnerChanged(None, AGENT, "auto_ownership")
    assert c.state.owner_id == AGENT


def test_reply_without_auto_ownership_leaves_nobody_owner() -> None:
    c = conversation()
    c.reply(reply(), auto_ownership=False)
    assert c.state.owner_id is None
    assert [type(x) for x in changes(c)] == [MessageAdded]


def test_auto_ownership_never_takes_an_owned_conversation() -> None:
    c = conversation()
    c.take(OTHER, at=T0)
    c.changes.clear()
    c.reply(reply(), auto_ownership=True)
    assert c.state.owner_id == OTHER


def test_reply_then_pending_in_the_same_action() -> None:
    c = conversation()
    c.reply(reply(), auto_ownership=True, then=QueueStatus.PENDING)
    assert changes(c)[-1] == StatusChanged(QueueStatus.NEW, QueueStatus.PENDING, "reply")
    assert c.state.owner_id == AGENT


def test_reply_then_resolved_removes_the_ownership_it_just_gave() -> None:
    c = conversation()
    c.reply(reply(), auto_ownership=True, then=QueueStatus.RESOLVED)
    assert changes(c)[-2:] == [
        OwnerChanged(AGENT, None, "resolved"),
        StatusChanged(QueueStatus.NEW, QueueStatus.RESOLVED, "reply"),
    ]
    assert c.state.owner_id is None


def test_reply_cannot_then_move_to_new() -> None:
    with pytest.raises(InvalidActionError):
        conversation().reply(reply(), auto_ownership=False, then=QueueStatus.NEW)


@pytest.mark.parametrize("status", [QueueStatus.NEW, QueueStatus.PENDING])
def test_auto_resolve_resolves_and_removes_ownership(status: QueueStatus) -> None:
    c = conversation(status)
    c.take(AGENT, at=T0)
    c.changes.clear()
    c.auto_resolve(at=T0)
    assert changes(c) == [
        OwnerChanged(AGENT, None, "resolved"),
        StatusChanged(status, QueueStatus.RESOLVED, "auto_resolve"),
    ]


def test_auto_resolve_leaves_resolved_alone() -> None:
    c = conversation(QueueStatus.RESOLVED)
    c.auto_resolve(at=T0)
    assert c.changes == []


def test_take_assign_unassign() -> None:
    c = conversation()
    c.take(AGENT, at=T0)
    c.take(AGENT, at=T0)  # already owner: nothing
    c.assign(OTHER, at=T0)
    c.unassign(at=T0)
    c.unassign(at=T0)  # nobody owns it: nothing
    assert changes(c) == [
        OwnerChanged(None, AGENT, "taken"),
        OwnerChanged(AGENT, OTHER, "assigned"),
        OwnerChanged(OTHER, None, "unassigned"),
    ]


def test_a_resolved_conversation_cannot_be_owned() -> None:
    c = conversation(QueueStatus.RESOLVED)
    with pytest.raises(InvalidActionError):
        c.take(AGENT, at=T0)


def test_losing_access_removes_only_that_users_ownership() -> None:
    c = conversation()
    c.take(AGENT, at=T0)
    c.changes.clear()
    c.access_lost(OTHER, at=T0)
    assert c.changes == []
    c.access_lost(AGENT, at=T0)
    assert changes(c) == [OwnerChanged(AGENT, None, "access_lost")]


def test_tags_are_trimmed_and_once() -> None:
    c = conversation()
    c.tag("  billing   issue ", at=T0)
    c.tag("billing issue", at=T0)
    c.untag("billing issue", at=T0)
    c.untag("billing issue", at=T0)
    assert changes(c) == [
        TagsChanged(added=("billing issue",)),
        TagsChanged(removed=("billing issue",)),
    ]
    with pytest.raises(InvalidActionError):
        c.tag("   ", at=T0)


def test_topics_added_and_removed_once() -> None:
    c = conversation()
    topic = uuid.uuid4()
    c.add_topic(topic, at=T0)
    c.add_topic(topic, at=T0)
    c.remove_topic(topic, at=T0)
    assert changes(c) == [TopicsChanged(added=(topic,)), TopicsChanged(removed=(topic,))]
    assert c.state.topic_ids == ()


def test_notes_need_text_and_are_recorded() -> None:
    c = conversation()
    note = Note(uuid.uuid4(), AGENT, "VIP customer", T0)
    c.add_note(note)
    c.remove_note(note, at=T0)
    assert changes(c) == [NoteAdded(note), NoteRemoved(note)]
    with pytest.raises(InvalidActionError):
        c.add_note(Note(uuid.uuid4(), AGENT, "  ", T0))


def test_sent_then_redelivered_sent_is_one_change() -> None:
    c = conversation()
    message = reply()
    c.mark_sent(message, twitter_id="77", at=T0)
    [change] = changes(c)
    assert isinstance(change, DeliveryChanged)
    assert (change.message.delivery_state, change.message.twitter_id) == (DeliveryState.SENT, "77")
    c.mark_sent(change.message, twitter_id="77", at=T0)
    assert len(c.changes) == 1


def test_failed_keeps_the_reason_and_never_overrides_sent() -> None:
    c = conversation()
    c.mark_failed(reply(), reason="duplicate_content", at=T0)
    [change] = changes(c)
    assert isinstance(change, DeliveryChanged)
    assert change.message.delivery_state is DeliveryState.FAILED
    assert change.message.failure_reason == "duplicate_content"
    c.changes.clear()
    sent = Message(**{**reply().__dict__, "delivery_state": DeliveryState.SENT, "twitter_id": "5"})
    c.mark_failed(sent, reason="gave_up_retrying", at=T0)
    assert c.changes == []


def test_deleted_message_is_marked_not_dropped() -> None:
    c = conversation()
    c.delete_message(reply(), at=T0)
    [change] = changes(c)
    assert isinstance(change, MessageDeleted)
    assert change.message.deleted


def test_every_change_has_its_own_revision_and_time() -> None:
    c = conversation()
    c.move(QueueStatus.PENDING, at=T0 + timedelta(hours=1))
    c.tag("x", at=T0 + timedelta(hours=2))
    revisions = [state.revision for _, state in c.changes]
    assert revisions == [revisions[0], revisions[0] + 1]
    assert c.state.updated_at == T0 + timedelta(hours=2)


def test_replying_to_a_resolved_conversation_does_not_give_it_an_owner() -> None:
    c = conversation(QueueStatus.RESOLVED)
    c.reply(reply(), auto_ownership=True)
    assert c.state.status is QueueStatus.RESOLVED
    assert c.state.owner_id is None


def test_a_reply_that_moves_a_resolved_conversation_on_gives_it_an_owner() -> None:
    c = conversation(QueueStatus.RESOLVED)
    c.reply(reply(), auto_ownership=True, then=QueueStatus.PENDING)
    assert c.state.status is QueueStatus.PENDING
    assert c.state.owner_id == AGENT
