import pytest

from switchboard_ingest.domain.signature import crc_response_token, is_valid_signature

pytestmark = pytest.mark.unit

BODY = b'{"test_number":1,"test_string":"two"}'


def test_crc_matches_twitter_test_vector() -> None:
    assert (
        crc_response_token("test", "challenge_string")
        == "sha256=SYYKwb5URQ4OnNXL3KWDH9ph6EIaP+4PTQFxLk5FIK4="
    )


def test_signature_matches_twitter_test_vector() -> None:
    assert is_valid_signature("test", BODY, "sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlI=")


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=", "sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlJ=", "garbage"],
)
def test_wrong_or_missing_signature_is_refused(header: str | None) -> None:
    assert not is_valid_signature("test", BODY, header)


def test_signature_is_over_the_exact_bytes() -> None:
    assert not is_valid_signature(
        "test", BODY + b" ", "sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlI="
    )
