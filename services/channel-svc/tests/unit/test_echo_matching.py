"""Which of the account's echoes an interrupted send became (`domain.echoes`), and which
activity events are echoes worth keeping (`service_layer.echoes.echo_of`)."""

from datetime import UTC, datetime, timedelta

import pytest

from switchboard_channel.domain.echoes import (
    Echo,
    SentText,
    comparable_text,
    matching_echo,
    text_matches,
)
from switchboard_channel.service_layer.echoes import echo_of
from switchboard_contracts.enums import MessageKind
from switchboard_testing.builders import direct_message_received, tweet_received

pytestmark = pytest.mark.unit
TWEET, DM = MessageKind.TWEET, MessageKind.DIRECT_MESSAGE
ACCOUNT, CUSTOMER, MENTION = "3200000001", "4100000002", "1700000000000000001"
MARK = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
REPLY = "Thanks  for waiting!\nTrack your order here: https://example.com/orders/1?ref=care&x=1"


def echo(
    text: str,
    *,
    twitter_id: str = "1800000000000000001",
    kind: MessageKind = TWEET,
    target: str = MENTION,
    after: float = 1.0,
) -> Echo:
    return Echo(ACCOUNT, twitter_id, kind, target, text, MARK + timedelta(seconds=after))


@pytest.mark.parametrize(
    ("echoed", "requested"),
    [
        ("On its way!", "On its way!"),
        ("@customer On its way!", "On its way!"),  # the replied-to @handle put in front
        ("@customer @ops On its way!", "@ops On its way!"),  # the agent's own mention kept
        ("@customer On its way!", "@customer On its way!"),  # already addressed: not doubled
        # Links shortened to t.co, whitespace collapsed (conversation-svc's test's case).
        (
            "@customer Thanks for waiting! Track your order here: https://t.co/Ab3dEf9hIj",
            REPLY,
        ),
        ("See https://t.co/x1y2z3abcd.", "See example.com/help."),  # a link without scheme
        ("Fish &amp; chips &lt;3", "Fish & chips <3"),  # HTML-escaped in the echo
        ("Fish & chips <3", "Fish & chips <3"),
        ("Caf\u00e9", "Cafe\u0301"),  # the same text in another Unicode form
    ],
)
def test_a_tweet_echo_matches_its_request_as_twitter_rewrites_it(
    echoed: str, requested: str
) -> None:
    assert text_matches(echoed, requested, TWEET)


@pytest.mark.parametrize(
    ("echoed", "requested"),
    [
        ("@customer On its way!", "On its way"),
        ("@customer On its way! Again", "On its way!"),
        ("On its way!", "on its way!"),
        ("See https://t.co/x1y2z3abcd", "See https://t.co/x1y2z3abcd now"),
        ("Fish &amp;amp; chips", "Fish & chips"),  # escaped twice is another text
    ],
)
def test_other_words_are_another_text(echoed: str, requested: str) -> None:
    assert not text_matches(echoed, requested, TWEET)


def test_a_dm_keeps_its_leading_mention() -> None:
    """DMs are not addressed by @handle: nothing is put in front, nothing is dropped."""
    assert text_matches("@ops will call you", "@ops will call you", DM)
    assert not text_matches("will call you", "@ops will call you", DM)
    assert text_matches("Your label: https://t.co/Qq1", "Your label: https://shop.test/l/9", DM)


def test_links_and_whitespace_count_once() -> None:
    assert comparable_text("a  https://x.test/1\n b", TWEET) == comparable_text(
        "a https://t.co/zz b", TWEET
    )


def test_only_an_echo_of_the_same_kind_and_target_after_the_mark_matches() -> None:
    sent = SentText(TWEET, MENTION, "On its way!")
    good = echo("@customer On its way!")
    assert matching_echo([good], sent, since=MARK, claimed=frozenset()) == good
    others = [
        echo("@customer On its way!", target="1700000000000000999"),  # another tweet
        echo("@customer On its way!", kind=DM, target=MENTION),  # a DM
        echo("@customer On its way!", after=-1),  # before the mark
        echo("@customer Something else"),  # another text
    ]
    assert matching_echo(others, sent, since=MARK, claimed=frozenset()) is None


def test_an_echo_already_another_deliverys_is_passed_over_for_the_next() -> None:
    sent = SentText(DM, CUSTOMER, "Send us your order number")
    first = echo(sent.text, twitter_id="1900000000000000001", kind=DM, target=CUSTOMER)
    second = echo(sent.text, twitter_id="1900000000000000002", kind=DM, target=CUSTOMER, after=2)
    assert matching_echo([second, first], sent, since=MARK, claimed=frozenset()) == first
    claimed = frozenset({first.twitter_id})
    assert matching_echo([first, second], sent, since=MARK, claimed=claimed) == second
    everything = frozenset({first.twitter_id, second.twitter_id})
    assert matching_echo([first, second], sent, since=MARK, claimed=everything) is None


def test_only_the_accounts_own_replies_and_dms_are_echoes_kept() -> None:
    own_reply = tweet_received(
        tweet_id="1800000000000000005",
        customer_id=CUSTOMER,
        account_id=ACCOUNT,
        text="@customer On its way!",
        from_account=True,
        in_reply_to_tweet_id=MENTION,
    )
    kept = echo_of(own_reply)
    assert kept is not None
    assert (kept.twitter_id, kept.kind, kept.target) == ("1800000000000000005", TWEET, MENTION)
    own_dm = direct_message_received(
        dm_id="1900000000000000005", customer_id=CUSTOMER, account_id=ACCOUNT, from_account=True
    )
    kept_dm = echo_of(own_dm)
    assert kept_dm is not None
    assert (kept_dm.kind, kept_dm.target) == (DM, CUSTOMER)
    # A post of the account that replies to nothing, and the customers' own: not kept.
    own_post = tweet_received(tweet_id="1", customer_id=CUSTOMER, from_account=True)
    mention = tweet_received(tweet_id="2", customer_id=CUSTOMER)
    customer_dm = direct_message_received(dm_id="3", customer_id=CUSTOMER)
    assert [echo_of(e) for e in (own_post, mention, customer_dm)] == [None, None, None]
