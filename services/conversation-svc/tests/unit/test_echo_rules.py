"""What an echo of the account's own post is: decided by Twitter ids, never by its text."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from switchboard_contracts.enums import DeliveryState, MessageDirection, MessageKind
from switchboard_conversation.domain.messages import (
    EchoHold,
    HeldEcho,
    Message,
    echo_awaits_result,
    echo_released,
    failed,
    may_be_echoed_as,
    posted_from_app,
    sent,
)

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 1, tzinfo=UTC)
REPLY = Message(
    id=uuid.uuid4(),
    direction=MessageDirection.OUTBOUND,
    kind=MessageKind.TWEET,
    twitter_id=None,
    text="Thanks  for waiting: https://example.com/orders/1",
    created_at=NOW,
    author_user_id=uuid.uuid4(),
    delivery_state=DeliveryState.REQUESTED,
    in_reply_to_tweet_id="5",
)
FROM_APP = replace(
    REPLY, author_user_id=None, delivery_state=DeliveryState.SENT, twitter_id="9", text="hi"
)
CUSTOMERS = replace(
    REPLY,
    direction=MessageDirection.INBOUND,
    author_user_id=None,
    author_customer_id="42",
    delivery_state=None,
    twitter_id="5",
)


def test_an_echo_may_be_any_reply_of_its_kind_awaiting_its_result() -> None:
    assert may_be_echoed_as(REPLY, MessageKind.TWEET)
    assert not may_be_echoed_as(REPLY, MessageKind.DIRECT_MESSAGE)


def test_an_echo_is_no_reply_whose_result_came_nor_another_message() -> None:
    for settled in (DeliveryState.SENT, DeliveryState.FAILED):
        assert not may_be_echoed_as(replace(REPLY, delivery_state=settled), MessageKind.TWEET)
    assert not may_be_echoed_as(FROM_APP, MessageKind.TWEET)
    assert not may_be_echoed_as(CUSTOMERS, MessageKind.TWEET)


def test_an_echo_waits_while_a_reply_it_may_be_awaits_its_result() -> None:
    """Whatever its text: Twitter rewrites it (@handle in front, t.co links, whitespace)."""
    assert echo_awaits_result(MessageKind.TWEET, [CUSTOMERS, FROM_APP, REPLY])
    assert not echo_awaits_result(MessageKind.DIRECT_MESSAGE, [CUSTOMERS, FROM_APP, REPLY])


def test_with_no_reply_awaiting_its_result_an_echo_is_a_post_from_the_app() -> None:
    confirmed = sent(REPLY, twitter_id="6")
    assert confirmed is not None
    assert not echo_awaits_result(MessageKind.TWEET, [CUSTOMERS, confirmed])
    assert not echo_awaits_result(MessageKind.TWEET, [])


def test_a_reply_is_confirmed_once_whichever_delivery_comes_first() -> None:
    confirmed = sent(REPLY, twitter_id="6")
    assert confirmed is not None
    assert (confirmed.delivery_state, confirmed.twitter_id) == (DeliveryState.SENT, "6")
    assert sent(confirmed, twitter_id="6") is None  # the result again: nothing


def test_posted_from_app_means_outbound_without_an_agent() -> None:
    assert posted_from_app(FROM_APP)
    assert not posted_from_app(REPLY)
    assert not posted_from_app(CUSTOMERS)


def test_a_reply_reported_failed_is_sent_when_a_result_says_so() -> None:
    """channel-svc gives up (`gave_up_retrying`) when it cannot tell whether an interrupted
    send reached Twitter: a result naming the reply's Twitter id proves it did."""
    gave_up = failed(REPLY, reason="gave_up_retrying")
    assert gave_up is not None
    assert gave_up.delivery_state is DeliveryState.FAILED
    proved = sent(gave_up, twitter_id="6")
    assert proved is not None
    assert (proved.delivery_state, proved.twitter_id, proved.failure_reason) == (
        DeliveryState.SENT,
        "6",
        None,
    )


def test_a_sent_reply_stays_sent_and_a_failed_one_keeps_its_first_reason() -> None:
    confirmed = sent(REPLY, twitter_id="6")
    assert confirmed is not None
    assert failed(confirmed, reason="gave_up_retrying") is None
    gave_up = failed(REPLY, reason="gave_up_retrying")
    assert gave_up is not None
    assert failed(gave_up, reason="duplicate_content") is None


HOLD = EchoHold(timedelta(minutes=15))
ECHO = HeldEcho("9", MessageKind.TWEET, held_at=NOW, value="{}")


def test_the_default_hold_is_fifteen_minutes() -> None:
    assert EchoHold().limit == timedelta(minutes=15)
    assert HOLD.held_before(NOW + timedelta(minutes=20)) == NOW + timedelta(minutes=5)


def test_a_held_echo_stays_held_within_the_limit_while_a_reply_may_be_it() -> None:
    almost = HOLD.held_before(NOW + timedelta(minutes=15) - timedelta(microseconds=1))
    assert not echo_released(ECHO, [REPLY], held_before=almost)
    assert not echo_released(ECHO, [REPLY])  # after a result: no time limit applies


def test_past_the_limit_a_held_echo_is_released_whatever_still_awaits() -> None:
    """Its reply's result never came (the request dead-lettered, say)."""
    assert echo_released(ECHO, [REPLY], held_before=HOLD.held_before(NOW + timedelta(minutes=15)))
    assert echo_released(ECHO, [REPLY], held_before=HOLD.held_before(NOW + timedelta(days=2)))


def test_with_no_reply_that_may_be_it_a_held_echo_is_released_at_once() -> None:
    dm_reply = replace(REPLY, kind=MessageKind.DIRECT_MESSAGE)
    assert echo_released(ECHO, [dm_reply, CUSTOMERS, FROM_APP])
    assert echo_released(ECHO, [], held_before=HOLD.held_before(NOW))
