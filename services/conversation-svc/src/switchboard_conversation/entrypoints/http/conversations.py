"""One conversation: read it, reply, move it, own it, label it, annotate it."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header

from switchboard_conversation.entrypoints.http.deps import Ctx, CurrentCaller, errors
from switchboard_conversation.entrypoints.http.schemas import (
    ConversationDetailOut,
    ConversationOut,
    HistoryOut,
    MessageOut,
    MoveIn,
    NoteIn,
    NoteOut,
    OwnerIn,
    ReplyIn,
)
from switchboard_conversation.service_layer import agent_actions, replies, views

router = APIRouter(prefix="/v1/conversations/{conversation_id}", tags=["conversations"])


@router.get(
    "", summary="A conversation with its messages, notes and history", responses=errors(404)
)
async def get_conversation(
    conversation_id: uuid.UUID, context: Ctx, caller: CurrentCaller
) -> ConversationDetailOut:
    found = await views.conversation_detail(context, caller, conversation_id)
    return ConversationDetailOut(
        conversation=ConversationOut.of(found.conversation),
        messages=[MessageOut.model_validate(m) for m in found.messages],
        notes=[NoteOut.model_validate(n) for n in found.notes],
        history=[HistoryOut.model_validate(h) for h in found.history],
    )


@router.post(
    "/replies",
    status_code=202,
    summary="Reply to the customer (tweet or DM), optionally then move to Pending/Resolved",
    description="Accepted: the reply is requested (it leaves through replies.requested.v1); "
    "its delivery state follows the result. Needs Contributor. With an `Idempotency-Key`, "
    "sending the same request again (after a timeout or a dropped connection) answers with "
    "the reply made the first time instead of making another; the key used for another "
    "text is 409.",
    responses=errors(403, 404, 409),
)
async def reply(
    conversation_id: uuid.UUID,
    body: ReplyIn,
    context: Ctx,
    caller: CurrentCaller,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=200,
            pattern=r"^[\x21-\x7e]+$",
            description="The client's key for this reply (printable ASCII, e.g. a UUID)",
        ),
    ] = None,
) -> MessageOut:
    command = replies.Reply(
        text=body.text, kind=body.kind, then=body.then, idempotency_key=idempotency_key
    )
    _, message = await replies.reply(context, caller, conversation_id, command)
    return MessageOut.model_validate(message)


@router.post("/status", summary="Move to Pending or Resolved", responses=errors(403, 404))
async def move(
    conversation_id: uuid.UUID, body: MoveIn, context: Ctx, caller: CurrentCaller
) -> ConversationOut:
    moved = await agent_actions.move(context, caller, conversation_id, body.status)
    return ConversationOut.of(moved.state)


@router.post(
    "/take", summary="Take ownership for oneself (Contributor)", responses=errors(403, 404)
)
async def take(conversation_id: uuid.UUID, context: Ctx, caller: CurrentCaller) -> ConversationOut:
    return ConversationOut.of((await agent_actions.take(context, caller, conversation_id)).state)


@router.put(
    "/owner",
    summary="Assign to a user (Supervisor; oneself: Contributor) or to nobody",
    responses=errors(403, 404),
)
async def assign(
    conversation_id: uuid.UUID, body: OwnerIn, context: Ctx, caller: CurrentCaller
) -> ConversationOut:
    changed = await agent_actions.assign(context, caller, conversation_id, body.owner_id)
    return ConversationOut.of(changed.state)


@router.put("/tags/{tag}", summary="Add a tag", responses=errors(403, 404))
async def add_tag(
    conversation_id: uuid.UUID, tag: str, context: Ctx, caller: CurrentCaller
) -> ConversationOut:
    changed = await agent_actions.tag(context, caller, conversation_id, tag, add=True)
    return ConversationOut.of(changed.state)


@router.delete("/tags/{tag}", summary="Remove a tag", responses=errors(403, 404))
async def remove_tag(
    conversation_id: uuid.UUID, tag: str, context: Ctx, caller: CurrentCaller
) -> ConversationOut:
    changed = await agent_actions.tag(context, caller, conversation_id, tag, add=False)
    return ConversationOut.of(changed.state)


@router.put(
    "/topics/{topic_id}",
    summary="Add a topic of the organization's list",
    responses=errors(403, 404),
)
async def add_topic(
    conversation_id: uuid.UUID, topic_id: uuid.UUID, context: Ctx, caller: CurrentCaller
) -> ConversationOut:
    changed = await agent_actions.topic(context, caller, conversation_id, topic_id, add=True)
    return ConversationOut.of(changed.state)


@router.delete("/topics/{topic_id}", summary="Remove a topic", responses=errors(403, 404))
async def remove_topic(
    conversation_id: uuid.UUID, topic_id: uuid.UUID, context: Ctx, caller: CurrentCaller
) -> ConversationOut:
    changed = await agent_actions.topic(context, caller, conversation_id, topic_id, add=False)
    return ConversationOut.of(changed.state)


@router.post("/notes", status_code=201, summary="Add an internal note", responses=errors(403, 404))
async def add_note(
    conversation_id: uuid.UUID, body: NoteIn, context: Ctx, caller: CurrentCaller
) -> NoteOut:
    _, note = await agent_actions.add_note(context, caller, conversation_id, body.text)
    return NoteOut.model_validate(note)


@router.delete(
    "/notes/{note_id}", status_code=204, summary="Remove a note", responses=errors(403, 404)
)
async def remove_note(
    conversation_id: uuid.UUID, note_id: uuid.UUID, context: Ctx, caller: CurrentCaller
) -> None:
    await agent_actions.remove_note(context, caller, conversation_id, note_id)
