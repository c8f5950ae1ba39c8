"""`python -m switchboard_twitter_sim`: flags win over SB_TWITTER_SIM_* variables."""

import pytest

from switchboard_twitter_sim.__main__ import parse_settings

pytestmark = pytest.mark.unit


def test_flags_override_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SB_TWITTER_SIM_CONSUMER_SECRET", "from-env")
    monkeypatch.setenv("SB_TWITTER_SIM_PORT", "9999")
    monkeypatch.setenv("SB_TWITTER_SIM_SEED_ACCOUNTS", "env_brand")
    settings = parse_settings(
        ["--port", "8123", "--seed-accounts", "acme:1234567890123456789,jane"]
    )
    assert settings.port == 8123
    assert settings.consumer_secret.get_secret_value() == "from-env"
    assert settings.seeds() == [("acme", "1234567890123456789"), ("jane", None)]


def test_defaults_match_the_project_conventions(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SB_TWITTER_SIM_PORT", "SB_TWITTER_SIM_CONSUMER_SECRET"):
        monkeypatch.delenv(name, raising=False)
    settings = parse_settings([])
    assert settings.port == 8010
    assert settings.consumer_secret.get_secret_value() == "local-dev-consumer-secret"
