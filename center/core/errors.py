"""One error base for every domain rule: pages show it as a message, the API as {"message", "extra"}."""

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the operation; nothing was changed."""

    status_code = 400

    def __init__(
        self, message: str, extra: dict[str, Any] | None = None, *, audit: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = str(message)
        self.extra = extra or {}
        # A security-relevant refusal to record even though the transaction rolls back:
        # {"action": "...", "actor": user, "target": obj, "extra": {...}} (see core.services.service).
        self.audit = audit


class NotFoundError(ApplicationError):
    """Missing or not visible to this user: both look the same, so IDs cannot be probed."""

    status_code = 404


class ForbiddenError(ApplicationError):
    status_code = 403


class ConflictError(ApplicationError):
    """The object changed state meanwhile (double submit, race): retry from the current state."""

    status_code = 409


class BusyError(ConflictError):
    """The rows this action needs stayed locked by others too long (or it lost a deadlock) even after
    retrying: nothing was changed, and the same request can simply be sent again."""
