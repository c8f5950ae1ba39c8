"""The OpenAPI description of `POST /webhooks/twitter`, whose route reads raw bytes (the
signature is over them) and so gets no body schema from FastAPI. Built from the parsers'
own lists, so the document names exactly what is accepted."""

from typing import Any

from switchboard_ingest.domain.account_activity import ENVELOPES, IGNORED
from switchboard_ingest.domain.x_activity import EVENT_TYPES

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
_ID = {"type": "string", "pattern": "^[0-9]{1,20}$"}
_LIST = {"type": "array", "items": {"type": "object"}}

ACCOUNT_ACTIVITY: dict[str, Any] = {
    "title": "AccountActivityDelivery",
    "description": "`for_user_id` (absent on `user_event`) and exactly one envelope. "
    "Accepted but kept on the raw topic only: " + ", ".join(f"`{name}`" for name in IGNORED) + ".",
    "type": "object",
    "properties": {
        "for_user_id": _ID,
        "user_has_blocked": {"type": ["boolean", "string"]},
        **{name: _LIST for name in ENVELOPES if name != "user_event"},
        "user_event": {"type": "object", "properties": {"revoke": {"type": "object"}}},
        "users": {"type": "object"},
        "apps": {"type": "object"},
    },
}
X_ACTIVITY: dict[str, Any] = {
    "title": "XActivityDelivery",
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "object",
            "required": ["event_type", "payload"],
            "properties": {
                "event_uuid": {"type": "string"},
                "filter": {"type": "object", "properties": {"user_id": _ID}},
                "event_type": {"enum": list(EVENT_TYPES)},
                "tag": {"type": "string"},
                "payload": {"type": "object"},
                "includes": {"type": "object"},
            },
        }
    },
}
DELIVERY_OPERATION: dict[str, Any] = {
    "parameters": [
        {
            "name": SIGNATURE_HEADER,
            "in": "header",
            "required": True,
            "description": "`sha256=` + base64(HMAC-SHA256(consumer secret, the raw body))",
            "schema": {"type": "string", "pattern": "^sha256=[A-Za-z0-9+/]{43}=$"},
        }
    ],
    "requestBody": {
        "required": True,
        "description": "An Account Activity or X Activity API delivery, UTF-8 JSON, signed "
        f"by `{SIGNATURE_HEADER}` over these exact bytes.",
        "content": {
            "application/json": {
                "schema": {"oneOf": [ACCOUNT_ACTIVITY, X_ACTIVITY]},
                "examples": {
                    "mention": {
                        "value": {
                            "for_user_id": "2975699229",
                            "user_has_blocked": False,
                            "tweet_create_events": [
                                {
                                    "id_str": "1207623566339919872",
                                    "created_at": "Thu Dec 19 11:27:49 +0000 2019",
                                    "text": "@ScruffyMcG This is only a test.",
                                    "in_reply_to_user_id_str": "2975699229",
                                    "user": {"id_str": "1205290247124217856"},
                                }
                            ],
                        }
                    },
                    "x_activity_revoke": {
                        "value": {
                            "data": {
                                "event_uuid": "5934540941047412905",
                                "filter": {},
                                "event_type": "oauth.revoke",
                                "payload": {
                                    "date_time": "2026-07-23T21:44:05+00:00",
                                    "user_id": "1111111111111111111",
                                    "app_id": "29820954",
                                },
                            }
                        }
                    },
                },
            }
        },
    },
}
