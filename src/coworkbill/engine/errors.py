"""Errors that carry their HTTP status and Nexudus envelope; one handler renders them all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    property_name: str
    attempted_value: Any
    message: str


class ApiError(Exception):
    status = 500

    def body(self) -> dict[str, Any]:
        return {
            "Status": 500,
            "Message": "An error has occurred.",
            "Value": None,
            "Errors": None,
            "WasSuccessful": False,
        }


class ValidationError(ApiError):
    """HTTP 400 with one ``{AttemptedValue, Message, PropertyName}`` per problem (decisions.md)."""

    status = 400

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{p.property_name}: {p.message}" for p in problems))
        self.problems = problems

    @classmethod
    def one(cls, prop: str, message: str, attempted: Any = None) -> ValidationError:
        return cls([FieldProblem(prop, attempted, message)])

    def body(self) -> dict[str, Any]:
        return {
            "Status": 400,
            "Message": "; ".join(f"{p.property_name}: {p.message}" for p in self.problems),
            "Value": None,
            "Errors": [
                {
                    "AttemptedValue": p.attempted_value,
                    "Message": p.message,
                    "PropertyName": p.property_name,
                }
                for p in self.problems
            ],
            "WasSuccessful": False,
        }


class NotFound(ApiError):
    status = 404

    def __init__(self, entity: str, ident: Any) -> None:
        super().__init__(f"{entity} {ident} was not found.")
        self.message = f"{entity} with Id {ident} was not found."

    def body(self) -> dict[str, Any]:
        return {
            "Status": 404,
            "Message": self.message,
            "Value": None,
            "Errors": None,
            "WasSuccessful": False,
        }


class MethodNotAllowed(ApiError):
    status = 405

    def __init__(self, entity: str, method: str) -> None:
        super().__init__(method)
        self.message = f"The requested resource does not support http method '{method}'."

    def body(self) -> dict[str, Any]:
        return {
            "Status": 405,
            "Message": self.message,
            "Value": None,
            "Errors": None,
            "WasSuccessful": False,
        }


class Unauthorized(ApiError):
    status = 401

    def body(self) -> dict[str, Any]:
        return {"Message": "Authorization has been denied for this request."}


class Refused(ApiError):
    """A domain rule refuses an action on a record in its current state. Commands answer it
    with HTTP 200 and ``WasSuccessful: false``; plain writes answer HTTP 400."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, Any]:
        return {
            "Status": 400,
            "Message": self.message,
            "Value": None,
            "Errors": [{"AttemptedValue": None, "Message": self.message, "PropertyName": "Id"}],
            "WasSuccessful": False,
        }
