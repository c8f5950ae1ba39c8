"""Credentials encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256) with key rotation.

`SB_CHANNEL_CREDENTIAL_KEYS` lists Fernet keys, newest first: the first encrypts, every one
decrypts. To rotate: put a new key first, keep the old ones until `rotate()` re-encrypted
every row (`python -m switchboard_channel reencrypt`), then drop them.
"""

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr

from switchboard_channel.domain.credentials import AccountCredentials


class CredentialCipher:
    def __init__(self, keys: SecretStr) -> None:
        parts = [k.strip() for k in keys.get_secret_value().split(",") if k.strip()]
        if not parts:
            raise ValueError("SB_CHANNEL_CREDENTIAL_KEYS needs at least one Fernet key")
        try:
            fernets = [Fernet(part) for part in parts]
        except ValueError:
            raise ValueError(
                "SB_CHANNEL_CREDENTIAL_KEYS holds a key that is not a Fernet key"
            ) from None
        self._newest = fernets[0]
        self._fernet = MultiFernet(fernets)

    def __repr__(self) -> str:
        return "CredentialCipher(<keys hidden>)"

    def encrypt_text(self, value: SecretStr) -> bytes:
        return self._fernet.encrypt(value.get_secret_value().encode())

    def decrypt_text(self, data: bytes) -> SecretStr:
        return SecretStr(self._decrypt(data).decode())

    def encrypt(self, credentials: AccountCredentials) -> bytes:
        plain = json.dumps(
            {
                "token": credentials.token.get_secret_value(),
                "token_secret": credentials.token_secret.get_secret_value(),
            }
        )
        return self._fernet.encrypt(plain.encode())

    def decrypt(self, data: bytes) -> AccountCredentials:
        values = json.loads(self._decrypt(data))
        return AccountCredentials.of(values["token"], values["token_secret"])

    def rotate(self, data: bytes) -> bytes:
        """Re-encrypt with the first key (what the rotation job runs over every row)."""
        try:
            return self._fernet.rotate(data)
        except InvalidToken:
            raise ValueError("stored data do not decrypt with any configured key") from None

    def is_current(self, data: bytes) -> bool:
        """Was `data` encrypted with the newest (first) key?"""
        try:
            self._newest.decrypt(data)
        except InvalidToken:
            return False
        return True

    def _decrypt(self, data: bytes) -> bytes:
        try:
            return self._fernet.decrypt(data)
        except InvalidToken:
            raise ValueError("stored credentials do not decrypt with any configured key") from None
