"""The one error type of recueil-kg and its shape."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RecueilError(Exception):
    """A failure the user can act on: it names what is wrong and where.

    ``status`` is the HTTP status the web layer answers with; ``exit_code`` the CLI exit code
    (2: usage or load error, 1: data does not conform).
    """

    message: str
    where: str | None = None
    status: int = 400
    exit_code: int = 2
    details: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def to_dict(self) -> dict:
        out = {"error": type(self).__name__, "message": self.message, "status": self.status}
        if self.where:
            out["where"] = self.where
        if self.details:
            out["details"] = self.details
        return out
