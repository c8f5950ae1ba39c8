"""The one JSON error shape every HTTP API answers with."""

from pydantic import Field

from switchboard_contracts.envelope import ContractModel


class ErrorDetail(ContractModel):
    field: str | None = Field(default=None, description="Dotted path of the offending field")
    reason: str


class ErrorBody(ContractModel):
    status: int = Field(ge=400, le=599)
    code: str = Field(description="Machine-readable, e.g. validation_error, not_found, forbidden")
    message: str = Field(description="For a person")
    field: str | None = Field(default=None, description="The first offending field, if any")
    details: tuple[ErrorDetail, ...] = ()
