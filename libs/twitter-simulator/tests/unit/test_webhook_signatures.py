"""The sender's signatures against the test vectors in TWITTER.md."""

import pytest

from switchboard_twitter_sim.domain.webhook_signatures import expected_crc_response, is_valid, sign

pytestmark = pytest.mark.unit


def test_crc_response_matches_the_documented_vector() -> None:
    assert (
        expected_crc_response("test", "challenge_string")
        == "sha256=SYYKwb5URQ4OnNXL3KWDH9ph6EIaP+4PTQFxLk5FIK4="
    )


def test_body_signature_matches_the_documented_vector() -> None:
    body = b'{"test_number":1,"test_string":"two"}'
    assert sign("test", body) == "sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlI="


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlJ=", sign("other", b"{}")],
)
def test_verifier_refuses_wrong_or_missing_signatures(signature: str | None) -> None:
    assert not is_valid("test", b'{"test_number":1,"test_string":"two"}', signature)


def test_verifier_accepts_the_vector() -> None:
    body = b'{"test_number":1,"test_string":"two"}'
    assert is_valid("test", body, "sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlI=")
