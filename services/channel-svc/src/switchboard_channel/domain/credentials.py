"""An account's OAuth 1.0a access token: secret values that never print themselves."""

from dataclasses import dataclass

from pydantic import SecretStr


@dataclass(frozen=True)
class AccountCredentials:
    token: SecretStr
    token_secret: SecretStr

    @classmethod
    def of(cls, token: str, token_secret: str) -> "AccountCredentials":
        return cls(SecretStr(token), SecretStr(token_secret))
