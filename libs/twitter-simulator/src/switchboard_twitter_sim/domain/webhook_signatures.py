"""The sender's side of Twitter's webhook security: the CRC answer it expects and the
`x-twitter-webhooks-signature` it puts on every delivery (HMAC-SHA256 keyed with the
app's consumer secret, standard base64, `sha256=` prefix)."""

import base64
import hashlib
import hmac

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
PREFIX = "sha256="


def sign(consumer_secret: str, message: bytes) -> str:
    digest = hmac.new(consumer_secret.encode(), message, hashlib.sha256).digest()
    return PREFIX + base64.b64encode(digest).decode()


def expected_crc_response(consumer_secret: str, crc_token: str) -> str:
    return sign(consumer_secret, crc_token.encode())


def is_valid(consumer_secret: str, message: bytes, signature: str | None) -> bool:
    """Constant-time check, for receivers in tests and for the CRC answer."""
    if not signature:
        return False
    return hmac.compare_digest(sign(consumer_secret, message).encode(), signature.encode())
