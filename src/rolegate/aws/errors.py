"""The one error type of the wire layer: an AWS error code, its message and its HTTP status.

Every layer above raises `AwsError`; only the protocol serializers turn it into a response, so a
bad request can never become a 500 with a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class AwsError(Exception):
    code: str
    message: str
    status: int = 400
    # `Sender` for the caller's mistakes, `Receiver` for ours (the Query protocol's <Type>).
    sender_fault: bool = True

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def access_denied(message: str) -> AwsError:
    return AwsError("AccessDenied", message, 403)


def validation_error(message: str) -> AwsError:
    return AwsError("ValidationError", message, 400)


def internal_error() -> AwsError:
    return AwsError(
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
        500,
        sender_fault=False,
    )
