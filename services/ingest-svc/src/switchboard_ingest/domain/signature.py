"""Twitter's webhook CRC answer and delivery signature (HMAC-SHA256, standard base64)."""

import base64
import hashlib
import hmac

PREFIX = "sha256="


def signature(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return PREFIX + base64.b64encode(digest).decode()


def crc_response_token(secret: str, crc_token: str) -> str:
    return signature(secret, crc_token.encode())


def is_valid_signature(secret: str, body: bytes, header: str | None) -> bool:
    if not header:
        return False
    return hmac.compare_digest(signature(secret, body).encode(), header.strip().encode())
